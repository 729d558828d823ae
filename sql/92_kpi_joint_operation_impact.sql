-- view: kpi_joint_operation_impact
-- kind: kpi
-- title_en: Joint-operation impact on Immigration throughput
-- title_id: Dampak operasi gabungan terhadap jumlah pelintas terlayani
-- unit: minutes; lane-hours; travellers per hour
-- grain: one row per joint operation
-- owner: police, immigration
-- target: none
-- definition: Each joint enforcement operation with its start and end in the port's local
--   time, its duration in minutes, the Immigration lanes it halted and the lane-hours
--   lost (lanes halted x duration in hours). Throughput during the operation is the
--   travellers cleared (outcome cleared, by the time they were cleared) at the
--   operation's terminal (the whole port when it names none) between its start and end,
--   per hour of the operation. The baseline is the same local clock hours on the four
--   previous same weekdays (7, 14, 21 and 28 days earlier, kept at the same wall-clock
--   times where the zone changes its UTC offset in between): the mean over those days of
--   the travellers cleared per hour in that window. A baseline day counts only when
--   Immigration has records at the port on it (its local date of joining the queue); such
--   a day with nobody cleared in the window counts as 0, a day without any records is left
--   out, and baseline_days_used says how many counted (the baseline is NULL when none
--   did). Throughput during the operation is NULL in the same way when the operation's
--   own day has no Immigration records. An operation that runs past midnight is one
--   window; its days are judged by the date it started. The change is during minus
--   baseline, and as a share of the baseline (NULL when the baseline is 0 or NULL). The
--   operation's times are the police system's and the crossings' Immigration's; their
--   clocks differ by seconds to minutes, small against operations of an hour or more.
WITH operations AS (
    SELECT
        o.port,
        o.terminal,
        o.operation_id,
        o.name,
        o.agencies,
        o.local_date,
        o.started_at,
        o.ended_at,
        o.lanes_halted,
        p.zone,
        p.zone_label,
        arrow_cast(o.started_at, 'Int64') AS start_ms,
        arrow_cast(o.ended_at, 'Int64') AS end_ms
    FROM joint_operations o
    JOIN ports p ON p.port = o.port
),
weeks_back AS (
    SELECT
        o.*,
        w.weeks_back,
        o.local_date - CAST(w.weeks_back * 7 AS INT) AS window_date,
        o.start_ms - w.weeks_back * 604800000 AS start_back_ms,
        o.end_ms - w.weeks_back * 604800000 AS end_back_ms
    FROM operations o
    CROSS JOIN (VALUES (0), (1), (2), (3), (4)) AS w(weeks_back)
),
-- The local wall-clock times (to the minute) of the operation and of the same UTC
-- instants whole weeks earlier: where they are not whole weeks apart, the zone's UTC
-- offset changed in between, and the window moves by the difference.
wall_clocks AS (
    SELECT
        b.*,
        arrow_cast(CAST(concat(port_local_time(b.started_at, b.zone), ':00') AS TIMESTAMP),
            'Int64') / 1000000
            - arrow_cast(CAST(concat(port_local_time(arrow_cast(b.start_back_ms,
                'Timestamp(Millisecond, Some("UTC"))'), b.zone), ':00') AS TIMESTAMP),
                'Int64') / 1000000
            - b.weeks_back * 604800000 AS start_offset_change_ms,
        arrow_cast(CAST(concat(port_local_time(b.ended_at, b.zone), ':00') AS TIMESTAMP),
            'Int64') / 1000000
            - arrow_cast(CAST(concat(port_local_time(arrow_cast(b.end_back_ms,
                'Timestamp(Millisecond, Some("UTC"))'), b.zone), ':00') AS TIMESTAMP),
                'Int64') / 1000000
            - b.weeks_back * 604800000 AS end_offset_change_ms
    FROM weeks_back b
),
windows AS (
    SELECT
        w.*,
        arrow_cast(w.start_back_ms + w.start_offset_change_ms,
            'Timestamp(Millisecond, Some("UTC"))') AS window_start,
        arrow_cast(w.end_back_ms + w.end_offset_change_ms,
            'Timestamp(Millisecond, Some("UTC"))') AS window_end,
        (w.end_back_ms + w.end_offset_change_ms - w.start_back_ms - w.start_offset_change_ms)
            / 3600000.0 AS window_hours
    FROM wall_clocks w
),
port_days AS (
    SELECT DISTINCT port, local_date FROM crossings
),
counted AS (
    SELECT
        w.port,
        w.operation_id,
        w.weeks_back,
        min(w.window_hours) AS window_hours,
        min(CASE WHEN d.port IS NULL THEN 0 ELSE 1 END) AS day_has_data,
        count(c.record_id) AS travellers_cleared
    FROM windows w
    LEFT JOIN port_days d ON d.port = w.port AND d.local_date = w.window_date
    -- Whoever was cleared in the window joined the queue on its date or a neighbour: an
    -- equality to join on, so that each window is not compared with every crossing.
    CROSS JOIN (VALUES (-1), (0), (1)) AS n(day_offset)
    LEFT JOIN crossings c
        ON c.port = w.port
        AND c.local_date = w.window_date + CAST(n.day_offset AS INT)
        AND (w.terminal IS NULL OR c.terminal = w.terminal)
        AND c.outcome = 'cleared'
        AND c.cleared_at >= w.window_start
        AND c.cleared_at < w.window_end
    GROUP BY w.port, w.operation_id, w.weeks_back
),
rates AS (
    SELECT
        port,
        operation_id,
        weeks_back,
        day_has_data,
        travellers_cleared,
        CASE WHEN day_has_data = 1 AND window_hours > 0
            THEN travellers_cleared / window_hours END AS cleared_per_hour
    FROM counted
),
impact AS (
    SELECT
        port,
        operation_id,
        max(CASE WHEN weeks_back = 0 THEN travellers_cleared END) AS travellers_cleared,
        max(CASE WHEN weeks_back = 0 THEN cleared_per_hour END) AS cleared_per_hour,
        sum(CASE WHEN weeks_back > 0 THEN day_has_data ELSE 0 END) AS baseline_days_used,
        avg(CASE WHEN weeks_back > 0 THEN cleared_per_hour END) AS baseline_cleared_per_hour
    FROM rates
    GROUP BY port, operation_id
)
SELECT
    o.port,
    o.terminal,
    o.operation_id,
    o.name,
    o.agencies,
    o.local_date,
    port_local_time(o.started_at, o.zone) AS local_start,
    port_local_time(o.ended_at, o.zone) AS local_end,
    o.zone_label,
    o.started_at,
    o.ended_at,
    (o.end_ms - o.start_ms) / 60000.0 AS duration_minutes,
    o.lanes_halted,
    o.lanes_halted * (o.end_ms - o.start_ms) / 3600000.0 AS lane_hours_lost,
    i.travellers_cleared,
    i.cleared_per_hour,
    CAST(i.baseline_days_used AS BIGINT) AS baseline_days_used,
    i.baseline_cleared_per_hour,
    i.cleared_per_hour - i.baseline_cleared_per_hour AS change_per_hour,
    CASE WHEN i.baseline_cleared_per_hour > 0
        THEN (i.cleared_per_hour - i.baseline_cleared_per_hour) / i.baseline_cleared_per_hour
    END AS change_share
FROM operations o
JOIN impact i ON i.port = o.port AND i.operation_id = o.operation_id
