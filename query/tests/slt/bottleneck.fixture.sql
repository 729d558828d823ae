-- Hand-worked fixture for kpi_bottleneck_hours and kpi_bottleneck_episodes
-- (see bottleneck.slt for the arithmetic). Times are UTC; SUB is WIB (UTC+7), JFK is
-- America/New_York and 2018-11-04 is the day its clocks fell back from EDT to EST.
-- table: crossings
SELECT port, terminal, record_id,
       joined_queue_at,
       to_timestamp_seconds(arrow_cast(joined_queue_at, 'Int64') / 1000000000 + wait_minutes * 60)
           AS reached_counter_at,
       to_timestamp_seconds(arrow_cast(joined_queue_at, 'Int64') / 1000000000
           + (coalesce(wait_minutes, 20) + 2) * 60) AS cleared_at
FROM (VALUES
    -- 13:00 UTC (20:00 WIB): T1 has 10 counted, 1 over 30 -> exactly 10%, not a bottleneck;
    -- T2 has 2 counted, 1 over -> 50%; the port has 12 counted, 2 over -> 16.7%.
    ('SUB', 'T1', 'a1', TIMESTAMP '2026-10-20T13:00:00Z', 5),
    ('SUB', 'T1', 'a2', TIMESTAMP '2026-10-20T13:05:00Z', 5),
    ('SUB', 'T1', 'a3', TIMESTAMP '2026-10-20T13:10:00Z', 5),
    ('SUB', 'T1', 'a4', TIMESTAMP '2026-10-20T13:15:00Z', 5),
    ('SUB', 'T1', 'a5', TIMESTAMP '2026-10-20T13:20:00Z', 5),
    ('SUB', 'T1', 'a6', TIMESTAMP '2026-10-20T13:25:00Z', 5),
    ('SUB', 'T1', 'a7', TIMESTAMP '2026-10-20T13:30:00Z', 5),
    ('SUB', 'T1', 'a8', TIMESTAMP '2026-10-20T13:35:00Z', 5),
    ('SUB', 'T1', 'a9', TIMESTAMP '2026-10-20T13:40:00Z', 30),
    ('SUB', 'T1', 'a10', TIMESTAMP '2026-10-20T13:45:00Z', 31),
    ('SUB', 'T2', 'b1', TIMESTAMP '2026-10-20T13:10:00Z', 10),
    ('SUB', 'T2', 'b2', TIMESTAMP '2026-10-20T13:50:00Z', 45),
    -- 16:00, 17:00, 18:00 UTC (23:00 on the 20th to 01:00 on the 21st, WIB): one traveller an
    -- hour waiting 40 -> three bottleneck hours in a row, an episode across local midnight.
    -- The traveller at 16:20 has no counter time and is not counted.
    ('SUB', 'T1', 'c1', TIMESTAMP '2026-10-20T16:10:00Z', 40),
    ('SUB', 'T1', 'c2', TIMESTAMP '2026-10-20T16:20:00Z', NULL),
    ('SUB', 'T1', 'c3', TIMESTAMP '2026-10-20T17:10:00Z', 40),
    ('SUB', 'T1', 'c4', TIMESTAMP '2026-10-20T18:59:00Z', 40),
    -- 19:00 UTC has nobody; 20:00 is a bottleneck hour alone: a second episode.
    ('SUB', 'T1', 'd1', TIMESTAMP '2026-10-20T20:30:00Z', 35),
    -- 21:00 UTC: counted, nobody over: not a bottleneck.
    ('SUB', 'T1', 'e1', TIMESTAMP '2026-10-20T21:30:00Z', 12),
    -- 22:00 UTC: the only traveller has no counter time: nobody counted, never a bottleneck.
    ('SUB', 'T1', 'f1', TIMESTAMP '2026-10-20T22:30:00Z', NULL)
) AS t(port, terminal, record_id, joined_queue_at, wait_minutes)
-- table: wait_hourly
SELECT * FROM (VALUES
    -- 00:00 EDT: counted 102 - 2 = 100, over 30: 5 + 5 = 10 -> exactly 10%, not a bottleneck.
    ('JFK', 'Terminal 4', TIMESTAMP '2018-11-04T04:00:00Z', 60, DATE '2018-11-04', 0, 80, 10, 5, 5, 0, 0, 0, 2, 102),
    -- 01:00 happens twice and is reported once: 120 minutes from 05:00 UTC; 20 of 70 over.
    ('JFK', 'Terminal 4', TIMESTAMP '2018-11-04T05:00:00Z', 120, DATE '2018-11-04', 1, 50, 0, 20, 0, 0, 0, 0, 0, 70),
    -- 02:00 EST = 07:00 UTC: 2 of 12 over; follows the 120-minute hour without a gap.
    ('JFK', 'Terminal 4', TIMESTAMP '2018-11-04T07:00:00Z', 60, DATE '2018-11-04', 2, 0, 10, 0, 0, 2, 0, 0, 0, 12),
    -- 03:00 EST: nobody counted.
    ('JFK', 'Terminal 4', TIMESTAMP '2018-11-04T08:00:00Z', 60, DATE '2018-11-04', 3, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    -- Terminal 1 at 02:00 EST: 1 of 6 over (120+ bucket).
    ('JFK', 'Terminal 1', TIMESTAMP '2018-11-04T07:00:00Z', 60, DATE '2018-11-04', 2, 5, 0, 0, 0, 0, 0, 1, 0, 6)
) AS t(port, terminal, hour_start, hour_minutes, local_date, local_hour,
       pax_0_15, pax_16_30, pax_31_45, pax_46_60, pax_61_90, pax_91_120, pax_over_120,
       pax_excluded, pax_total)
