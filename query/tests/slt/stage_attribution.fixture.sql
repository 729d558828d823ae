-- Hand-worked fixture for flight_stage_times, kpi_stage_attribution and
-- kpi_stage_attribution_daily (see stage_attribution.slt for the arithmetic).
--
-- One night of arrivals told three times, at three WIB seaports:
--   BTM: every system's clock agrees with Immigration's (the reference).
--   TPN: the same night, but the authority's clock is 3 minutes ahead (its on-block times
--        are 3 minutes late) and Customs' clock 2 minutes behind (its times are 2 minutes
--        early). Immigration's records are the same.
--   TUB: flight SF-01 only, with the authority's clock 3 minutes behind (on-block 3
--        minutes early): a disagreement the data cannot reveal.
--   TBK: the same vessel number SF-05 late on the 20th (23:00 WIB) and early on the 21st
--        (01:00 WIB), whose travellers are candidates for both sailings.
-- table: flights
WITH night AS (
    SELECT * FROM (VALUES
        ('SF-01', 'SGSIN', TIMESTAMP '2026-10-20T01:50:00Z', TIMESTAMP '2026-10-20T02:00:00Z', 4),
        ('SF-02', 'SGSIN', TIMESTAMP '2026-10-20T04:00:00Z', TIMESTAMP '2026-10-20T04:00:00Z', 3),
        ('SF-03', 'MYJHB', TIMESTAMP '2026-10-20T06:00:00Z', NULL, 0),
        ('SF-04', 'MYJHB', TIMESTAMP '2026-10-20T08:00:00Z', TIMESTAMP '2026-10-20T08:10:00Z', 0)
    ) AS t(carrier, origin, scheduled_on_block_at, actual_on_block_at, intl_pax)
)
SELECT 'BTM' AS port, DATE '2026-10-20' AS local_date, 'FERRY' AS terminal,
       concat('BTM-20261020-', carrier) AS flight_id, carrier, origin,
       scheduled_on_block_at, actual_on_block_at, intl_pax
FROM night
UNION ALL
SELECT 'TPN', DATE '2026-10-20', 'FERRY', concat('TPN-20261020-', carrier), carrier, origin,
       scheduled_on_block_at + INTERVAL '3 minutes', actual_on_block_at + INTERVAL '3 minutes',
       intl_pax
FROM night
UNION ALL
SELECT 'TUB', DATE '2026-10-20', 'FERRY', concat('TUB-20261020-', carrier), carrier, origin,
       scheduled_on_block_at - INTERVAL '3 minutes', actual_on_block_at - INTERVAL '3 minutes',
       intl_pax
FROM night
WHERE carrier = 'SF-01'
UNION ALL
SELECT 'TBK', CAST(local_date AS DATE), 'FERRY', flight_id, 'SF-05', 'SGSIN', on_block,
       on_block AS actual, 2
FROM (VALUES
    ('2026-10-20', 'TBK-20261020-SF-05', TIMESTAMP '2026-10-20T16:00:00Z'),
    ('2026-10-21', 'TBK-20261021-SF-05', TIMESTAMP '2026-10-20T18:00:00Z')
) AS t(local_date, flight_id, on_block)

