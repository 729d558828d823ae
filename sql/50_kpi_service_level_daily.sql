-- view: kpi_service_level_daily
-- kind: kpi
-- title_en: Immigration service level per day
-- title_id: Tingkat layanan imigrasi per hari
-- unit: share of travellers
-- grain: port, local date (Immigration)
-- owner: immigration
-- target: clearance_target_minutes, clearance_required_share
-- definition: The share of travellers cleared within the MoU clearance target (joined
--   queue to cleared, at most the target's minutes), per port and local day of joining the
--   queue, against the share the MoU requires. The day meets its target when the share is
--   at least the required share.
SELECT
    t.port,
    t.local_date,
    count(*) AS travellers,
    sum(CASE WHEN t.clearance_minutes <= m.clearance_target_minutes THEN 1 ELSE 0 END)
        AS within_target,
    CAST(sum(CASE WHEN t.clearance_minutes <= m.clearance_target_minutes THEN 1 ELSE 0 END)
        AS DOUBLE) / count(*) AS share_within_target,
    m.clearance_target_minutes,
    m.clearance_required_share,
    CAST(sum(CASE WHEN t.clearance_minutes <= m.clearance_target_minutes THEN 1 ELSE 0 END)
        AS DOUBLE) / count(*) >= m.clearance_required_share AS met,
    m.targets_version
FROM crossing_times t
JOIN mou_targets m ON m.port = t.port
GROUP BY t.port, t.local_date, m.clearance_target_minutes, m.clearance_required_share,
    m.targets_version
