-- view: kpi_clearance_weekly_rollup
-- kind: kpi
-- title_en: Clearance time and bottleneck hours per week
-- title_id: Waktu penyelesaian dan jam kemacetan per minggu
-- unit: minutes; hours
-- grain: port, week (Monday to Sunday, port's local dates)
-- owner: immigration
-- target: clearance_p90_target_minutes, max_bottleneck_hours_week
-- definition: kpi_clearance_daily_rollup over a week: travellers, p50, p90, p95 and mean
--   of clearance time, queue wait and processing time in minutes, and bottleneck hours,
--   for the local dates from Monday (week_start) to Sunday. Percentiles are read from the
--   week's one-minute histograms, within one minute of the exact percentiles; counts,
--   means and bottleneck hours are exact. The week meets its targets when clearance p90 is
--   at most the port's MoU p90 target and it had at most the MoU's bottleneck hours.
WITH totals AS (
    SELECT
        port,
        CAST(date_trunc('week', local_date) AS DATE) AS week_start,
        sum(travellers) AS travellers,
        sum(cleared) AS cleared,
        sum(clearance_minutes_sum) / sum(travellers) AS clearance_mean,
        sum(queue_wait_minutes_sum) / nullif(sum(counter_travellers), 0) AS queue_wait_mean,
        sum(processing_minutes_sum) / nullif(sum(counter_travellers), 0) AS processing_mean
    FROM rollup_crossings_hourly
    GROUP BY port, CAST(date_trunc('week', local_date) AS DATE)
),
percentiles AS (
    SELECT
        port,
        CAST(date_trunc('week', local_date) AS DATE) AS week_start,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.5)
            FILTER (WHERE measure = 'clearance') AS clearance_p50,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9)
            FILTER (WHERE measure = 'clearance') AS clearance_p90,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.95)
            FILTER (WHERE measure = 'clearance') AS clearance_p95,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.5)
            FILTER (WHERE measure = 'queue_wait') AS queue_wait_p50,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9)
            FILTER (WHERE measure = 'queue_wait') AS queue_wait_p90,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.95)
            FILTER (WHERE measure = 'queue_wait') AS queue_wait_p95,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.5)
            FILTER (WHERE measure = 'processing') AS processing_p50,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9)
            FILTER (WHERE measure = 'processing') AS processing_p90,
        percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.95)
            FILTER (WHERE measure = 'processing') AS processing_p95
    FROM rollup_wait_histogram
    GROUP BY port, CAST(date_trunc('week', local_date) AS DATE)
),
bottlenecks AS (
    SELECT
        port,
        CAST(date_trunc('week', local_date) AS DATE) AS week_start,
        sum(CASE WHEN is_bottleneck THEN 1 ELSE 0 END) AS bottleneck_hours
    FROM rollup_wait_hours
    GROUP BY port, CAST(date_trunc('week', local_date) AS DATE)
)
SELECT
    t.port,
    t.week_start,
    CAST(t.travellers AS BIGINT) AS travellers,
    CAST(t.cleared AS BIGINT) AS cleared,
    p.clearance_p50,
    p.clearance_p90,
    p.clearance_p95,
    t.clearance_mean,
    p.queue_wait_p50,
    p.queue_wait_p90,
    p.queue_wait_p95,
    t.queue_wait_mean,
    p.processing_p50,
    p.processing_p90,
    p.processing_p95,
    t.processing_mean,
    CAST(coalesce(b.bottleneck_hours, 0) AS BIGINT) AS bottleneck_hours,
    m.clearance_p90_target_minutes,
    p.clearance_p90 <= m.clearance_p90_target_minutes AS p90_met,
    m.max_bottleneck_hours_week,
    coalesce(b.bottleneck_hours, 0) <= m.max_bottleneck_hours_week AS bottleneck_hours_met,
    m.targets_version
FROM totals t
JOIN percentiles p ON p.port = t.port AND p.week_start = t.week_start
LEFT JOIN bottlenecks b ON b.port = t.port AND b.week_start = t.week_start
JOIN mou_targets m ON m.port = t.port
