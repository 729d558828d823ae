-- view: rollup_wait_histogram_by_port_computed
-- kind: helper
-- title_en: Port-wide wait-time histogram rollup, computed from raw crossings
-- title_id: Histogram waktu tunggu per bandara/pelabuhan, dihitung dari data mentah
-- unit: travellers
-- grain: port, local date, local hour, UTC hour, measure, one-minute bucket
-- owner: immigration
-- definition: The rows of the stored rollup rollup_wait_histogram_by_port:
--   rollup_wait_histogram_computed summed over terminal, lane kind, direction and
--   citizenship, so a page about whole ports reads one row per hour and bucket instead of
--   one per traveller group. Travellers add up (a BIGINT, as the group histogram's); the
--   shortest and longest minutes of a bucket are the smallest and largest of its groups'.
SELECT
    port,
    local_date,
    local_hour,
    hour_start,
    measure,
    bucket,
    CAST(sum(travellers) AS BIGINT) AS travellers,
    min(min_minutes) AS min_minutes,
    max(max_minutes) AS max_minutes
FROM rollup_wait_histogram_computed
GROUP BY port, local_date, local_hour, hour_start, measure, bucket
