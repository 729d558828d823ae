-- Hand-worked fixture for kpi_service_level_by_agency_daily (see service_level_agency.slt).
-- table: crossings
SELECT * FROM (VALUES
    ('CGK', 't1', 'k1', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:10:00Z', 'cleared'),
    ('CGK', 't2', 'k2', TIMESTAMP '2026-10-20T02:00:00Z', TIMESTAMP '2026-10-20T02:40:00Z', 'cleared'),
    ('SUB', 't3', 'k3', TIMESTAMP '2026-10-20T03:00:00Z', TIMESTAMP '2026-10-20T03:20:00Z', 'refused')
) AS t(port, record_id, traveller_key, joined_queue_at, cleared_at, outcome)

-- table: customs_inspections
SELECT port, CAST(local_date AS DATE) AS local_date, inspection_id, traveller_key, channel,
       started_at, ended_at, outcome
FROM (VALUES
    ('CGK', '2026-10-20', 'i1', 'k1', 'green', TIMESTAMP '2026-10-20T01:20:00Z', TIMESTAMP '2026-10-20T01:22:00Z', 'released'),
    ('CGK', '2026-10-20', 'i2', 'k2', 'red', TIMESTAMP '2026-10-20T03:00:00Z', TIMESTAMP '2026-10-20T03:44:00Z', 'released'),
    ('CGK', '2026-10-20', 'i3', 'k4', 'red', TIMESTAMP '2026-10-20T04:00:00Z', TIMESTAMP '2026-10-20T04:45:00Z', 'duty_paid'),
    ('CGK', '2026-10-20', 'i4', 'k5', 'red', TIMESTAMP '2026-10-20T05:00:00Z', TIMESTAMP '2026-10-20T05:46:00Z', 'seized'),
    ('CGK', '2026-10-20', 'i5', NULL, 'red', TIMESTAMP '2026-10-20T06:00:00Z', TIMESTAMP '2026-10-20T08:00:00Z', 'duty_paid'),
    ('SUB', '2026-10-20', 'i6', 'k3', 'red', TIMESTAMP '2026-10-20T04:00:00Z', TIMESTAMP '2026-10-20T04:10:00Z', 'released'),
    ('SUB', '2026-10-20', 'i7', 'k6', 'red', TIMESTAMP '2026-10-20T05:00:00Z', TIMESTAMP '2026-10-20T05:30:00Z', 'held'),
    ('SUB', '2026-10-21', 'i8', 'k7', 'red', TIMESTAMP '2026-10-20T17:10:00Z', TIMESTAMP '2026-10-20T17:41:00Z', 'released')
) AS t(port, local_date, inspection_id, traveller_key, channel, started_at, ended_at, outcome)
