-- view: kpi_incidents_daily
-- kind: kpi
-- title_en: Security incidents per day, by category
-- title_id: Insiden keamanan per hari, menurut kategori
-- unit: incidents; per 10,000 travellers
-- grain: port, local date, incident category
-- owner: police
-- target: none
-- definition: Police and security incidents per port, local day they were reported and
--   category (theft, narcotics, trafficking, document fraud, security threat, wanted-list
--   match), whether or not they are closed, and as a rate per 10,000 travellers, where
--   travellers are those Immigration processed at the port that local day (of joining the
--   queue, as in kpi_enforcement_daily), 0 when none landed, and the rate is then NULL.
--   Days without an incident of a category have no row for it.
WITH reported AS (
    SELECT port, local_date, category, count(*) AS incidents
    FROM incidents
    GROUP BY port, local_date, category
)
SELECT
    i.port,
    i.local_date,
    i.category,
    i.incidents,
    coalesce(t.travellers, 0) AS travellers,
    CASE WHEN t.travellers > 0 THEN i.incidents * 10000.0 / t.travellers END
        AS incidents_per_10k
FROM reported i
LEFT JOIN kpi_enforcement_daily t ON t.port = i.port AND t.local_date = i.local_date
