-- view: kpi_i247_health_daily
-- kind: kpi
-- title_en: Interpol I-24/7 check health per day
-- title_id: Kesehatan pemeriksaan I-24/7 per hari
-- unit: share of checks; milliseconds
-- grain: port, local date
-- owner: immigration
-- target: none
-- definition: Every traveller's passport is checked against Interpol's I-24/7 notices.
--   Per port and local day (of joining the queue): checks made, the share answered OK,
--   the 50th and 95th percentile of response time in milliseconds (over the checks that
--   recorded one, interpolated linearly), and how many timed out or failed.
SELECT
    port,
    local_date,
    count(*) AS checks,
    sum(CASE WHEN i247_status = 'ok' THEN 1 ELSE 0 END) AS checks_ok,
    CAST(sum(CASE WHEN i247_status = 'ok' THEN 1 ELSE 0 END) AS DOUBLE) / count(*) AS share_ok,
    percentile_linear(CAST(i247_response_ms AS DOUBLE), 0.5) AS response_p50_ms,
    percentile_linear(CAST(i247_response_ms AS DOUBLE), 0.95) AS response_p95_ms,
    sum(CASE WHEN i247_status = 'timeout' THEN 1 ELSE 0 END) AS timeouts,
    sum(CASE WHEN i247_status = 'error' THEN 1 ELSE 0 END) AS errors
FROM crossings
GROUP BY port, local_date
