-- view: kpi_bottleneck_hours
-- kind: kpi
-- title_en: Bottleneck hours
-- title_id: Jam kemacetan
-- unit: hours
-- grain: port (terminal NULL) and port + terminal, UTC hour, feed kind
-- owner: immigration
-- target: wait_threshold_minutes, max_share_over_threshold
-- definition: An hour is a bottleneck hour when more than the MoU share (10%) of the
--   travellers counted in it waited longer than the MoU threshold T (30 minutes). From
--   traveller events the wait is the queue wait (reached counter - joined queue), counted
--   in the hour the traveller joined the queue; travellers without a recorded counter time
--   are not counted. From hourly wait reports the share is the passengers in the wait
--   buckets above T over total minus excluded. An hour in which nobody was counted is
--   never a bottleneck hour. Rows with terminal NULL are the whole port.
WITH event_hours AS (
    SELECT
        t.port,
        t.terminal,
        t.hour_start,
        min(t.local_date) AS local_date,
        min(t.local_hour) AS local_hour,
        CAST(60 AS INT) AS hour_minutes,
        count(t.queue_wait_minutes) AS travellers_counted,
        sum(CASE WHEN t.queue_wait_minutes > m.wait_threshold_minutes THEN 1 ELSE 0 END)
            AS travellers_over_threshold
    FROM crossing_times t
    JOIN mou_targets m ON m.port = t.port
    GROUP BY GROUPING SETS ((t.port, t.hour_start), (t.port, t.terminal, t.hour_start))
),
report_rows AS (
    SELECT
        w.port,
        w.terminal,
        w.hour_start,
        w.local_date,
        w.local_hour,
        w.hour_minutes,
        w.pax_total - w.pax_excluded AS counted,
        CASE WHEN m.wait_threshold_minutes <= 15 THEN w.pax_16_30 ELSE 0 END
            + CASE WHEN m.wait_threshold_minutes <= 30 THEN w.pax_31_45 ELSE 0 END
            + CASE WHEN m.wait_threshold_minutes <= 45 THEN w.pax_46_60 ELSE 0 END
            + CASE WHEN m.wait_threshold_minutes <= 60 THEN w.pax_61_90 ELSE 0 END
            + CASE WHEN m.wait_threshold_minutes <= 90 THEN w.pax_91_120 ELSE 0 END
            + CASE WHEN m.wait_threshold_minutes <= 120 THEN w.pax_over_120 ELSE 0 END
            AS over_threshold
    FROM wait_hourly w
    JOIN mou_targets m ON m.port = w.port
),
report_hours AS (
    SELECT
        port,
        terminal,
        hour_start,
        min(local_date) AS local_date,
        min(local_hour) AS local_hour,
        max(hour_minutes) AS hour_minutes,
        sum(counted) AS travellers_counted,
        sum(over_threshold) AS travellers_over_threshold
    FROM report_rows
    GROUP BY GROUPING SETS ((port, hour_start), (port, terminal, hour_start))
),
all_hours AS (
    SELECT 'events' AS source, * FROM event_hours
    UNION ALL
    SELECT 'hourly_report' AS source, * FROM report_hours
)
SELECT
    h.port,
    h.terminal,
    h.source,
    h.hour_start,
    arrow_cast(arrow_cast(h.hour_start, 'Int64') + h.hour_minutes * 60000,
        'Timestamp(Millisecond, Some("UTC"))') AS hour_end,
    h.local_date,
    h.local_hour,
    CAST(h.travellers_counted AS BIGINT) AS travellers_counted,
    CAST(h.travellers_over_threshold AS BIGINT) AS travellers_over_threshold,
    CASE WHEN h.travellers_counted > 0
        THEN CAST(h.travellers_over_threshold AS DOUBLE) / h.travellers_counted END
        AS share_over_threshold,
    h.travellers_counted > 0
        AND CAST(h.travellers_over_threshold AS DOUBLE) / h.travellers_counted
            > m.max_share_over_threshold AS is_bottleneck,
    m.wait_threshold_minutes,
    m.max_share_over_threshold,
    m.targets_version
FROM all_hours h
JOIN mou_targets m ON m.port = h.port
