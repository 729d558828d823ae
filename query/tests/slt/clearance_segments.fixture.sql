-- Hand-worked fixture for kpi_clearance_segments_hourly (see clearance_segments.slt for the
-- arithmetic). Times are UTC; SUB and CGK are WIB (UTC+7).
-- table: crossings
SELECT * FROM (VALUES
    ('SUB', 'T1', 'counter', 'foreigner', 'arrival', 'A', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:10:00Z', TIMESTAMP '2026-10-20T01:12:00Z'),
    ('SUB', 'T1', 'counter', 'foreigner', 'arrival', 'B', TIMESTAMP '2026-10-20T01:05:00Z', TIMESTAMP '2026-10-20T01:25:00Z', TIMESTAMP '2026-10-20T01:28:00Z'),
    ('SUB', 'T1', 'counter', 'foreigner', 'arrival', 'C', TIMESTAMP '2026-10-20T01:20:00Z', NULL, TIMESTAMP '2026-10-20T01:45:00Z'),
    ('SUB', 'T1', 'autogate', 'citizen', 'arrival', 'D', TIMESTAMP '2026-10-20T01:10:00Z', TIMESTAMP '2026-10-20T01:12:00Z', TIMESTAMP '2026-10-20T01:13:00Z'),
    ('SUB', 'T1', 'counter', 'citizen', 'departure', 'E', TIMESTAMP '2026-10-20T01:30:00Z', TIMESTAMP '2026-10-20T02:15:00Z', TIMESTAMP '2026-10-20T02:17:00Z'),
    ('SUB', 'T2', 'counter', 'foreigner', 'arrival', 'F', TIMESTAMP '2026-10-20T01:40:00Z', TIMESTAMP '2026-10-20T01:50:00Z', TIMESTAMP '2026-10-20T01:53:00Z'),
    ('SUB', 'T2', 'autogate', 'foreigner', 'arrival', 'G', TIMESTAMP '2026-10-20T01:50:00Z', NULL, TIMESTAMP '2026-10-20T01:58:00Z'),
    ('SUB', 'T1', 'counter', 'foreigner', 'arrival', 'H', TIMESTAMP '2026-10-20T02:05:00Z', TIMESTAMP '2026-10-20T02:10:00Z', TIMESTAMP '2026-10-20T02:12:00Z'),
    ('SUB', 'T1', 'counter', 'foreigner', 'arrival', 'I', TIMESTAMP '2026-10-20T04:00:00Z', TIMESTAMP '2026-10-20T04:30:00Z', TIMESTAMP '2026-10-20T04:35:00Z'),
    ('CGK', 'T3', 'counter', 'foreigner', 'arrival', 'J', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:30:00Z', TIMESTAMP '2026-10-20T01:33:00Z')
) AS t(port, terminal, lane_kind, citizenship, direction, record_id, joined_queue_at,
       reached_counter_at, cleared_at)
