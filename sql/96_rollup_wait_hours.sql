-- view: rollup_wait_hours
-- kind: helper
-- title_en: Queue waits over the threshold per hour, from the rollups
-- title_id: Waktu tunggu di atas ambang per jam, dari ringkasan
-- unit: travellers
-- grain: port, UTC hour
-- owner: immigration
-- definition: For each port and UTC hour (with the local date and hour it starts on), the
--   travellers with a counter time and those whose queue wait was longer than the MoU
--   threshold T, read from rollup_wait_histogram, and whether the hour is a bottleneck
--   hour: more than the MoU share over T. Bucket k holds the waits in (k - 1, k] and T is
--   a whole minute (the targets file allows only the report buckets' edges), so the count
--   over T is exact and agrees with kpi_bottleneck_hours from events.
WITH hours AS (
    SELECT
        h.port,
        h.hour_start,
        min(h.local_date) AS local_date,
        min(h.local_hour) AS local_hour,
        sum(h.travellers) AS travellers_counted,
        sum(CASE WHEN h.bucket > m.wait_threshold_minutes THEN h.travellers ELSE 0 END)
            AS travellers_over_threshold
    FROM rollup_wait_histogram h
    JOIN mou_targets m ON m.port = h.port
    WHERE h.measure = 'queue_wait'
    GROUP BY h.port, h.hour_start
)
SELECT
    h.port,
    h.hour_start,
    h.local_date,
    h.local_hour,
    CAST(h.travellers_counted AS BIGINT) AS travellers_counted,
    CAST(h.travellers_over_threshold AS BIGINT) AS travellers_over_threshold,
    h.travellers_counted > 0
        AND CAST(h.travellers_over_threshold AS DOUBLE) / h.travellers_counted
            > m.max_share_over_threshold AS is_bottleneck,
    m.wait_threshold_minutes,
    m.max_share_over_threshold,
    m.targets_version
FROM hours h
JOIN mou_targets m ON m.port = h.port
