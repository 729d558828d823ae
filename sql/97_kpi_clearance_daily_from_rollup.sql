-- view: kpi_clearance_daily_rollup
-- kind: kpi
-- title_en: Clearance time and bottleneck hours per day
-- title_id: Waktu penyelesaian dan jam kemacetan per hari
-- unit: minutes; hours
-- grain: port, local date
-- owner: immigration
-- target: clearance_p90_target_minutes
-- definition: For the travellers who joined the Immigration queue on the day (port's local
--   date): p50, p90, p95 and mean of clearance time, queue wait and processing time in
--   minutes, and the day's bottleneck hours (UTC hours, counted on the local date they
--   start, in which more than the MoU share of the travellers with a counter time waited
--   longer than the MoU threshold). Read only from the rollups, so long periods stay
--   fast: percentiles come from one-minute histograms and are within one minute of the
--   exact linear-interpolation percentiles of kpi_clearance_hourly's definition; counts,
--   means and bottleneck hours are exact. The day meets its target when clearance p90 is
--   at most the port's MoU p90 target.
WITH totals AS (
    SELECT
        port,
        local_date,
        sum(travellers) AS travellers,
        sum(cleared) AS cleared,
        sum(clearance_minutes_sum) / sum(travellers) AS clearance_mean,
        sum(queue_wait_minutes_sum) / nullif(sum(counter_travellers), 0) AS queue_wait_mean,
        sum(processing_minutes_sum) / nullif(sum(counter_travellers), 0) AS processing_mean
    FROM rollup_crossings_hourly
    GROUP BY port, local_date
),
percentiles AS (
    SELECT
        port,
        local_date,
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
    GROUP BY port, local_date
),
bottlenecks AS (
    SELECT
        port,
        local_date,
        sum(CASE WHEN is_bottleneck THEN 1 ELSE 0 END) AS bottleneck_hours
    FROM rollup_wait_hours
    GROUP BY port, local_date
)
SELECT
    t.port,
    t.local_date,
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
    m.targets_version
FROM totals t
JOIN percentiles p ON p.port = t.port AND p.local_date = t.local_date
LEFT JOIN bottlenecks b ON b.port = t.port AND b.local_date = t.local_date
JOIN mou_targets m ON m.port = t.port
