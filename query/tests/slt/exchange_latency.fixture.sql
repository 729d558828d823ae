-- Hand-worked fixture for kpi_exchange_latency_daily (see exchange_latency.slt).
-- CGK, WIB (UTC+7); local_date is the port's date of produced_at, as ingest sets it.
-- table: exchanges
SELECT 'CGK' AS port, CAST(local_date AS DATE) AS local_date, message_id, sender, receiver,
       kind, produced_at, received_at, status
FROM (VALUES
    ('2026-10-20', 'm1', 'authority', 'immigration', 'manifest', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:02:00Z', 'delivered'),
    ('2026-10-20', 'm2', 'authority', 'immigration', 'manifest', TIMESTAMP '2026-10-20T01:10:00Z', TIMESTAMP '2026-10-20T01:22:00Z', 'delivered'),
    ('2026-10-20', 'm3', 'authority', 'immigration', 'manifest', TIMESTAMP '2026-10-20T01:20:00Z', TIMESTAMP '2026-10-20T01:21:00Z', 'delivered'),
    ('2026-10-20', 'm4', 'authority', 'immigration', 'manifest', TIMESTAMP '2026-10-20T01:30:00Z', TIMESTAMP '2026-10-20T01:55:00Z', 'manual'),
    ('2026-10-20', 'm5', 'authority', 'immigration', 'manifest', TIMESTAMP '2026-10-20T01:40:00Z', NULL, 'failed'),
    ('2026-10-21', 'm6', 'authority', 'immigration', 'manifest', TIMESTAMP '2026-10-20T17:30:00Z', TIMESTAMP '2026-10-20T17:33:00Z', 'delivered'),
    ('2026-10-20', 'a1', 'immigration', 'police', 'alert', TIMESTAMP '2026-10-20T03:00:00Z', TIMESTAMP '2026-10-20T03:00:30Z', 'delivered'),
    ('2026-10-20', 'a2', 'immigration', 'police', 'alert', TIMESTAMP '2026-10-20T03:05:00Z', TIMESTAMP '2026-10-20T03:04:45Z', 'delivered'),
    ('2026-10-20', 'b1', 'authority', 'customs', 'manifest', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:04:00Z', 'delivered'),
    ('2026-10-20', 'b2', 'authority', 'customs', 'manifest', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:01:00Z', 'failed')
) AS t(local_date, message_id, sender, receiver, kind, produced_at, received_at, status)
