-- view: crossing_times
-- kind: helper
-- title_en: Traveller times
-- title_id: Waktu pelintas
-- unit: minutes
-- grain: one row per traveller
-- owner: immigration
-- definition: Every crossing with its three durations in minutes (real numbers).
--   clearance_minutes = cleared - joined queue; queue_wait_minutes = reached counter -
--   joined queue; processing_minutes = cleared - reached counter. Queue wait and
--   processing are NULL when the counter time was not recorded; clearance never is.
SELECT
    c.*,
    (arrow_cast(c.cleared_at, 'Int64') - arrow_cast(c.joined_queue_at, 'Int64')) / 60000.0
        AS clearance_minutes,
    (arrow_cast(c.reached_counter_at, 'Int64') - arrow_cast(c.joined_queue_at, 'Int64')) / 60000.0
        AS queue_wait_minutes,
    (arrow_cast(c.cleared_at, 'Int64') - arrow_cast(c.reached_counter_at, 'Int64')) / 60000.0
        AS processing_minutes
FROM crossings c
