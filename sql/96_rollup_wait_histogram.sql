-- view: rollup_wait_histogram
-- kind: helper
-- title_en: Wait-time histogram rollup
-- title_id: Histogram waktu tunggu
-- unit: travellers
-- grain: port, local date, local hour, UTC hour, terminal, lane kind, direction,
--   citizenship, measure, one-minute bucket
-- owner: immigration
-- definition: Travellers per one-minute bucket of clearance, queue wait and processing
--   time, with the shortest and longest minutes in each bucket (see
--   rollup_wait_histogram_computed). percentile_from_histogram(bucket, travellers,
--   min_minutes, max_minutes, p) gives a percentile over any grouping within one minute of
--   the exact one. Read from the rollup objects (_rollups/wait_histogram/…), and computed
--   from the raw crossings for any partition whose rollup is missing or out of date.
SELECT * FROM rollup_stored_wait_histogram
UNION ALL
SELECT * FROM rollup_wait_histogram_computed
