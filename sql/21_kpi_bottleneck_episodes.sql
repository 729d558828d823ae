-- view: kpi_bottleneck_episodes
-- kind: kpi
-- title_en: Bottleneck episodes
-- title_id: Episode kemacetan
-- unit: hours
-- grain: one row per episode, per port (terminal NULL) or port + terminal, and feed kind
-- owner: immigration
-- target: wait_threshold_minutes, max_share_over_threshold
-- definition: A maximal run of bottleneck hours whose starts are exactly one hour apart
--   in UTC (an hour that a daylight-saving report gives once for two covers both, so the
--   run continues after it). Each episode has its UTC start and end, its start and end in
--   the port's local time, and its length in hours.
WITH bottleneck AS (
    SELECT port, terminal, source, hour_start, hour_end, local_date, local_hour
    FROM kpi_bottleneck_hours
    WHERE is_bottleneck
),
-- An hour continues the run when it starts no later than the latest end of the hours
-- before it, not only the previous one's end. At port level, when one terminal reports the
-- repeated daylight-saving hour once (120 minutes) and another twice (60 each), the port's
-- hour from the first occurrence ends at the end of the second: the second lies inside it,
-- and comparing with the previous end alone split the run in two overlapping episodes.
marked AS (
    SELECT
        *,
        CASE WHEN max(hour_end) OVER (
                PARTITION BY port, terminal, source ORDER BY hour_start
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) >= hour_start
            THEN 0 ELSE 1 END AS starts_episode
    FROM bottleneck
),
numbered AS (
    SELECT
        *,
        sum(starts_episode) OVER (
            PARTITION BY port, terminal, source ORDER BY hour_start
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode
    FROM marked
)
SELECT
    n.port,
    n.terminal,
    n.source,
    min(n.hour_start) AS episode_start,
    max(n.hour_end) AS episode_end,
    (arrow_cast(max(n.hour_end), 'Int64') - arrow_cast(min(n.hour_start), 'Int64')) / 3600000.0
        AS hours,
    port_local_time(min(n.hour_start), p.zone) AS local_start,
    port_local_time(max(n.hour_end), p.zone) AS local_end,
    p.zone_label
FROM numbered n
JOIN ports p ON p.port = n.port
GROUP BY n.port, n.terminal, n.source, n.episode, p.zone, p.zone_label
