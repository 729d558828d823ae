-- Hand-worked fixture for kpi_feed_health and kpi_feed_rejects (see feed_health.slt).
-- table: ingest_runs
SELECT
    run_id,
    CAST(started_at AS TIMESTAMP) AS started_at,
    source_file, feed, agency, port,
    CAST(night AS DATE) AS night,
    CAST(exported_at AS TIMESTAMP) AS exported_at,
    rows_in, rows_landed, rows_rejected
FROM (VALUES
    ('r1', '2026-10-05T03:00:00Z', 'inbox/bcm_CGK_20261001_20261001T180000Z.jsonl', 'immigration_bcm', 'immigration', 'CGK', '2026-10-01', '2026-10-01T18:00:00Z', 100, 98, 2),
    ('r1', '2026-10-05T03:00:00Z', 'inbox/bcm_CGK_20261002_20261002T180000Z.jsonl', 'immigration_bcm', 'immigration', 'CGK', '2026-10-02', '2026-10-02T18:00:00Z', 100, 100, 0),
    ('r2', '2026-10-06T03:00:00Z', 'inbox/bcm_CGK_20261002_20261003T020000Z.jsonl', 'immigration_bcm', 'immigration', 'CGK', '2026-10-02', '2026-10-03T02:00:00Z', 100, 0, 100),
    ('r2', '2026-10-06T03:00:00Z', 'inbox/bcm_CGK_20261003_20261005T010000Z.jsonl', 'immigration_bcm', 'immigration', 'CGK', '2026-10-03', '2026-10-05T01:00:00Z', 50, 50, 0),
    ('r0', '2026-10-01T20:00:00Z', 'inbox/bc_CGK_20261001.csv', 'customs', 'customs', 'CGK', '2026-10-01', NULL, 10, 10, 0),
    ('r2', '2026-10-06T03:00:00Z', 'inbox/bc_CGK_20261003_20261003T173000Z.csv', 'customs', 'customs', 'CGK', '2026-10-03', '2026-10-03T17:30:00Z', 20, 18, 2),
    ('r1', '2026-10-05T03:00:00Z', 'inbox/bcm_DPS_20261001_20261001T223000Z.jsonl', 'immigration_bcm', 'immigration', 'DPS', '2026-10-01', '2026-10-01T22:30:00Z', 30, 30, 0),
    ('r1', '2026-10-05T03:00:00Z', 'inbox/JFK-2018.csv', 'cbp_wait_times', 'us_cbp', NULL, NULL, NULL, 28594, 28594, 0)
) AS t(run_id, started_at, source_file, feed, agency, port, night, exported_at, rows_in, rows_landed, rows_rejected)

-- table: rejects
SELECT * FROM (VALUES
    ('r1', 'inbox/bcm_CGK_20261001_20261001T180000Z.jsonl', 'schema: missing field `arah` at line 1 column 310'),
    ('r1', 'inbox/bcm_CGK_20261001_20261001T180000Z.jsonl', 'time order: cleared before joining the queue'),
    ('r2', 'inbox/bcm_CGK_20261002_20261003T020000Z.jsonl', 'duplicate: crossings record port=CGK, record_id=CGK-1 is already in the lake'),
    ('r2', 'inbox/bcm_CGK_20261002_20261003T020000Z.jsonl', 'duplicate: crossings record port=CGK, record_id=CGK-2 is already in the lake'),
    ('r2', 'inbox/bc_CGK_20261003_20261003T173000Z.csv', 'unknown port ''XYZ'': it is not in the port registry'),
    ('r2', 'inbox/bc_CGK_20261003_20261003T173000Z.csv', 'range: skor_risiko 1,7 is outside 0 to 1')
) AS t(run_id, source_file, reason)
