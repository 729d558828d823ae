-- view: kpi_enforcement_public_daily
-- kind: kpi
-- title_en: Enforcement by all agencies per day, small counts suppressed
-- title_id: Penegakan hukum oleh semua instansi per hari, jumlah kecil disamarkan
-- unit: cases (text); per 10,000 travellers
-- grain: port, local date, agency, measure, category
-- owner: all agencies
-- target: none
-- definition: kpi_enforcement_counts_daily as someone without detail rights on the
--   dataset may see it. A count of 1 to 4 is shown as '<5' (suppress_small), 0 and 5 or
--   more as the number; its rate per 10,000 travellers is NULL, since rate times
--   travellers would give the count back. A measure's 'all' total would give a suppressed
--   category back as the total minus the categories shown, so when any category of the
--   same port, day and measure is suppressed, the total is withheld as well: shown as
--   'withheld' with a NULL rate (unless it is itself 1 to 4, then '<5'). suppressed says
--   why a row is hidden: 'small_count', 'protects_small_count', or NULL when shown. No
--   other row adds up to another in this view. Totals over several days or measures
--   made elsewhere (kpi_weekly_headlines' enforcement_hits) rest on the exact counts and
--   say so in their detail_only column.
WITH flagged AS (
    SELECT
        e.*,
        e.count BETWEEN 1 AND 4 AS small,
        max(CASE WHEN e.category <> 'all' AND e.count BETWEEN 1 AND 4 THEN 1 ELSE 0 END)
            OVER (PARTITION BY e.port, e.local_date, e.agency, e.measure) = 1
            AS has_small_category
    FROM kpi_enforcement_counts_daily e
)
SELECT
    port,
    local_date,
    agency,
    measure,
    category,
    CASE
        WHEN small THEN suppress_small(count)
        WHEN category = 'all' AND has_small_category THEN 'withheld'
        ELSE suppress_small(count)
    END AS count_shown,
    CASE
        WHEN small THEN 'small_count'
        WHEN category = 'all' AND has_small_category THEN 'protects_small_count'
    END AS suppressed,
    travellers,
    CASE
        WHEN small OR (category = 'all' AND has_small_category) THEN CAST(NULL AS DOUBLE)
        ELSE per_10k
    END AS per_10k
FROM flagged
