-- Hand-worked fixture for kpi_throughput_staffed_hourly (see throughput_staffed.slt for the
-- arithmetic). Times are UTC; CGK and JOG are WIB (UTC+7).
-- table: crossings
SELECT * FROM (VALUES
    -- CGK T3, cleared 01:xx (08:00 WIB): six arrivals at counters ...
    ('CGK', 'T3', 'counter', 'arrival', 'a1', TIMESTAMP '2026-10-20T00:50:00Z', TIMESTAMP '2026-10-20T01:02:00Z'),
    ('CGK', 'T3', 'counter', 'arrival', 'a2', TIMESTAMP '2026-10-20T00:55:00Z', TIMESTAMP '2026-10-20T01:10:00Z'),
    ('CGK', 'T3', 'counter', 'arrival', 'a3', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:15:00Z'),
    ('CGK', 'T3', 'counter', 'arrival', 'a4', TIMESTAMP '2026-10-20T01:05:00Z', TIMESTAMP '2026-10-20T01:20:00Z'),
    ('CGK', 'T3', 'counter', 'arrival', 'a5', TIMESTAMP '2026-10-20T01:10:00Z', TIMESTAMP '2026-10-20T01:30:00Z'),
    ('CGK', 'T3', 'counter', 'arrival', 'a6', TIMESTAMP '2026-10-20T01:40:00Z', TIMESTAMP '2026-10-20T01:59:00Z'),
    -- ... and an arrival at an autogate and a departure at a counter, both left out.
    ('CGK', 'T3', 'autogate', 'arrival', 'g1', TIMESTAMP '2026-10-20T01:10:00Z', TIMESTAMP '2026-10-20T01:12:00Z'),
    ('CGK', 'T3', 'counter', 'departure', 'd1', TIMESTAMP '2026-10-20T01:20:00Z', TIMESTAMP '2026-10-20T01:25:00Z'),
    -- CGK T2, cleared 01:xx: four arrivals at counters.
    ('CGK', 'T2', 'counter', 'arrival', 'b1', TIMESTAMP '2026-10-20T01:20:00Z', TIMESTAMP '2026-10-20T01:30:00Z'),
    ('CGK', 'T2', 'counter', 'arrival', 'b2', TIMESTAMP '2026-10-20T01:25:00Z', TIMESTAMP '2026-10-20T01:40:00Z'),
    ('CGK', 'T2', 'counter', 'arrival', 'b3', TIMESTAMP '2026-10-20T01:30:00Z', TIMESTAMP '2026-10-20T01:50:00Z'),
    ('CGK', 'T2', 'counter', 'arrival', 'b4', TIMESTAMP '2026-10-20T01:35:00Z', TIMESTAMP '2026-10-20T01:55:00Z'),
    -- CGK T3, cleared 02:xx (09:00 WIB) although they joined at 01:xx.
    ('CGK', 'T3', 'counter', 'arrival', 'a7', TIMESTAMP '2026-10-20T01:45:00Z', TIMESTAMP '2026-10-20T02:05:00Z'),
    ('CGK', 'T3', 'counter', 'arrival', 'a8', TIMESTAMP '2026-10-20T01:50:00Z', TIMESTAMP '2026-10-20T02:10:00Z'),
    -- CGK T3, cleared 04:xx (11:00 WIB).
    ('CGK', 'T3', 'counter', 'arrival', 'a9', TIMESTAMP '2026-10-20T03:55:00Z', TIMESTAMP '2026-10-20T04:10:00Z'),
    ('CGK', 'T3', 'counter', 'arrival', 'a10', TIMESTAMP '2026-10-20T04:05:00Z', TIMESTAMP '2026-10-20T04:20:00Z'),
    -- JOG: 14:15 WIB, and 00:40 WIB on the 21st.
    ('JOG', 'INTL', 'counter', 'arrival', 'j1', TIMESTAMP '2026-10-20T06:50:00Z', TIMESTAMP '2026-10-20T07:15:00Z'),
    ('JOG', 'INTL', 'counter', 'arrival', 'j2', TIMESTAMP '2026-10-20T17:15:00Z', TIMESTAMP '2026-10-20T17:40:00Z')
) AS t(port, terminal, lane_kind, direction, record_id, joined_queue_at, cleared_at)
-- table: flights
SELECT * FROM (VALUES
    ('CGK', 'T3', 'CGK-20261020-F1', TIMESTAMP '2026-10-20T01:00:00Z', TIMESTAMP '2026-10-20T01:05:00Z', 4),
    -- Two lanes halted by a joint operation when F2 came on block.
    ('CGK', 'T3', 'CGK-20261020-F2', TIMESTAMP '2026-10-20T01:30:00Z', TIMESTAMP '2026-10-20T01:40:00Z', 2),
    -- Cancelled: no actual on-block, its figure is not used.
    ('CGK', 'T3', 'CGK-20261020-F3', TIMESTAMP '2026-10-20T01:30:00Z', NULL, 20),
    ('CGK', 'T2', 'CGK-20261020-F4', TIMESTAMP '2026-10-20T01:15:00Z', TIMESTAMP '2026-10-20T01:20:00Z', 2),
    ('CGK', 'T2', 'CGK-20261020-F5', TIMESTAMP '2026-10-20T02:20:00Z', TIMESTAMP '2026-10-20T02:30:00Z', 3),
    -- Scheduled 03:40, on block 04:00: it counts for 04:00.
    ('CGK', 'T3', 'CGK-20261020-F7', TIMESTAMP '2026-10-20T03:40:00Z', TIMESTAMP '2026-10-20T04:00:00Z', 5),
    ('JOG', 'INTL', 'JOG-20261020-F8', TIMESTAMP '2026-10-20T07:00:00Z', TIMESTAMP '2026-10-20T07:05:00Z', 0),
    ('JOG', 'INTL', 'JOG-20261020-F9', TIMESTAMP '2026-10-20T17:00:00Z', TIMESTAMP '2026-10-20T17:10:00Z', 2)
) AS t(port, terminal, flight_id, scheduled_on_block_at, actual_on_block_at, counters_staffed)
