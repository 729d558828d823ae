-- Hand-worked fixture for kpi_weekly_headlines (see weekly.slt for the arithmetic).
-- SUB is WIB (UTC+7), CGK WIB too. Weeks (local dates, Monday start):
--   A 2026-10-12 .. 2026-10-18, B 2026-10-19 .. 2026-10-25, B' 2026-10-26 .. 11-01 (SUB has
--   no data, CGK has), C 2026-11-02 .. 2026-11-08.
-- Only crossings get their local calendar derived by the runner; the other tables give
-- local_date (and hour_start where a view needs it) themselves.
-- table: crossings
SELECT port, record_id, joined_queue_at,
       to_timestamp_seconds(arrow_cast(joined_queue_at, 'Int64') / 1000000000 + wait_minutes * 60)
           AS reached_counter_at,
       to_timestamp_seconds(arrow_cast(joined_queue_at, 'Int64') / 1000000000 + clearance_minutes * 60)
           AS cleared_at,
       outcome, i247_status, i247_notice
FROM (VALUES
    -- Week A. a1: Wednesday 09:00 WIB. a2: 16:30 UTC on Sunday the 18th = 23:30 WIB Sunday:
    -- week A; waited 35 minutes for the counter (a bottleneck hour), refused on a red notice.
    ('SUB', 'a1', TIMESTAMP '2026-10-14T02:00:00Z', 5, 10, 'cleared', 'ok', CAST(NULL AS VARCHAR)),
    ('SUB', 'a2', TIMESTAMP '2026-10-18T16:30:00Z', 35, 40, 'refused', 'timeout', 'red'),
    -- Week B. b1: 17:30 UTC on Sunday the 18th = 00:30 WIB Monday the 19th: week B.
    ('SUB', 'b1', TIMESTAMP '2026-10-18T17:30:00Z', 2, 5, 'cleared', 'ok', NULL),
    ('SUB', 'b2', TIMESTAMP '2026-10-20T03:00:00Z', 5, 10, 'cleared', 'ok', NULL),
    ('SUB', 'b3', TIMESTAMP '2026-10-22T03:00:00Z', 10, 15, 'cleared', 'ok', NULL),
    -- b4: 16:00 UTC on Sunday the 25th = 23:00 WIB: still week B; detained.
    ('SUB', 'b4', TIMESTAMP '2026-10-25T16:00:00Z', 20, 25, 'detained', 'error', NULL),
    -- Week C, after a week without data.
    ('SUB', 'c1', TIMESTAMP '2026-11-03T03:00:00Z', 6, 12, 'cleared', 'ok', NULL),
    -- CGK, week B only: waited 31 (a bottleneck hour), cleared after 33.
    ('CGK', 'k1', TIMESTAMP '2026-10-21T03:00:00Z', 31, 33, 'cleared', 'ok', NULL),
    -- CGK, the week after (2026-10-26 .. 11-01): waited 3, cleared after 8.
    ('CGK', 'k2', TIMESTAMP '2026-10-27T03:00:00Z', 3, 8, 'cleared', 'ok', NULL)
) AS t(port, record_id, joined_queue_at, wait_minutes, clearance_minutes, outcome, i247_status, i247_notice)
-- table: customs_inspections
SELECT port, CAST(local_date AS DATE) AS local_date, inspection_id, outcome, seizure_category
FROM (VALUES
    -- Week B: six narcotics seizures and a release on Tuesday the 20th.
    ('SUB', '2026-10-20', 'i1', 'seized', 'narcotics'),
    ('SUB', '2026-10-20', 'i2', 'seized', 'narcotics'),
    ('SUB', '2026-10-20', 'i3', 'seized', 'narcotics'),
    ('SUB', '2026-10-20', 'i4', 'seized', 'narcotics'),
    ('SUB', '2026-10-20', 'i5', 'seized', 'narcotics'),
    ('SUB', '2026-10-20', 'i6', 'seized', 'narcotics'),
    ('SUB', '2026-10-20', 'i7', 'released', NULL),
    -- Week C: five currency seizures on Tuesday 3 November.
    ('SUB', '2026-11-03', 'j1', 'seized', 'currency'),
    ('SUB', '2026-11-03', 'j2', 'seized', 'currency'),
    ('SUB', '2026-11-03', 'j3', 'seized', 'currency'),
    ('SUB', '2026-11-03', 'j4', 'seized', 'currency'),
    ('SUB', '2026-11-03', 'j5', 'seized', 'currency')
) AS t(port, local_date, inspection_id, outcome, seizure_category)
-- table: health_screenings_hourly
SELECT port, CAST(local_date AS DATE) AS local_date, local_hour, terminal, screened, referred,
       isolated
FROM (VALUES
    -- Week A, Thursday the 15th: 4 referred (not a hit), 3 isolated (hits).
    ('SUB', '2026-10-15', 10, 'T1', 50, 4, 3)
) AS t(port, local_date, local_hour, terminal, screened, referred, isolated)
-- table: incidents
SELECT port, CAST(local_date AS DATE) AS local_date, incident_id, category
FROM (VALUES
    -- Week B: a theft reported 23:30 WIB on Sunday the 25th (16:30 UTC).
    ('SUB', '2026-10-25', 'p1', 'theft')
) AS t(port, local_date, incident_id, category)
-- table: exchanges
SELECT port, CAST(local_date AS DATE) AS local_date, message_id, sender, receiver, kind,
       produced_at, received_at, status
FROM (VALUES
    -- Week A: delivered after 2, 4 and 10 minutes; the first produced 23:50 WIB on Sunday
    -- the 18th (16:50 UTC). A failed message and one handled by hand (60 minutes) do not
    -- count.
    ('SUB', '2026-10-18', 'm1', 'authority', 'immigration', 'manifest',
        TIMESTAMP '2026-10-18T16:50:00Z', TIMESTAMP '2026-10-18T16:52:00Z', 'delivered'),
    ('SUB', '2026-10-14', 'm2', 'authority', 'immigration', 'manifest',
        TIMESTAMP '2026-10-14T02:00:00Z', TIMESTAMP '2026-10-14T02:04:00Z', 'delivered'),
    ('SUB', '2026-10-14', 'm3', 'customs', 'police', 'alert',
        TIMESTAMP '2026-10-14T03:00:00Z', TIMESTAMP '2026-10-14T03:10:00Z', 'delivered'),
    ('SUB', '2026-10-14', 'm4', 'customs', 'police', 'alert',
        TIMESTAMP '2026-10-14T04:00:00Z', CAST(NULL AS TIMESTAMP), 'failed'),
    ('SUB', '2026-10-14', 'm5', 'customs', 'police', 'alert',
        TIMESTAMP '2026-10-14T05:00:00Z', TIMESTAMP '2026-10-14T06:00:00Z', 'manual'),
    -- Week B: 1 and 3 minutes; the first produced 00:10 WIB on Monday the 19th (17:10 UTC
    -- on Sunday the 18th).
    ('SUB', '2026-10-19', 'm6', 'authority', 'immigration', 'manifest',
        TIMESTAMP '2026-10-18T17:10:00Z', TIMESTAMP '2026-10-18T17:11:00Z', 'delivered'),
    ('SUB', '2026-10-21', 'm7', 'immigration', 'customs', 'risk_profile',
        TIMESTAMP '2026-10-21T02:00:00Z', TIMESTAMP '2026-10-21T02:03:00Z', 'delivered')
) AS t(port, local_date, message_id, sender, receiver, kind, produced_at, received_at, status)
