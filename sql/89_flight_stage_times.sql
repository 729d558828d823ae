-- view: flight_stage_times
-- kind: helper
-- title_en: Arriving travellers matched to their flight or vessel
-- title_id: Pelintas kedatangan yang dicocokkan dengan penerbangan atau kapalnya
-- unit: timestamps; minutes
-- grain: one row per arriving traveller record matched to an arrived flight or vessel
-- owner: authority, immigration, customs
-- target: none
-- definition: Every Immigration arrival record matched to the flight, vessel or bus
--   service it came on, with that traveller's Customs baggage inspection when there was
--   one. A record's candidates are the authority's arrivals at the same port with the
--   same flight or vessel number (crossings.carrier = flights.carrier) whose actual
--   on-block was between six hours before and one hour after the traveller joined the
--   queue (the hour after allows for the two systems' clocks disagreeing). Numbers repeat
--   from day to day, so a late flight and the next day's early one can both be
--   candidates: the record belongs to the latest of them that was on block when the
--   traveller joined, or else to the first one on block after. An inspection belongs to
--   the matched record with the same port, traveller key (the pseudonymised passport) and
--   flight number cleared between six hours before and one hour after the inspection
--   started (the same traveller on the same number twice within hours would get it twice;
--   it does not happen in practice). Consignments (no traveller key) and departures are
--   never matched. Times are as each agency's system stamped them, on that system's
--   clock; the gaps that cannot be negative in reality are given in minutes for
--   kpi_stage_attribution to estimate the clocks' disagreement: queue_gap_minutes =
--   joined queue - on-block (Immigration's clock minus the authority's) and
--   customs_gap_minutes = inspection start - cleared (Customs' clock minus
--   Immigration's). local_date is the flight's (by on-block).
WITH arrived AS (
    -- The traveller's local date (of joining the queue) is the flight's or a neighbour's:
    -- an equality to join on, so that a daily flight number is not compared with every
    -- day's flight of that number.
    SELECT
        f.port,
        f.local_date,
        f.flight_id,
        f.carrier,
        f.actual_on_block_at,
        f.local_date + CAST(d.day_offset AS INT) AS traveller_date
    FROM flights f
    CROSS JOIN (VALUES (-1), (0), (1)) AS d(day_offset)
    WHERE f.actual_on_block_at IS NOT NULL
),
candidates AS (
    SELECT
        f.port,
        f.local_date,
        f.flight_id,
        f.carrier,
        f.actual_on_block_at AS on_block_at,
        c.local_date AS joined_date,
        c.record_id,
        c.traveller_key,
        c.outcome,
        c.joined_queue_at,
        c.cleared_at
    FROM arrived f
    JOIN crossings c
        ON c.port = f.port
        AND c.carrier = f.carrier
        AND c.local_date = f.traveller_date
        AND c.direction = 'arrival'
        AND c.joined_queue_at >= f.actual_on_block_at - INTERVAL '1 hour'
        AND c.joined_queue_at < f.actual_on_block_at + INTERVAL '6 hours'
),
passengers AS (
    -- The candidate flight, unless another is a better one: on block when the traveller
    -- joined while this one was not, or later while both were, or earlier while neither.
    SELECT *
    FROM candidates p
    WHERE NOT EXISTS (
        SELECT 1
        FROM arrived o
        WHERE o.port = p.port
            AND o.carrier = p.carrier
            AND o.traveller_date = p.joined_date
            AND o.flight_id <> p.flight_id
            AND p.joined_queue_at >= o.actual_on_block_at - INTERVAL '1 hour'
            AND p.joined_queue_at < o.actual_on_block_at + INTERVAL '6 hours'
            AND (
                (o.actual_on_block_at <= p.joined_queue_at
                    AND (p.on_block_at > p.joined_queue_at
                        OR o.actual_on_block_at > p.on_block_at))
                OR (o.actual_on_block_at > p.joined_queue_at
                    AND p.on_block_at > p.joined_queue_at
                    AND o.actual_on_block_at < p.on_block_at)
            )
    )
)
SELECT
    p.port,
    p.local_date,
    p.flight_id,
    p.on_block_at,
    p.record_id,
    p.traveller_key,
    p.outcome,
    p.joined_queue_at,
    p.cleared_at,
    i.inspection_id,
    i.started_at AS customs_started_at,
    i.ended_at AS customs_ended_at,
    (arrow_cast(p.joined_queue_at, 'Int64') - arrow_cast(p.on_block_at, 'Int64')) / 60000.0
        AS queue_gap_minutes,
    (arrow_cast(i.started_at, 'Int64') - arrow_cast(p.cleared_at, 'Int64')) / 60000.0
        AS customs_gap_minutes
FROM passengers p
LEFT JOIN customs_inspections i
    ON i.port = p.port
    AND i.traveller_key = p.traveller_key
    AND i.carrier = p.carrier
    AND i.started_at >= p.cleared_at - INTERVAL '1 hour'
    AND i.started_at < p.cleared_at + INTERVAL '6 hours'
