-- view: kpi_stage_attribution_daily
-- kind: kpi
-- title_en: Stage attribution per port and day
-- title_id: Atribusi tahapan per TPI dan hari
-- unit: minutes; share of door-to-door time
-- grain: port, local date (of on-block)
-- owner: authority, immigration, customs
-- target: none
-- definition: The day's arrivals of kpi_stage_attribution at a port, summarised: how many
--   the authority listed, how many had Immigration's stage measured and how many also
--   Customs' (attributed), and the median over the flights of Immigration's minutes (over
--   the flights that have it), of Customs' minutes, door-to-door minutes and each
--   agency's share (over the attributed flights); medians interpolate linearly. The
--   longer stage is the agency whose median minutes are larger. The clock corrections are
--   the day's (one per port and date), as applied to every flight of the day.
SELECT
    port,
    local_date,
    count(*) AS flights,
    count(immigration_minutes) AS flights_with_immigration_stage,
    count(door_to_door_minutes) AS flights_attributed,
    percentile_linear(immigration_minutes, 0.5) AS immigration_minutes_p50,
    percentile_linear(customs_minutes, 0.5) AS customs_minutes_p50,
    percentile_linear(door_to_door_minutes, 0.5) AS door_to_door_minutes_p50,
    percentile_linear(immigration_share, 0.5) AS immigration_share_p50,
    percentile_linear(customs_share, 0.5) AS customs_share_p50,
    CASE
        WHEN percentile_linear(immigration_minutes, 0.5)
            > percentile_linear(customs_minutes, 0.5) THEN 'immigration'
        WHEN percentile_linear(customs_minutes, 0.5)
            > percentile_linear(immigration_minutes, 0.5) THEN 'customs'
    END AS longer_stage,
    max(authority_clock_correction_minutes) AS authority_clock_correction_minutes,
    max(customs_clock_correction_minutes) AS customs_clock_correction_minutes
FROM kpi_stage_attribution
GROUP BY port, local_date
