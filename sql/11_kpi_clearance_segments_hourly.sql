-- view: kpi_clearance_segments_hourly
-- kind: kpi
-- title_en: Clearance time per hour by terminal, lane and traveller
-- title_id: Waktu penyelesaian per jam menurut terminal, jalur dan pelintas
-- unit: minutes
-- grain: port, terminal, local date, local hour, lane kind, citizenship, direction
-- owner: immigration
-- target: clearance_p90_target_minutes
-- definition: kpi_clearance_hourly split by terminal, lane kind (manual counter or
--   autogate), citizen or foreigner, and direction (arrival or departure). For the
--   travellers of each such segment who joined the Immigration queue in the hour (port's
--   local time): p50, p90, p95 and mean of clearance time (cleared - joined queue), queue
--   wait (reached counter - joined queue) and processing time (cleared - reached counter),
--   in minutes, computed exactly from every traveller. Percentiles interpolate linearly
--   between neighbouring travellers. Queue wait and processing leave out travellers whose
--   counter time was not recorded (NULL when none in the segment has one). A segment's hour
--   meets its target when its clearance p90 is at most the port's MoU p90 target. Segments
--   and hours without travellers have no row.
SELECT
    t.port,
    t.terminal,
    t.local_date,
    t.local_hour,
    t.lane_kind,
    t.citizenship,
    t.direction,
    min(t.hour_start) AS hour_start,
    count(*) AS travellers,
    percentile_linear(t.clearance_minutes, 0.5) AS clearance_p50,
    percentile_linear(t.clearance_minutes, 0.9) AS clearance_p90,
    percentile_linear(t.clearance_minutes, 0.95) AS clearance_p95,
    avg(t.clearance_minutes) AS clearance_mean,
    percentile_linear(t.queue_wait_minutes, 0.5) AS queue_wait_p50,
    percentile_linear(t.queue_wait_minutes, 0.9) AS queue_wait_p90,
    percentile_linear(t.queue_wait_minutes, 0.95) AS queue_wait_p95,
    avg(t.queue_wait_minutes) AS queue_wait_mean,
    percentile_linear(t.processing_minutes, 0.5) AS processing_p50,
    percentile_linear(t.processing_minutes, 0.9) AS processing_p90,
    percentile_linear(t.processing_minutes, 0.95) AS processing_p95,
    avg(t.processing_minutes) AS processing_mean,
    m.clearance_p90_target_minutes,
    percentile_linear(t.clearance_minutes, 0.9)
        <= m.clearance_p90_target_minutes AS p90_met,
    m.targets_version
FROM crossing_times t
JOIN mou_targets m ON m.port = t.port
GROUP BY t.port, t.terminal, t.local_date, t.local_hour, t.lane_kind, t.citizenship,
    t.direction, m.clearance_p90_target_minutes, m.targets_version
