-- Hand-worked fixture for kpi_customs_seizures_daily, kpi_quarantine_daily,
-- kpi_incidents_daily, kpi_enforcement_counts_daily and kpi_enforcement_public_daily (see
-- enforcement.slt for the arithmetic). SUB is WIB (UTC+7), DPS is WITA (UTC+8). Only
-- crossings get their local calendar derived by the runner: the other tables give
-- local_date, local_hour and hour_start themselves.
-- table: crossings
SELECT port, record_id, joined_queue_at,
       to_timestamp_seconds(arrow_cast(joined_queue_at, 'Int64') / 1000000000 + 300) AS reached_counter_at,
       to_timestamp_seconds(arrow_cast(joined_queue_at, 'Int64') / 1000000000 + 600) AS cleared_at,
       outcome, i247_notice
FROM (VALUES
    -- SUB on Tuesday 2026-10-20 (WIB): 8 travellers.
    ('SUB', 's1', TIMESTAMP '2026-10-20T01:00:00Z', 'cleared', CAST(NULL AS VARCHAR)),
    ('SUB', 's2', TIMESTAMP '2026-10-20T01:10:00Z', 'cleared', 'sltd'),
    ('SUB', 's3', TIMESTAMP '2026-10-20T02:00:00Z', 'cleared', NULL),
    ('SUB', 's4', TIMESTAMP '2026-10-20T03:00:00Z', 'cleared', NULL),
    ('SUB', 's5', TIMESTAMP '2026-10-20T04:00:00Z', 'cleared', NULL),
    ('SUB', 's6', TIMESTAMP '2026-10-20T05:00:00Z', 'secondary', NULL),
    ('SUB', 's7', TIMESTAMP '2026-10-20T06:00:00Z', 'refused', 'red'),
    -- 16:30 UTC is 23:30 WIB: still the 20th.
    ('SUB', 's8', TIMESTAMP '2026-10-20T16:30:00Z', 'detained', 'red'),
    -- DPS on 2026-10-20 (WITA): one traveller, nothing to enforce.
    ('DPS', 'd1', TIMESTAMP '2026-10-20T03:00:00Z', 'cleared', NULL)
) AS t(port, record_id, joined_queue_at, outcome, i247_notice)
-- table: customs_inspections
SELECT port, CAST(local_date AS DATE) AS local_date, inspection_id, outcome, seizure_category,
       goods_value_idr
FROM (VALUES
    ('SUB', '2026-10-20', 'bc1', 'seized', 'narcotics', 1000000.0),
    ('SUB', '2026-10-20', 'bc2', 'seized', 'narcotics', 1000000.0),
    ('SUB', '2026-10-20', 'bc3', 'seized', 'narcotics', 1000000.0),
    ('SUB', '2026-10-20', 'bc4', 'seized', 'narcotics', 1000000.0),
    ('SUB', '2026-10-20', 'bc5', 'seized', 'narcotics', NULL),
    ('SUB', '2026-10-20', 'bc6', 'seized', 'tobacco', 250000.0),
    ('SUB', '2026-10-20', 'bc7', 'seized', 'tobacco', 150000.0),
    ('SUB', '2026-10-20', 'bc8', 'released', NULL, NULL),
    ('SUB', '2026-10-20', 'bc9', 'held', NULL, 9000000.0),
    ('DPS', '2026-10-20', 'bd1', 'released', NULL, NULL),
    ('DPS', '2026-10-20', 'bd2', 'duty_paid', NULL, 500000.0)
) AS t(port, local_date, inspection_id, outcome, seizure_category, goods_value_idr)
-- table: health_screenings_hourly
SELECT port, CAST(local_date AS DATE) AS local_date, local_hour, terminal, screened, referred,
       isolated
FROM (VALUES
    ('SUB', '2026-10-20', 9, 'T1', 300, 3, 1),
    ('SUB', '2026-10-20', 9, 'T2', 100, 2, 0),
    -- The 21st: Quarantine screened, Immigration landed nobody.
    ('SUB', '2026-10-21', 9, 'T1', 100, 7, 0)
) AS t(port, local_date, local_hour, terminal, screened, referred, isolated)
-- table: incidents
SELECT port, CAST(local_date AS DATE) AS local_date, incident_id, category
FROM (VALUES
    ('SUB', '2026-10-20', 'p1', 'narcotics'),
    ('SUB', '2026-10-21', 'p2', 'theft'),
    ('SUB', '2026-10-21', 'p3', 'theft'),
    ('SUB', '2026-10-21', 'p4', 'theft'),
    ('SUB', '2026-10-21', 'p5', 'theft'),
    ('SUB', '2026-10-21', 'p6', 'theft'),
    ('SUB', '2026-10-21', 'p7', 'theft')
) AS t(port, local_date, incident_id, category)
