-- view: kpi_i247_notice_hits_daily
-- kind: kpi
-- title_en: Interpol notice hits per day, by notice type
-- title_id: Temuan notice Interpol per hari, menurut jenis
-- unit: travellers; per 10,000 travellers
-- grain: port, local date, notice type
-- owner: immigration
-- target: none
-- definition: Travellers whose I-24/7 check matched an Interpol notice, per port, local
--   day (of joining the queue) and notice type (red, yellow, blue, green, diffusion,
--   sltd = stolen or lost travel document), and as a rate per 10,000 of all travellers
--   processed at the port that day. Days without a hit of a type have no row for it.
WITH daily AS (
    SELECT port, local_date, count(*) AS travellers
    FROM crossings
    GROUP BY port, local_date
)
SELECT
    c.port,
    c.local_date,
    c.i247_notice AS notice,
    count(*) AS hits,
    count(*) * 10000.0 / min(d.travellers) AS hits_per_10k
FROM crossings c
JOIN daily d ON d.port = c.port AND d.local_date = c.local_date
WHERE c.i247_notice IS NOT NULL
GROUP BY c.port, c.local_date, c.i247_notice
