-- Hand-worked fixture for kpi_joint_operation_impact (see joint_operations.slt).
-- table: joint_operations
SELECT port, CAST(local_date AS DATE) AS local_date, terminal, operation_id, name, agencies,
       started_at, ended_at, lanes_halted
FROM (VALUES
    ('CGK', '2026-10-20', 'T3', 'OPG-CGK-20261020-01', 'Operasi Bersinar',
     'customs,immigration,police',
     TIMESTAMP '2026-10-20T03:00:00Z', TIMESTAMP '2026-10-20T05:00:00Z', 4),
    ('CGK', '2026-10-23', NULL, 'OPG-CGK-20261023-01', 'Operasi Patroli Terpadu',
     'authority,customs,immigration,police',
     TIMESTAMP '2026-10-23T16:00:00Z', TIMESTAMP '2026-10-23T18:00:00Z', 2),
    ('JFK', '2026-11-05', NULL, 'OPG-JFK-20261105-01', 'Joint patrol', 'immigration,police',
     TIMESTAMP '2026-11-05T19:00:00Z', TIMESTAMP '2026-11-05T20:00:00Z', 1)
) AS t(port, local_date, terminal, operation_id, name, agencies, started_at, ended_at,
       lanes_halted)

-- table: crossings
-- Runs of travellers cleared `step_minutes` apart from `first_cleared`; each joined the
-- queue 10 minutes before being cleared (which sets its local date).
WITH runs AS (
    SELECT * FROM (VALUES
        -- CGK operation 1 (T3, 03:00-05:00 UTC on Tue 20 Oct), during: 6 cleared.
        ('CGK', 'T3', 'cleared', TIMESTAMP '2026-10-20T03:00:00Z', 15, 6),
        -- ... and around it, not counted: refused, another terminal, at the end, before.
        ('CGK', 'T3', 'refused', TIMESTAMP '2026-10-20T03:30:00Z', 0, 1),
        ('CGK', 'T2', 'cleared', TIMESTAMP '2026-10-20T03:30:00Z', 0, 1),
        ('CGK', 'T3', 'cleared', TIMESTAMP '2026-10-20T05:00:00Z', 0, 1),
        ('CGK', 'T3', 'cleared', TIMESTAMP '2026-10-20T02:59:00Z', 0, 1),
        -- Tue 13 Oct: 10 in the window.
        ('CGK', 'T3', 'cleared', TIMESTAMP '2026-10-13T03:00:00Z', 10, 10),
        -- Tue 6 Oct: records, but none in the window.
        ('CGK', 'T3', 'cleared', TIMESTAMP '2026-10-06T08:00:00Z', 0, 1),
        -- Tue 29 Sep: no records at all. Tue 22 Sep: 14 in the window.
        ('CGK', 'T3', 'cleared', TIMESTAMP '2026-09-22T03:00:00Z', 8, 14),
        -- CGK operation 2 (whole port, Fri 23 Oct 23:00 to Sat 01:00 WIB): 3 before and 3
        -- after midnight, at two terminals.
        ('CGK', 'T1', 'cleared', TIMESTAMP '2026-10-23T16:30:00Z', 0, 3),
        ('CGK', 'T2', 'cleared', TIMESTAMP '2026-10-23T17:30:00Z', 0, 3),
        -- Fri 16 Oct: a record at 17:00 WIB gives the day data; 4 cleared at 00:45 WIB.
        ('CGK', 'T1', 'cleared', TIMESTAMP '2026-10-16T10:00:00Z', 0, 1),
        ('CGK', 'T1', 'cleared', TIMESTAMP '2026-10-16T17:45:00Z', 0, 4),
        -- JFK (America/New_York) operation, Thu 5 Nov 14:00-15:00 EST: 2 cleared.
        ('JFK', 'T4', 'cleared', TIMESTAMP '2026-11-05T19:10:00Z', 10, 2),
        -- Thu 29 Oct, still EDT: 14:00-15:00 is 18:00-19:00 UTC, 5 cleared; one more at
        -- 19:30 UTC (15:30 EDT), in the window a plain 7-day shift in UTC would take.
        ('JFK', 'T4', 'cleared', TIMESTAMP '2026-10-29T18:10:00Z', 10, 5),
        ('JFK', 'T4', 'cleared', TIMESTAMP '2026-10-29T19:30:00Z', 0, 1)
    ) AS t(port, terminal, outcome, first_cleared, step_minutes, travellers)
),
cleared AS (
    SELECT port, terminal, outcome, value,
           to_timestamp_millis(arrow_cast(first_cleared, 'Int64') / 1000000
               + value * step_minutes * 60000) AS cleared_at
    FROM runs CROSS JOIN generate_series(0, 13)
    WHERE value < travellers
)
SELECT port, terminal, outcome,
       concat('r', CAST(row_number() OVER (ORDER BY port, cleared_at, terminal, outcome, value)
           AS VARCHAR)) AS record_id,
       cleared_at - INTERVAL '10 minutes' AS joined_queue_at,
       cleared_at
FROM cleared
