-- view: kpi_service_level_by_agency_daily
-- kind: kpi
-- title_en: Service level per agency, port and day
-- title_id: Tingkat layanan per instansi, TPI dan hari
-- unit: share of travellers
-- grain: agency, port, local date
-- owner: immigration, customs
-- target: clearance_target_minutes, clearance_required_share,
--   customs_release_target_minutes, customs_required_share
-- definition: The share of travellers each agency served within its MoU target, per port
--   and local day, against the share the MoU requires; the day meets its target when the
--   share is at least the required share. Immigration: travellers cleared within the
--   clearance target (joined queue to cleared), by the day they joined the queue: the
--   same numbers as kpi_service_level_daily. Customs: travellers whose baggage inspection
--   ended (released, duty paid, seized or held) within the customs release target of its
--   start, by the day it started; every outcome counts, since the traveller waits the
--   whole inspection, while consignments (no traveller) are cargo and are left out.
--   measure says what was timed. The integration bus, per agency pair, is in
--   kpi_exchange_latency_daily.
SELECT
    'immigration' AS agency,
    s.port,
    s.local_date,
    'joined queue to cleared' AS measure,
    s.travellers AS measured,
    s.within_target,
    s.share_within_target,
    s.clearance_target_minutes AS target_minutes,
    s.clearance_required_share AS required_share,
    s.met,
    s.targets_version
FROM kpi_service_level_daily s
UNION ALL
SELECT
    'customs' AS agency,
    i.port,
    i.local_date,
    'inspection start to end' AS measure,
    count(*) AS measured,
    sum(CASE WHEN (arrow_cast(i.ended_at, 'Int64') - arrow_cast(i.started_at, 'Int64'))
            / 60000.0 <= m.customs_release_target_minutes THEN 1 ELSE 0 END)
        AS within_target,
    CAST(sum(CASE WHEN (arrow_cast(i.ended_at, 'Int64') - arrow_cast(i.started_at, 'Int64'))
            / 60000.0 <= m.customs_release_target_minutes THEN 1 ELSE 0 END) AS DOUBLE)
        / count(*) AS share_within_target,
    m.customs_release_target_minutes AS target_minutes,
    m.customs_required_share AS required_share,
    CAST(sum(CASE WHEN (arrow_cast(i.ended_at, 'Int64') - arrow_cast(i.started_at, 'Int64'))
            / 60000.0 <= m.customs_release_target_minutes THEN 1 ELSE 0 END) AS DOUBLE)
        / count(*) >= m.customs_required_share AS met,
    m.targets_version
FROM customs_inspections i
JOIN mou_targets m ON m.port = i.port
WHERE i.traveller_key IS NOT NULL
GROUP BY i.port, i.local_date, m.customs_release_target_minutes, m.customs_required_share,
    m.targets_version
