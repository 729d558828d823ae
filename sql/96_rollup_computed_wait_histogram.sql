-- view: rollup_wait_histogram_computed
-- kind: helper
-- title_en: Wait-time histogram rollup, computed from raw crossings
-- title_id: Histogram waktu tunggu, dihitung dari data mentah
-- unit: travellers
-- grain: port, local date, local hour, UTC hour, terminal, lane kind, direction,
--   citizenship, measure, one-minute bucket
-- owner: immigration
-- definition: The rows of the stored rollup rollup_wait_histogram, computed from
--   rollup_source_crossings (see rollup_crossings_hourly_computed). For each measure
--   ('clearance', 'queue_wait', 'processing', in minutes as in crossing_times) the
--   travellers in each one-minute bucket, with the shortest and longest minutes in it.
--   Bucket k holds the minutes in (k - 1, k], so "longer than T" and "within T" are exact
--   bucket sums for a whole-minute T. Only buckets somebody fell in have a row; travellers
--   without a counter time have no queue wait or processing rows.
WITH times AS (
    SELECT
        c.port,
        c.local_date,
        c.local_hour,
        c.hour_start,
        c.terminal,
        c.lane_kind,
        c.direction,
        c.citizenship,
        (arrow_cast(c.cleared_at, 'Int64') - arrow_cast(c.joined_queue_at, 'Int64')) / 60000.0
            AS clearance_minutes,
        (arrow_cast(c.reached_counter_at, 'Int64') - arrow_cast(c.joined_queue_at, 'Int64')) / 60000.0
            AS queue_wait_minutes,
        (arrow_cast(c.cleared_at, 'Int64') - arrow_cast(c.reached_counter_at, 'Int64')) / 60000.0
            AS processing_minutes
    FROM rollup_source_crossings c
),
measures AS (
    SELECT port, local_date, local_hour, hour_start, terminal, lane_kind, direction,
        citizenship, 'clearance' AS measure, clearance_minutes AS minutes
    FROM times
    UNION ALL
    SELECT port, local_date, local_hour, hour_start, terminal, lane_kind, direction,
        citizenship, 'queue_wait' AS measure, queue_wait_minutes AS minutes
    FROM times
    WHERE queue_wait_minutes IS NOT NULL
    UNION ALL
    SELECT port, local_date, local_hour, hour_start, terminal, lane_kind, direction,
        citizenship, 'processing' AS measure, processing_minutes AS minutes
    FROM times
    WHERE processing_minutes IS NOT NULL
)
SELECT
    port,
    local_date,
    local_hour,
    hour_start,
    terminal,
    lane_kind,
    direction,
    citizenship,
    measure,
    CAST(ceil(minutes) AS BIGINT) AS bucket,
    count(*) AS travellers,
    min(minutes) AS min_minutes,
    max(minutes) AS max_minutes
FROM measures
GROUP BY port, local_date, local_hour, hour_start, terminal, lane_kind, direction, citizenship,
    measure, CAST(ceil(minutes) AS BIGINT)
