-- view: kpi_weekly_headlines
-- kind: kpi
-- title_en: Headline KPIs per week, with the change from the week before
-- title_id: KPI utama per minggu, dengan perubahan dari minggu sebelumnya
-- unit: per headline: travellers; minutes; hours; cases; share
-- grain: port, week (ISO week of the port's local date, Monday start), headline
-- owner: all agencies
-- target: clearance_p90_target_minutes, max_bottleneck_hours_week, clearance_required_share
-- definition: Leadership's weekly page: per port and ISO week of the port's local dates
--   (week_start is the Monday; a Sunday 23:30 WIB crossing, 16:30 UTC, is in the week that
--   Sunday ends), one row per headline, with last week's value (the calendar week before,
--   week_start - 7 days), the change (this week - last week) and the relative change
--   (change / last week, only for counts, hours and minutes, and only when last week was
--   above 0; shares get the absolute change alone). When the week before has no data for
--   the headline, last week's value and both changes are NULL. Headlines: travellers
--   (Immigration travellers processed, by day of joining the queue); clearance_p90_minutes
--   (exact p90 of cleared - joined queue over the week's travellers, linear interpolation;
--   target: at most the port's clearance_p90_target_minutes); bottleneck_hours (port-wide
--   hours of kpi_bottleneck_hours that are bottleneck hours, from events or hourly reports,
--   an hour counted once, by the hour's local date; target: at most the port's
--   max_bottleneck_hours_week); enforcement_hits (refusals + detentions + I-24/7 notice hits
--   + customs seizures + quarantine isolations + police incidents, the 'all' rows of
--   kpi_enforcement_counts_daily; secondary referrals and quarantine referrals are routine
--   steps and left out; a traveller refused after a notice hit counts twice: these are
--   cases, not people; no target); i247_share_ok (share of I-24/7 checks answered OK; no
--   target); exchange_latency_p95_minutes (p95 of received - produced over the messages
--   delivered over the integration bus, by local week of producing; no target in the MoU
--   file yet); service_level_share (share of travellers cleared within
--   clearance_target_minutes; target: at least clearance_required_share). Rows with a
--   target carry it, whether it is met and targets_version; the others have NULL there.
--   The week still under way is partial. detail_only is true on enforcement_hits when this
--   or last week's total includes a daily count of 1 to 4: shown next to
--   kpi_enforcement_public_daily it would give a suppressed count back, so it is for
--   people with detail rights on the enforcement datasets only.
WITH crossing_weeks AS (
    SELECT
        t.port,
        CAST(date_trunc('week', t.local_date) AS DATE) AS week_start,
        CAST(count(*) AS DOUBLE) AS travellers,
        percentile_linear(t.clearance_minutes, 0.9) AS clearance_p90_minutes,
        CAST(sum(CASE WHEN t.i247_status = 'ok' THEN 1 ELSE 0 END) AS DOUBLE) / count(*)
            AS i247_share_ok,
        CAST(sum(CASE WHEN t.clearance_minutes <= m.clearance_target_minutes THEN 1 ELSE 0 END)
            AS DOUBLE) / count(*) AS service_level_share
    FROM crossing_times t
    JOIN mou_targets m ON m.port = t.port
    GROUP BY t.port, CAST(date_trunc('week', t.local_date) AS DATE)
),
bottleneck_weeks AS (
    SELECT
        port,
        CAST(date_trunc('week', local_date) AS DATE) AS week_start,
        CAST(count(DISTINCT CASE WHEN is_bottleneck THEN hour_start END) AS DOUBLE)
            AS bottleneck_hours
    FROM kpi_bottleneck_hours
    WHERE terminal IS NULL
    GROUP BY port, CAST(date_trunc('week', local_date) AS DATE)
),
enforcement_weeks AS (
    SELECT
        port,
        CAST(date_trunc('week', local_date) AS DATE) AS week_start,
        CAST(sum(CASE WHEN category = 'all' THEN count ELSE 0 END) AS DOUBLE)
            AS enforcement_hits,
        max(CASE WHEN count BETWEEN 1 AND 4 THEN 1 ELSE 0 END) = 1 AS detail_only
    FROM kpi_enforcement_counts_daily
    WHERE measure IN ('refusal', 'detention', 'notice_hit', 'seizure', 'isolation', 'incident')
    GROUP BY port, CAST(date_trunc('week', local_date) AS DATE)
),
exchange_weeks AS (
    SELECT
        port,
        CAST(date_trunc('week', local_date) AS DATE) AS week_start,
        percentile_linear(
            (arrow_cast(received_at, 'Int64') - arrow_cast(produced_at, 'Int64')) / 60000.0,
            0.95) AS exchange_latency_p95_minutes
    FROM exchanges
    WHERE status = 'delivered' AND received_at IS NOT NULL
    GROUP BY port, CAST(date_trunc('week', local_date) AS DATE)
),
headline_values AS (
    -- The four crossing headlines come from one pass over the week's crossings, each
    -- week's row turned into four.
    SELECT
        c.port,
        c.week_start,
        h.headline,
        h.unit,
        CASE h.headline
            WHEN 'travellers' THEN c.travellers
            WHEN 'clearance_p90_minutes' THEN c.clearance_p90_minutes
            WHEN 'i247_share_ok' THEN c.i247_share_ok
            WHEN 'service_level_share' THEN c.service_level_share
        END AS value,
        false AS detail_only
    FROM (VALUES
        ('travellers', 'travellers'),
        ('clearance_p90_minutes', 'minutes'),
        ('i247_share_ok', 'share of checks'),
        ('service_level_share', 'share of travellers')
    ) AS h(headline, unit)
    CROSS JOIN crossing_weeks c
    UNION ALL
    SELECT port, week_start, 'bottleneck_hours', 'hours', bottleneck_hours, false
    FROM bottleneck_weeks
    UNION ALL
    SELECT port, week_start, 'enforcement_hits', 'cases', enforcement_hits, detail_only
    FROM enforcement_weeks
    UNION ALL
    SELECT port, week_start, 'exchange_latency_p95_minutes', 'minutes',
        exchange_latency_p95_minutes, false
    FROM exchange_weeks
),
with_prev AS (
    -- The calendar week before, not merely the previous week that has data: a gap leaves
    -- last week NULL. Computed with LAG so each week's values are computed once.
    SELECT
        *,
        CASE
            WHEN lag(week_start) OVER (PARTITION BY port, headline ORDER BY week_start)
                = CAST(week_start - INTERVAL '7 days' AS DATE)
            THEN lag(value) OVER (PARTITION BY port, headline ORDER BY week_start)
        END AS value_prev_week,
        CASE
            WHEN lag(week_start) OVER (PARTITION BY port, headline ORDER BY week_start)
                = CAST(week_start - INTERVAL '7 days' AS DATE)
            THEN lag(detail_only) OVER (PARTITION BY port, headline ORDER BY week_start)
        END AS detail_only_prev_week
    FROM headline_values
)
SELECT
    w.port,
    w.week_start,
    CAST(w.week_start + INTERVAL '6 days' AS DATE) AS week_end,
    CAST(date_part('year', w.week_start + INTERVAL '3 days') AS INT) AS iso_year,
    CAST(date_part('week', w.week_start) AS INT) AS iso_week,
    w.headline,
    w.unit,
    w.value,
    w.value_prev_week,
    w.value - w.value_prev_week AS change,
    CASE
        WHEN w.unit IN ('travellers', 'minutes', 'hours', 'cases') AND w.value_prev_week > 0
            THEN (w.value - w.value_prev_week) / w.value_prev_week
    END AS change_share,
    CASE w.headline
        WHEN 'clearance_p90_minutes' THEN m.clearance_p90_target_minutes
        WHEN 'bottleneck_hours' THEN CAST(m.max_bottleneck_hours_week AS DOUBLE)
        WHEN 'service_level_share' THEN m.clearance_required_share
    END AS target,
    CASE w.headline
        WHEN 'clearance_p90_minutes' THEN w.value <= m.clearance_p90_target_minutes
        WHEN 'bottleneck_hours' THEN w.value <= CAST(m.max_bottleneck_hours_week AS DOUBLE)
        WHEN 'service_level_share' THEN w.value >= m.clearance_required_share
    END AS met,
    CASE
        WHEN w.headline IN ('clearance_p90_minutes', 'bottleneck_hours', 'service_level_share')
            THEN m.targets_version
    END AS targets_version,
    w.detail_only OR coalesce(w.detail_only_prev_week, false) AS detail_only
FROM with_prev w
JOIN mou_targets m ON m.port = w.port
