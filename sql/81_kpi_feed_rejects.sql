-- view: kpi_feed_rejects
-- kind: kpi
-- title_en: Rejected records per agency, port and reason
-- title_id: Rekaman yang ditolak per instansi, TPI dan alasan
-- unit: rows
-- grain: agency, port, reason
-- owner: all agencies
-- target: none
-- definition: Every record that did not land is kept in rejects with its reason, which
--   starts with its kind: schema, type, range, time order, unknown code, unknown port,
--   encoding or duplicate (unknown ports per code). Per agency, port (from the file's name) and kind: how many rows,
--   how many files they came from, and one example reason to show what went wrong.
SELECT
    r.agency,
    r.port,
    split_part(j.reason, ':', 1) AS reason,
    count(*) AS rows_rejected,
    count(DISTINCT j.source_file) AS files,
    min(j.reason) AS example
FROM rejects j
JOIN ingest_runs r ON r.source_file = j.source_file AND r.run_id = j.run_id
GROUP BY r.agency, r.port, split_part(j.reason, ':', 1)
