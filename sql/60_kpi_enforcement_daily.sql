-- view: kpi_enforcement_daily
-- kind: kpi
-- title_en: Immigration enforcement per day
-- title_id: Penegakan hukum keimigrasian per hari
-- unit: travellers; per 10,000 travellers
-- grain: port, local date
-- owner: immigration
-- target: none
-- definition: Per port and local day (of joining the queue): travellers processed, those
--   sent to secondary inspection, refused entry (tolak or tangkal), detained, and those
--   whose I-24/7 check hit an Interpol notice of any kind; each also as a rate per 10,000
--   travellers processed.
SELECT
    port,
    local_date,
    count(*) AS travellers,
    sum(CASE WHEN outcome = 'secondary' THEN 1 ELSE 0 END) AS secondary_referrals,
    sum(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END) AS refusals,
    sum(CASE WHEN outcome = 'detained' THEN 1 ELSE 0 END) AS detentions,
    sum(CASE WHEN i247_notice IS NOT NULL THEN 1 ELSE 0 END) AS notice_hits,
    sum(CASE WHEN outcome = 'secondary' THEN 1 ELSE 0 END) * 10000.0 / count(*)
        AS secondary_referrals_per_10k,
    sum(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END) * 10000.0 / count(*)
        AS refusals_per_10k,
    sum(CASE WHEN outcome = 'detained' THEN 1 ELSE 0 END) * 10000.0 / count(*)
        AS detentions_per_10k,
    sum(CASE WHEN i247_notice IS NOT NULL THEN 1 ELSE 0 END) * 10000.0 / count(*)
        AS notice_hits_per_10k
FROM crossings
GROUP BY port, local_date
