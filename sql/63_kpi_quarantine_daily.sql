-- view: kpi_quarantine_daily
-- kind: kpi
-- title_en: Health quarantine referrals and isolations per day
-- title_id: Rujukan dan isolasi karantina kesehatan per hari
-- unit: travellers; per 10,000 travellers; per 10,000 screened
-- grain: port, local date
-- owner: quarantine
-- target: none
-- definition: Health Quarantine's hourly counts added up per port and local day (all
--   terminals): travellers screened, referred for further examination and isolated; the
--   referrals and isolations also per 10,000 screened (NULL when nobody was screened) and
--   per 10,000 travellers, where travellers are those Immigration processed at the port
--   that local day (of joining the queue, as in kpi_enforcement_daily), 0 when none landed,
--   and the rate is then NULL. A day has a row when Quarantine reported any hour of it.
WITH screening AS (
    SELECT
        port,
        local_date,
        sum(screened) AS screened,
        sum(referred) AS referred,
        sum(isolated) AS isolated
    FROM health_screenings_hourly
    GROUP BY port, local_date
)
SELECT
    q.port,
    q.local_date,
    q.screened,
    q.referred,
    q.isolated,
    coalesce(t.travellers, 0) AS travellers,
    CASE WHEN t.travellers > 0 THEN q.referred * 10000.0 / t.travellers END
        AS referred_per_10k,
    CASE WHEN t.travellers > 0 THEN q.isolated * 10000.0 / t.travellers END
        AS isolated_per_10k,
    CASE WHEN q.screened > 0 THEN q.referred * 10000.0 / q.screened END
        AS referred_per_10k_screened,
    CASE WHEN q.screened > 0 THEN q.isolated * 10000.0 / q.screened END
        AS isolated_per_10k_screened
FROM screening q
LEFT JOIN kpi_enforcement_daily t ON t.port = q.port AND t.local_date = q.local_date
