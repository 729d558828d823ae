-- view: rollup_crossings_hourly_computed
-- kind: helper
-- title_en: Hourly traveller rollup, computed from raw crossings
-- title_id: Ringkasan pelintas per jam, dihitung dari data mentah
-- unit: travellers; minutes
-- grain: port, local date, local hour, UTC hour, terminal, lane kind, direction, citizenship
-- owner: immigration
-- definition: The rows of the stored rollup rollup_crossings_hourly, computed from
--   rollup_source_crossings: when a rollup partition is built, the committed crossings
--   files of that port and local date; in the warehouse, the crossings of the partitions
--   whose stored rollup is missing or out of date. Per hour of joining the queue:
--   travellers, travellers cleared (outcome 'cleared'), travellers with a counter time,
--   and the sums of clearance, queue wait and processing minutes (worked out as in
--   crossing_times), so that a mean over any period is a sum over a count.
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
        c.outcome,
        c.reached_counter_at,
        (arrow_cast(c.cleared_at, 'Int64') - arrow_cast(c.joined_queue_at, 'Int64')) / 60000.0
            AS clearance_minutes,
        (arrow_cast(c.reached_counter_at, 'Int64') - arrow_cast(c.joined_queue_at, 'Int64')) / 60000.0
            AS queue_wait_minutes,
        (arrow_cast(c.cleared_at, 'Int64') - arrow_cast(c.reached_counter_at, 'Int64')) / 60000.0
            AS processing_minutes
    FROM rollup_source_crossings c
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
    count(*) AS travellers,
    sum(CASE WHEN outcome = 'cleared' THEN 1 ELSE 0 END) AS cleared,
    count(reached_counter_at) AS counter_travellers,
    sum(clearance_minutes) AS clearance_minutes_sum,
    sum(queue_wait_minutes) AS queue_wait_minutes_sum,
    sum(processing_minutes) AS processing_minutes_sum
FROM times
GROUP BY port, local_date, local_hour, hour_start, terminal, lane_kind, direction, citizenship
