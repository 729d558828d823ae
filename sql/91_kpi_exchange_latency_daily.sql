-- view: kpi_exchange_latency_daily
-- kind: kpi
-- title_en: Data-exchange latency per agency pair and day
-- title_id: Latensi pertukaran data per pasangan instansi dan hari
-- unit: minutes; share of messages
-- grain: port, local date (of production), sender, receiver, message kind
-- owner: integration_bus
-- target: latency_target_minutes, required_share (mou_exchange_targets)
-- definition: Messages between agency systems over the integration bus, per port, local
--   day on which they were produced, sender, receiver and kind (manifest, alert,
--   risk_profile). Latency is received - produced in minutes, both times as the bus log
--   stamps them; p50 and p95 interpolate linearly over the messages that arrived (a
--   received time, not failed). A latency below zero (the sending and receiving systems'
--   clocks disagree by up to the five minutes ingest lets land) is kept as it is. A
--   message is within target when it arrived and its latency is at most the MoU target
--   for its sender, receiver and kind; a message that never arrived (no received time) or
--   failed counts in the total but never as within target, so the share within target is
--   over every message produced. Also the share failed and the share handled by hand
--   (status manual, whether or not it arrived in time). The day meets its target when the
--   share within target is at least the share the MoU requires for the pair and kind;
--   target_scope says whether that target is the national one or the agency pair's (and
--   kind's) exception.
WITH messages AS (
    SELECT
        e.port,
        e.local_date,
        e.sender,
        e.receiver,
        e.kind,
        e.status,
        CASE WHEN e.received_at IS NOT NULL AND e.status <> 'failed'
            THEN (arrow_cast(e.received_at, 'Int64') - arrow_cast(e.produced_at, 'Int64'))
                / 60000.0
        END AS latency_minutes
    FROM exchanges e
)
SELECT
    m.port,
    m.local_date,
    m.sender,
    m.receiver,
    m.kind,
    count(*) AS messages,
    count(m.latency_minutes) AS messages_arrived,
    percentile_linear(m.latency_minutes, 0.5) AS latency_p50_minutes,
    percentile_linear(m.latency_minutes, 0.95) AS latency_p95_minutes,
    sum(CASE WHEN m.latency_minutes <= t.latency_target_minutes THEN 1 ELSE 0 END)
        AS within_target,
    CAST(sum(CASE WHEN m.latency_minutes <= t.latency_target_minutes THEN 1 ELSE 0 END)
        AS DOUBLE) / count(*) AS share_within_target,
    CAST(sum(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END) AS DOUBLE) / count(*)
        AS share_failed,
    CAST(sum(CASE WHEN m.status = 'manual' THEN 1 ELSE 0 END) AS DOUBLE) / count(*)
        AS share_manual,
    t.latency_target_minutes,
    t.required_share,
    CAST(sum(CASE WHEN m.latency_minutes <= t.latency_target_minutes THEN 1 ELSE 0 END)
        AS DOUBLE) / count(*) >= t.required_share AS met,
    t.target_scope,
    t.targets_version
FROM messages m
JOIN mou_exchange_targets t
    ON t.sender = m.sender AND t.receiver = m.receiver AND t.kind = m.kind
GROUP BY m.port, m.local_date, m.sender, m.receiver, m.kind, t.latency_target_minutes,
    t.required_share, t.target_scope, t.targets_version
