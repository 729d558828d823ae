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
    -- Each view is read once (a second reference would compute it again): a day's row of
    -- several measures is turned into one row per measure, and the travellers of the day
    -- come along with Immigration's rows.
    SELECT e.port, e.local_date, 'immigration' AS agency, m.measure, 'all' AS category,
        CASE m.measure
            WHEN 'secondary_referral' THEN e.secondary_referrals
            WHEN 'refusal' THEN e.refusals
            WHEN 'detention' THEN e.detentions
            WHEN 'notice_hit' THEN e.notice_hits
        END AS n,
        e.travellers
    FROM (VALUES ('secondary_referral'), ('refusal'), ('detention'), ('notice_hit'))
        AS m(measure)
    CROSS JOIN kpi_enforcement_daily e
    UNION ALL
    SELECT port, local_date, 'immigration', 'notice_hit', notice, hits, CAST(NULL AS BIGINT)
    FROM kpi_i247_notice_hits_daily
    UNION ALL
    SELECT port, local_date, 'customs', 'seizure', 'all',
        sum(CASE WHEN outcome = 'seized' THEN 1 ELSE 0 END), CAST(NULL AS BIGINT)
    FROM customs_inspections
    GROUP BY port, local_date
    UNION ALL
    SELECT port, local_date, 'customs', 'seizure', seizure_category, seizures,
        CAST(NULL AS BIGINT)
    FROM kpi_customs_seizures_daily
    UNION ALL
    SELECT q.port, q.local_date, 'quarantine', m.measure, 'all',
        CASE m.measure WHEN 'referral' THEN q.referred ELSE q.isolated END,
        CAST(NULL AS BIGINT)
    FROM (VALUES ('referral'), ('isolation')) AS m(measure)
    CROSS JOIN kpi_quarantine_daily q
    UNION ALL
    SELECT i.port, i.local_date, 'police', 'incident',
        CASE WHEN g.all_categories THEN 'all' ELSE i.category END,
        sum(i.incidents), CAST(NULL AS BIGINT)
    FROM (VALUES (true), (false)) AS g(all_categories)
    CROSS JOIN kpi_incidents_daily i
    GROUP BY i.port, i.local_date, g.all_categories,
        CASE WHEN g.all_categories THEN 'all' ELSE i.category END
),
with_travellers AS (
    -- Immigration has a row for every port and day it processed travellers.
    SELECT *, max(travellers) OVER (PARTITION BY port, local_date) AS day_travellers
    FROM counts
)
SELECT
    port,
    local_date,
    agency,
    measure,
    category,
    CAST(n AS BIGINT) AS count,
    coalesce(day_travellers, 0) AS travellers,
    CASE WHEN day_travellers > 0 THEN n * 10000.0 / day_travellers END AS per_10k
FROM with_travellers
