-- view: rollup_wait_histogram_by_port
-- kind: helper
-- title_en: Port-wide wait-time histogram rollup
-- title_id: Histogram waktu tunggu per bandara/pelabuhan
-- unit: travellers
-- grain: port, local date, local hour, UTC hour, measure, one-minute bucket
-- owner: immigration
-- definition: rollup_wait_histogram over every terminal, lane kind, direction and
--   citizenship of a port (see rollup_wait_histogram_by_port_computed): what the pages read
--   about whole ports when no traveller filter is chosen. Read from the rollup objects
--   (_rollups/wait_histogram_by_port/…), and computed from the raw crossings for any
--   partition whose rollup is missing or out of date.
SELECT * FROM rollup_stored_wait_histogram_by_port
UNION ALL
SELECT * FROM rollup_wait_histogram_by_port_computed
