-- view: kpi_feed_health
-- kind: kpi
-- title_en: Feed health per agency and port
-- title_id: Kesehatan kiriman data per instansi dan TPI
-- unit: nights; rows; files
-- grain: agency, port
-- owner: all agencies
-- target: every night delivered by 06:00 local time the next morning, nothing rejected
-- definition: For each agency's nightly export at each port, from the files that landed
--   (ingest_runs; a file's port and night come from its name, its delivery time from the
--   export time in its name or else the ingest run that landed it): the last night
--   delivered, the nights delivered, the nights missing (nights for which another agency
--   at the same port delivered but this one did not), rows in, landed and rejected, the
--   share rejected, and files late (delivered after 06:00 local time of the morning after
--   their night). Why rows were rejected is in kpi_feed_rejects.
WITH files AS (
    SELECT
        r.agency,
        r.port,
        r.night,
        r.rows_in,
        r.rows_landed,
        r.rows_rejected,
        CASE
            WHEN port_local_time(coalesce(r.exported_at, r.started_at), p.zone)
                > concat(CAST(r.night + INTERVAL '1 day' AS VARCHAR), ' 06:00')
            THEN 1 ELSE 0
        END AS late
    FROM ingest_runs r
    JOIN ports p ON p.port = r.port
    WHERE r.port IS NOT NULL AND r.night IS NOT NULL
),
port_nights AS (
    SELECT DISTINCT port, night FROM files
),
agencies AS (
    SELECT DISTINCT agency, port FROM files
),
delivered AS (
    SELECT
        agency,
        port,
        night,
        count(*) AS files,
        sum(rows_in) AS rows_in,
        sum(rows_landed) AS rows_landed,
        sum(rows_rejected) AS rows_rejected,
        sum(late) AS files_late
    FROM files
    GROUP BY agency, port, night
)
SELECT
    a.agency,
    a.port,
    max(d.night) AS last_night_delivered,
    count(d.night) AS nights_delivered,
    count(*) - count(d.night) AS nights_missing,
    coalesce(sum(d.files), 0) AS files,
    coalesce(sum(d.files_late), 0) AS files_late,
    coalesce(sum(d.rows_in), 0) AS rows_in,
    coalesce(sum(d.rows_landed), 0) AS rows_landed,
    coalesce(sum(d.rows_rejected), 0) AS rows_rejected,
    CASE
        WHEN sum(d.rows_in) > 0
        THEN CAST(sum(d.rows_rejected) AS DOUBLE) / CAST(sum(d.rows_in) AS DOUBLE)
    END AS rejected_share
FROM agencies a
JOIN port_nights n ON n.port = a.port
LEFT JOIN delivered d ON d.agency = a.agency AND d.port = a.port AND d.night = n.night
GROUP BY a.agency, a.port
