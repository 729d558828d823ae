-- view: kpi_throughput_staffed_hourly
-- kind: kpi
-- title_en: Arrivals per staffed counter per hour
-- title_id: Kedatangan per loket yang dijaga per jam
-- unit: travellers per staffed counter per hour
-- grain: port (terminal NULL) and port + terminal, local date, local hour (of clearance)
-- owner: immigration
-- target: none
-- definition: Arriving travellers whose processing at a manual Immigration counter ended
--   in the hour (port's local time; cleared or turned away; autogates and departures left
--   out), divided by the counters staffed in that hour. Staffed counters come from the
--   airport or port authority's feed, which gives for each arriving flight or vessel the
--   Immigration counters staffed at its terminal when it came on block. A terminal's
--   staffed counters in an hour are the largest figure among its flights that came on
--   block in that hour; an hour in which no flight came on block at the terminal has no
--   figure (NULL, and no per-counter figure): a figure is not carried into later hours.
--   A port's staffed counters are the sum over its terminals, NULL when a terminal that
--   processed arrivals at its counters in the hour has no figure. A figure of 0 gives no
--   per-counter figure.
WITH arrivals AS (
    SELECT
        port,
        terminal,
        date_trunc('hour', cleared_at) AS hour_start,
        count(*) AS arrivals_processed
    FROM crossings
    WHERE direction = 'arrival' AND lane_kind = 'counter'
    GROUP BY port, terminal, date_trunc('hour', cleared_at)
),
-- The largest figure of the hour, not one carried forward: rosters are set per hour, so
-- flights of the same hour report the same roster, less any lanes a joint operation halted
-- for part of the hour (staffed nonetheless). The roster follows the load hour by hour: on
-- generated nights the previous hour's figure carried forward was sometimes below the
-- counters that processed travellers in the hour, the same hour's largest never.
staffed AS (
    SELECT
        port,
        terminal,
        date_trunc('hour', actual_on_block_at) AS hour_start,
        count(*) AS flights_on_block,
        max(counters_staffed) AS counters_staffed
    FROM flights
    WHERE actual_on_block_at IS NOT NULL
    GROUP BY port, terminal, date_trunc('hour', actual_on_block_at)
),
terminal_hours AS (
    SELECT
        coalesce(a.port, s.port) AS port,
        coalesce(a.terminal, s.terminal) AS terminal,
        coalesce(a.hour_start, s.hour_start) AS hour_start,
        coalesce(a.arrivals_processed, 0) AS arrivals_processed,
        coalesce(s.flights_on_block, 0) AS flights_on_block,
        CAST(s.counters_staffed AS BIGINT) AS counters_staffed
    FROM arrivals a
    FULL OUTER JOIN staffed s
        ON s.port = a.port AND s.terminal = a.terminal AND s.hour_start = a.hour_start
),
all_hours AS (
    -- Each terminal's hours and, with terminal NULL, the port's, from one pass over the
    -- terminal hours (a terminal hour's sums are its own figures).
    SELECT
        port,
        terminal,
        hour_start,
        sum(arrivals_processed) AS arrivals_processed,
        sum(flights_on_block) AS flights_on_block,
        CASE WHEN count(counters_staffed) = count(*) THEN sum(counters_staffed) END
            AS counters_staffed
    FROM terminal_hours
    GROUP BY GROUPING SETS ((port, terminal, hour_start), (port, hour_start))
)
SELECT
    h.port,
    h.terminal,
    CAST(split_part(port_local_time(h.hour_start, p.zone), ' ', 1) AS DATE) AS local_date,
    CAST(split_part(split_part(port_local_time(h.hour_start, p.zone), ' ', 2), ':', 1) AS INT)
        AS local_hour,
    h.hour_start,
    CAST(h.arrivals_processed AS BIGINT) AS arrivals_processed,
    CAST(h.flights_on_block AS BIGINT) AS flights_on_block,
    h.counters_staffed,
    CAST(h.arrivals_processed AS DOUBLE) / nullif(h.counters_staffed, 0)
        AS arrivals_per_staffed_counter
FROM all_hours h
JOIN ports p ON p.port = h.port
