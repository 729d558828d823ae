-- view: kpi_national_arrivals
-- kind: kpi
-- title_en: Foreign arrivals per month, with year-over-year change
-- title_id: Kedatangan warga negara asing per bulan, dengan perubahan dari tahun sebelumnya
-- unit: arrivals; share of the same month a year earlier
-- grain: per port (port code) and national (port NULL), year, month
-- owner: statistics_indonesia
-- target: none
-- definition: Foreign arrivals per entry point and month as Statistics Indonesia (BPS)
--   reports them, and national rows (port NULL, scope 'national') that add up the
--   Indonesian entry points of the registry (ports.benchmark = false) month by month.
--   The national figure is the sum of the named entry points only: BPS's group subtotals,
--   its 'pintu ... lainnya' and 'lainnya' rows are checked at ingest but never landed, so
--   it is below BPS's published total by those unnamed ports. Year-over-year: the same
--   port (or national) and month one year earlier; change = arrivals - arrivals a year
--   earlier, NULL when that month is missing; change share = change / arrivals a year
--   earlier, NULL when that month is missing or had zero arrivals.
WITH monthly AS (
    SELECT a.port, a.year, a.month, a.arrivals
    FROM arrivals_monthly a
    UNION ALL
    SELECT CAST(NULL AS VARCHAR) AS port, a.year, a.month, sum(a.arrivals) AS arrivals
    FROM arrivals_monthly a
    JOIN ports p ON p.port = a.port
    WHERE NOT p.benchmark
    GROUP BY a.year, a.month
)
SELECT
    CASE WHEN m.port IS NULL THEN 'national' ELSE 'port' END AS scope,
    m.port,
    m.year,
    m.month,
    make_date(m.year, m.month, 1) AS month_start,
    m.arrivals,
    prev.arrivals AS arrivals_year_before,
    m.arrivals - prev.arrivals AS yoy_change,
    CASE
        WHEN prev.arrivals > 0
            THEN CAST(m.arrivals - prev.arrivals AS DOUBLE) / CAST(prev.arrivals AS DOUBLE)
    END AS yoy_change_share
FROM monthly m
LEFT JOIN monthly prev
    ON (prev.port IS NOT DISTINCT FROM m.port)
    AND prev.year = m.year - 1
    AND prev.month = m.month
