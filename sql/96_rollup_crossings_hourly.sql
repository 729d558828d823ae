-- view: rollup_crossings_hourly
-- kind: helper
-- title_en: Hourly traveller rollup
-- title_id: Ringkasan pelintas per jam
-- unit: travellers; minutes
-- grain: port, local date, local hour, UTC hour, terminal, lane kind, direction, citizenship
-- owner: immigration
-- definition: Travellers, travellers cleared, travellers with a counter time and the sums
--   of clearance, queue wait and processing minutes per hour of joining the queue (see
--   rollup_crossings_hourly_computed). Read from the rollup objects that ingest keeps next
--   to the raw data (_rollups/crossings_hourly/port=…/local_date=…/), and computed from
--   the raw crossings for any partition whose rollup is missing or older than its raw
--   files, so it always agrees with the crossings table.
SELECT * FROM rollup_stored_crossings_hourly
UNION ALL
SELECT * FROM rollup_crossings_hourly_computed
