-- Hand-worked fixture for the rollup views and the KPIs read from them (see rollup.slt for
-- the arithmetic).
-- table: crossings
SELECT * FROM (VALUES
    ('SUB', 'T2', 'A', 'citizen',   'cleared',   TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:10:00Z', TIMESTAMP '2026-10-20T01:12:00Z'),
    ('SUB', 'T2', 'B', 'foreigner', 'cleared',   TIMESTAMP '2026-10-20T01:05:00Z', TIMESTAMP '2026-10-20T01:25:00Z', TIMESTAMP '2026-10-20T01:28:00Z'),
    ('SUB', 'T2', 'C', 'citizen',   'cleared',   TIMESTAMP '2026-10-20T01:20:00Z', TIMESTAMP '2026-10-20T01:50:00Z', TIMESTAMP '2026-10-20T01:51:00Z'),
    ('SUB', 'T2', 'D', 'foreigner', 'cleared',   TIMESTAMP '2026-10-20T01:30:00Z', NULL,                              TIMESTAMP '2026-10-20T01:45:00Z'),
    ('SUB', 'T2', 'E', 'foreigner', 'secondary', TIMESTAMP '2026-10-20T01:59:00Z', TIMESTAMP '2026-10-20T02:39:00Z', TIMESTAMP '2026-10-20T02:43:00Z'),
    ('SUB', 'T2', 'F', 'citizen',   'cleared',   TIMESTAMP '2026-10-20T02:10:00Z', TIMESTAMP '2026-10-20T02:15:00Z', TIMESTAMP '2026-10-20T02:17:00Z'),
    ('SUB', 'T2', 'G', 'foreigner', 'cleared',   TIMESTAMP '2026-10-20T02:20:00Z', TIMESTAMP '2026-10-20T02:30:30Z', TIMESTAMP '2026-10-20T02:31:00Z'),
    ('SUB', 'T2', 'H', 'citizen',   'cleared',   TIMESTAMP '2026-10-20T02:30:00Z', TIMESTAMP '2026-10-20T02:40:45Z', TIMESTAMP '2026-10-20T02:41:30Z'),
    ('SUB', 'T2', 'I', 'foreigner', 'cleared',   TIMESTAMP '2026-10-20T02:40:00Z', TIMESTAMP '2026-10-20T02:50:24Z', TIMESTAMP '2026-10-20T02:51:00Z'),
    ('SUB', 'T2', 'K', 'foreigner', 'cleared',   TIMESTAMP '2026-10-26T03:00:00Z', TIMESTAMP '2026-10-26T03:45:00Z', TIMESTAMP '2026-10-26T03:50:00Z'),
    ('DPS', 'INT', 'J', 'foreigner', 'cleared',  TIMESTAMP '2026-10-20T16:30:00Z', TIMESTAMP '2026-10-20T16:40:00Z', TIMESTAMP '2026-10-20T16:42:00Z')
) AS t(port, terminal, record_id, citizenship, outcome, joined_queue_at, reached_counter_at, cleared_at)
