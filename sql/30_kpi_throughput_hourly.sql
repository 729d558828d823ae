-- view: kpi_throughput_hourly
-- kind: kpi
-- title_en: Throughput per hour
-- title_id: Jumlah pelintas terlayani per jam
-- unit: travellers per hour
-- grain: port, local date, local hour (of clearance)
-- owner: immigration
-- target: none
-- definition: Travellers whose Immigration processing ended in the hour (port's local
--   time, by the time they were cleared or turned away): all of them (processed) and those
--   let through (cleared). Lanes in use are the counters and autogates that finished at
--   least one traveller in the hour; processed per lane is processed / lanes in use.
--   Arrivals per counter the authority reports staffed: kpi_throughput_staffed_hourly.
WITH hours AS (
    -- Grouped by the UTC hour first: the port's local time is then worked out once per
    -- hour rather than once per traveller.
    SELECT
        port,
        date_trunc('hour', cleared_at) AS hour_start,
        count(*) AS travellers_processed,
        sum(CASE WHEN outcome = 'cleared' THEN 1 ELSE 0 END) AS travellers_cleared,
        count(DISTINCT lane) AS lanes_in_use
    FROM crossings
    GROUP BY port, date_trunc('hour', cleared_at)
),
located AS (
    SELECT h.*, port_local_time(h.hour_start, p.zone) AS local_start
    FROM hours h
    JOIN ports p ON p.port = h.port
)
SELECT
    port,
    CAST(split_part(local_start, ' ', 1) AS DATE) AS local_date,
    CAST(split_part(split_part(local_start, ' ', 2), ':', 1) AS INT) AS local_hour,
    hour_start,
    travellers_processed,
    travellers_cleared,
    lanes_in_use,
    CAST(travellers_processed AS DOUBLE) / lanes_in_use AS processed_per_lane
FROM located
