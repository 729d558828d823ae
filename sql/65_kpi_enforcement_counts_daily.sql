-- view: kpi_enforcement_counts_daily
-- kind: kpi
-- title_en: Enforcement by all agencies per day (one row per measure and category)
-- title_id: Penegakan hukum oleh semua instansi per hari (satu baris per ukuran dan kategori)
-- unit: cases; per 10,000 travellers
-- grain: port, local date, agency, measure, category
-- owner: all agencies
-- target: none
-- definition: Every enforcement count of KPI 5 in one long table, per port and local day:
--   immigration secondary_referral, refusal (tolak or tangkal), detention and notice_hit
--   (I-24/7 matches, by notice type), by the day the traveller joined the queue
--   (kpi_enforcement_daily, kpi_i247_notice_hits_daily); customs seizure, by seizure
--   category, by the day the inspection started (kpi_customs_seizures_daily); quarantine
--   referral and isolation, by the local hour's day (kpi_quarantine_daily); police
--   incident, by category, by the day it was reported (kpi_incidents_daily). Each measure
--   has a row with category 'all', its total for the day, and the categorised measures
--   also one row per category that occurred. A measure has its 'all' row on every day
--   its feed reported anything (so a day with inspections but no seizure shows 0),
--   except incidents, whose feed only lists incidents. Travellers are those Immigration
--   processed at the port that local day (0 when none landed); per_10k is the count per
--   10,000 of them, NULL when there were none. Counts here are exact: what someone
--   without detail rights may see is kpi_enforcement_public_daily.
WITH counts AS (
    SELECT port, local_date, 'immigration' AS agency, 'secondary_referral' AS measure,
        'all' AS category, secondary_referrals AS n
    FROM kpi_enforcement_daily
    UNION ALL
    SELECT port, local_date, 'immigration', 'refusal', 'all', refusals
    FROM kpi_enforcement_daily
    UNION ALL
    SELECT port, local_date, 'immigration', 'detention', 'all', detentions
    FROM kpi_enforcement_daily
    UNION ALL
    SELECT port, local_date, 'immigration', 'notice_hit', 'all', notice_hits
    FROM kpi_enforcement_daily
    UNION ALL
    SELECT port, local_date, 'immigration', 'notice_hit', notice, hits
    FROM kpi_i247_notice_hits_daily
    UNION ALL
    SELECT port, local_date, 'customs', 'seizure', 'all',
        sum(CASE WHEN outcome = 'seized' THEN 1 ELSE 0 END)
    FROM customs_inspections
    GROUP BY port, local_date
    UNION ALL
    SELECT port, local_date, 'customs', 'seizure', seizure_category, seizures
    FROM kpi_customs_seizures_daily
    UNION ALL
    SELECT port, local_date, 'quarantine', 'referral', 'all', referred
    FROM kpi_quarantine_daily
    UNION ALL
    SELECT port, local_date, 'quarantine', 'isolation', 'all', isolated
    FROM kpi_quarantine_daily
    UNION ALL
    SELECT port, local_date, 'police', 'incident', 'all', sum(incidents)
    FROM kpi_incidents_daily
    GROUP BY port, local_date
    UNION ALL
    SELECT port, local_date, 'police', 'incident', category, incidents
    FROM kpi_incidents_daily
)
SELECT
    c.port,
    c.local_date,
    c.agency,
    c.measure,
    c.category,
    CAST(c.n AS BIGINT) AS count,
    coalesce(t.travellers, 0) AS travellers,
    CASE WHEN t.travellers > 0 THEN c.n * 10000.0 / t.travellers END AS per_10k
FROM counts c
LEFT JOIN kpi_enforcement_daily t ON t.port = c.port AND t.local_date = c.local_date
