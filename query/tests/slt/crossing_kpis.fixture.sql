-- Hand-worked fixture for kpi_throughput_hourly, kpi_i247_health_daily and
-- kpi_service_level_daily, kpi_enforcement_daily and kpi_i247_notice_hits_daily (see crossing_kpis.slt for the arithmetic).
-- table: crossings
SELECT * FROM (VALUES
    ('SUB', 'a', 'L1', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:05:00Z', TIMESTAMP '2026-10-20T01:10:00Z', 'cleared', 'ok', 300, NULL),
    ('SUB', 'b', 'L2', TIMESTAMP '2026-10-20T01:20:00Z', TIMESTAMP '2026-10-20T01:40:00Z', TIMESTAMP '2026-10-20T01:50:00Z', 'cleared', 'ok', 500, 'red'),
    ('SUB', 'c', 'L1', TIMESTAMP '2026-10-20T01:30:00Z', TIMESTAMP '2026-10-20T02:00:00Z', TIMESTAMP '2026-10-20T02:05:00Z', 'refused', 'timeout', 5000, 'sltd'),
    ('SUB', 'd', 'L3', TIMESTAMP '2026-10-20T16:50:00Z', TIMESTAMP '2026-10-20T17:05:00Z', TIMESTAMP '2026-10-20T17:10:00Z', 'secondary', 'error', NULL, NULL),
    ('DPS', 'e', 'A1', TIMESTAMP '2026-10-20T03:00:00Z', TIMESTAMP '2026-10-20T03:02:00Z', TIMESTAMP '2026-10-20T03:04:00Z', 'cleared', 'ok', 100, NULL)
) AS t(port, record_id, lane, joined_queue_at, reached_counter_at, cleared_at, outcome, i247_status, i247_response_ms, i247_notice)