-- table: crossings
-- x1 is the next day's SF-01 (not listed: outside every window), x2 a departure on SF-01.
WITH travellers AS (
    SELECT * FROM (VALUES
        ('p1', 'k1', 'SF-01', 'arrival', TIMESTAMP '2026-10-20T02:00:00Z', TIMESTAMP '2026-10-20T02:10:00Z'),
        ('p2', 'k2', 'SF-01', 'arrival', TIMESTAMP '2026-10-20T02:00:00Z', TIMESTAMP '2026-10-20T02:20:00Z'),
        ('p3', 'k3', 'SF-01', 'arrival', TIMESTAMP '2026-10-20T02:05:00Z', TIMESTAMP '2026-10-20T02:30:00Z'),
        ('p4', 'k4', 'SF-01', 'arrival', TIMESTAMP '2026-10-20T02:10:00Z', TIMESTAMP '2026-10-20T02:40:00Z'),
        ('q1', 'k5', 'SF-02', 'arrival', TIMESTAMP '2026-10-20T04:05:00Z', TIMESTAMP '2026-10-20T04:20:00Z'),
        ('q2', 'k6', 'SF-02', 'arrival', TIMESTAMP '2026-10-20T04:10:00Z', TIMESTAMP '2026-10-20T04:35:00Z'),
        ('q3', 'k7', 'SF-02', 'arrival', TIMESTAMP '2026-10-20T04:20:00Z', TIMESTAMP '2026-10-20T04:50:00Z'),
        ('x1', 'k8', 'SF-01', 'arrival', TIMESTAMP '2026-10-21T02:05:00Z', TIMESTAMP '2026-10-21T02:15:00Z'),
        ('x2', 'k9', 'SF-01', 'departure', TIMESTAMP '2026-10-20T02:30:00Z', TIMESTAMP '2026-10-20T02:40:00Z')
    ) AS t(record_id, traveller_key, carrier, direction, joined_queue_at, cleared_at)
)
SELECT port, record_id, traveller_key, carrier, direction, joined_queue_at, cleared_at,
       'cleared' AS outcome
FROM travellers CROSS JOIN (VALUES ('BTM'), ('TPN')) AS p(port)
UNION ALL
SELECT 'TUB', record_id, traveller_key, carrier, direction, joined_queue_at, cleared_at,
       'cleared'
FROM travellers
WHERE record_id LIKE 'p%'
UNION ALL
-- r1 and r3 came on the 20th's SF-05 (r3 joined after midnight, before the 21st's docked),
-- r2 on the 21st's.
SELECT 'TBK', record_id, traveller_key, 'SF-05', 'arrival', joined_queue_at, cleared_at,
       'cleared'
FROM (VALUES
    ('r1', 'k11', TIMESTAMP '2026-10-20T16:10:00Z', TIMESTAMP '2026-10-20T16:30:00Z'),
    ('r3', 'k13', TIMESTAMP '2026-10-20T17:30:00Z', TIMESTAMP '2026-10-20T17:50:00Z'),
    ('r2', 'k12', TIMESTAMP '2026-10-20T18:05:00Z', TIMESTAMP '2026-10-20T18:20:00Z')
) AS t(record_id, traveller_key, joined_queue_at, cleared_at)

-- table: customs_inspections
-- cc is a consignment (no traveller key) of SF-01: never matched to a traveller.
WITH inspections AS (
    SELECT * FROM (VALUES
        ('c1', 'k1', 'SF-01', TIMESTAMP '2026-10-20T02:10:00Z', TIMESTAMP '2026-10-20T02:20:00Z'),
        ('c3', 'k3', 'SF-01', TIMESTAMP '2026-10-20T02:30:00Z', TIMESTAMP '2026-10-20T02:50:00Z'),
        ('cc', NULL, 'SF-01', TIMESTAMP '2026-10-20T03:00:00Z', TIMESTAMP '2026-10-20T04:00:00Z')
    ) AS t(inspection_id, traveller_key, carrier, started_at, ended_at)
)
SELECT 'BTM' AS port, DATE '2026-10-20' AS local_date, inspection_id, traveller_key, carrier,
       started_at, ended_at, 'released' AS outcome
FROM inspections
UNION ALL
SELECT 'TPN', DATE '2026-10-20', inspection_id, traveller_key, carrier,
       started_at - INTERVAL '2 minutes', ended_at - INTERVAL '2 minutes', 'released'
FROM inspections
UNION ALL
SELECT 'TUB', DATE '2026-10-20', inspection_id, traveller_key, carrier, started_at, ended_at,
       'released'
FROM inspections
