-- view: kpi_customs_seizures_daily
-- kind: kpi
-- title_en: Customs seizures per day, by category
-- title_id: Penindakan (penyitaan) kepabeanan per hari, menurut kategori
-- unit: seizures; rupiah; per 10,000 travellers
-- grain: port, local date, seizure category
-- owner: customs
-- target: none
-- definition: Customs inspections whose outcome was a seizure (hasil DISITA), per port,
--   local day of the start of the inspection and seizure category (narcotics, wildlife,
--   currency, tobacco, alcohol, weapons, other); inspections released, duty paid or held
--   are not seizures. Goods value is the sum of the seized goods' declared or assessed
--   value in rupiah over the seizures that have one (NULL when none was valued); valued
--   seizures says how many that is. Travellers are the travellers Immigration processed at
--   the port that local day (of joining the queue, as in kpi_enforcement_daily), 0 when
--   none landed; the rate per 10,000 travellers is NULL on such a day, not a division by
--   zero. Days without a seizure of a category have no row for it.
WITH seizures AS (
    SELECT
        port,
        local_date,
        seizure_category,
        count(*) AS seizures,
        count(goods_value_idr) AS seizures_valued,
        sum(goods_value_idr) AS goods_value_idr
    FROM customs_inspections
    WHERE outcome = 'seized'
    GROUP BY port, local_date, seizure_category
)
SELECT
    s.port,
    s.local_date,
    s.seizure_category,
    s.seizures,
    s.seizures_valued,
    s.goods_value_idr,
    coalesce(t.travellers, 0) AS travellers,
    CASE WHEN t.travellers > 0 THEN s.seizures * 10000.0 / t.travellers END
        AS seizures_per_10k
FROM seizures s
LEFT JOIN kpi_enforcement_daily t ON t.port = s.port AND t.local_date = s.local_date
