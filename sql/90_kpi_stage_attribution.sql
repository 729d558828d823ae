-- view: kpi_stage_attribution
-- kind: kpi
-- title_en: Stage attribution per arriving flight or vessel
-- title_id: Atribusi tahapan per penerbangan atau kapal yang datang
-- unit: minutes; share of door-to-door time
-- grain: one row per arriving flight, vessel or bus service the authority lists
-- owner: authority, immigration, customs
-- target: none
-- definition: Who holds the travellers of an arrival, and for how long. Immigration's
--   stage is the minutes from the authority's actual on-block to the median clearance
--   (cleared_at) of the flight's arriving travellers; Customs' stage is the minutes from
--   there to the median end of the baggage inspections of those same travellers (the ones
--   Customs inspected); door-to-door is their sum and each agency's share is its stage
--   over door-to-door (NULL when door-to-door is not positive). Customs' stage can come
--   out negative, with shares outside 0 to 1, when the few travellers Customs inspected
--   were cleared well before the flight's median clearance. longer_stage names the agency
--   holding more minutes. Medians interpolate linearly. Travellers and inspections are
--   matched to the flight as flight_stage_times says. Every listed arrival has a row:
--   without an actual on-block, without a matched traveller, or without an inspected one,
--   the stages that cannot be measured are NULL and missing_reason says why (NULL when
--   everything was measured). Clock correction: the authority's, Immigration's and
--   Customs' systems each keep their own clock, off from the others by a constant per
--   port. Immigration's is the reference. Per port and local date of on-block, two gaps
--   cannot be negative in reality: joining the queue minus on-block (nobody queues before
--   the aircraft or vessel is on block) and inspection start minus clearance (Customs
--   inspects a traveller Immigration has cleared). When the 5th percentile of a gap over
--   all the day's matched travellers is negative (the low percentile, not the minimum, so
--   that a few mismatched records cannot move it), the other system's clock is taken to
--   be off by that much: on-block times are moved earlier by
--   authority_clock_correction_minutes and Customs' times later by
--   customs_clock_correction_minutes (0 when the gap is not negative, NULL when there is
--   no gap to estimate from), and the stages are computed on the corrected times. Only
--   the part of a disagreement that makes times impossible can be seen in the data: an
--   authority clock that is behind, or a Customs clock that is ahead, looks like a longer
--   walk to the hall or to the baggage belt and is not corrected.
WITH stage_groups AS (
    -- One pass over the matched travellers (a view that is costly to compute, and that a
    -- second reference would compute again), each row taken twice: for its port and date
    -- (group_key '', the clock gaps) and for its flight (group_key the flight, the
    -- medians; ingest rejects an empty flight_id, so '' is no flight's). The two-row list
    -- comes first so that the cross join repeats it along each batch of travellers rather
    -- than a batch per traveller.
    SELECT
        t.port,
        t.local_date,
        CASE WHEN g.per_flight THEN t.flight_id ELSE '' END AS group_key,
        percentile_linear(CASE WHEN NOT g.per_flight THEN t.queue_gap_minutes END, 0.05)
            AS queue_gap_p05,
        percentile_linear(CASE WHEN NOT g.per_flight THEN t.customs_gap_minutes END, 0.05)
            AS customs_gap_p05,
        count(DISTINCT CASE WHEN g.per_flight THEN t.record_id END) AS travellers_matched,
        count(DISTINCT CASE WHEN g.per_flight THEN t.inspection_id END)
            AS inspections_matched,
        percentile_linear(
            CASE WHEN g.per_flight THEN CAST(arrow_cast(t.cleared_at, 'Int64') AS DOUBLE) END,
            0.5) AS median_cleared_ms,
        percentile_linear(
            CASE WHEN g.per_flight
                THEN CAST(arrow_cast(t.customs_ended_at, 'Int64') AS DOUBLE) END,
            0.5) AS median_released_ms
    FROM (VALUES (false), (true)) AS g(per_flight)
    CROSS JOIN flight_stage_times t
    GROUP BY t.port, t.local_date, g.per_flight,
        CASE WHEN g.per_flight THEN t.flight_id ELSE '' END
),
measured AS (
    -- Each listed flight with its day's clock gaps (day_measured when the day has any
    -- matched traveller) and its own medians (flight_measured when it has any).
    SELECT
        f.port,
        f.flight_id,
        max(CASE WHEN NOT k.per_flight THEN 1 END) AS day_measured,
        max(CASE WHEN NOT k.per_flight THEN a.queue_gap_p05 END) AS queue_gap_p05,
        max(CASE WHEN NOT k.per_flight THEN a.customs_gap_p05 END) AS customs_gap_p05,
        max(CASE WHEN k.per_flight THEN 1 END) AS flight_measured,
        max(CASE WHEN k.per_flight THEN a.travellers_matched END) AS travellers_matched,
        max(CASE WHEN k.per_flight THEN a.inspections_matched END) AS inspections_matched,
        max(CASE WHEN k.per_flight THEN a.median_cleared_ms END) AS median_cleared_ms,
        max(CASE WHEN k.per_flight THEN a.median_released_ms END) AS median_released_ms
    FROM (VALUES (false), (true)) AS k(per_flight)
    CROSS JOIN flights f
    JOIN stage_groups a
        ON a.port = f.port
        AND a.local_date = f.local_date
        AND a.group_key = CASE WHEN k.per_flight THEN f.flight_id ELSE '' END
    GROUP BY f.port, f.flight_id
),
corrections AS (
    SELECT
        port,
        flight_id,
        travellers_matched,
        inspections_matched,
        median_cleared_ms,
        median_released_ms,
        flight_measured,
        CASE
            WHEN day_measured IS NULL THEN CAST(NULL AS DOUBLE)
            WHEN queue_gap_p05 < 0 THEN -queue_gap_p05
            ELSE 0.0
        END AS authority_clock_correction_minutes,
        CASE
            WHEN customs_gap_p05 IS NULL THEN CAST(NULL AS DOUBLE)
            WHEN customs_gap_p05 < 0 THEN -customs_gap_p05
            ELSE 0.0
        END AS customs_clock_correction_minutes
    FROM measured
),
stages AS (
    SELECT
        f.port,
        f.local_date,
        f.terminal,
        f.flight_id,
        f.carrier,
        f.origin,
        f.scheduled_on_block_at,
        f.actual_on_block_at,
        port_local_time(coalesce(f.actual_on_block_at, f.scheduled_on_block_at), p.zone)
            AS local_on_block,
        p.zone_label,
        f.intl_pax,
        coalesce(m.travellers_matched, 0) AS travellers_matched,
        coalesce(m.inspections_matched, 0) AS inspections_matched,
        (m.median_cleared_ms - arrow_cast(f.actual_on_block_at, 'Int64')) / 60000.0
            + m.authority_clock_correction_minutes AS immigration_minutes,
        (m.median_released_ms - m.median_cleared_ms) / 60000.0
            + m.customs_clock_correction_minutes AS customs_minutes,
        m.authority_clock_correction_minutes,
        m.customs_clock_correction_minutes,
        CASE
            WHEN f.actual_on_block_at IS NULL
                THEN 'no actual on-block (cancelled or not yet arrived)'
            WHEN m.flight_measured IS NULL
                THEN 'no arriving traveller of the flight in the Immigration records'
            WHEN m.inspections_matched = 0
                THEN 'no traveller of the flight inspected by Customs'
        END AS missing_reason
    FROM flights f
    JOIN ports p ON p.port = f.port
    LEFT JOIN corrections m ON m.port = f.port AND m.flight_id = f.flight_id
)
SELECT
    port,
    local_date,
    terminal,
    flight_id,
    carrier,
    origin,
    scheduled_on_block_at,
    actual_on_block_at,
    local_on_block,
    zone_label,
    intl_pax,
    travellers_matched,
    inspections_matched,
    immigration_minutes,
    customs_minutes,
    immigration_minutes + customs_minutes AS door_to_door_minutes,
    CASE WHEN immigration_minutes + customs_minutes > 0
        THEN immigration_minutes / (immigration_minutes + customs_minutes) END
        AS immigration_share,
    CASE WHEN immigration_minutes + customs_minutes > 0
        THEN customs_minutes / (immigration_minutes + customs_minutes) END
        AS customs_share,
    CASE
        WHEN immigration_minutes > customs_minutes THEN 'immigration'
        WHEN customs_minutes > immigration_minutes THEN 'customs'
    END AS longer_stage,
    authority_clock_correction_minutes,
    customs_clock_correction_minutes,
    missing_reason
FROM stages
