-- Hand-worked fixture for kpi_bottleneck_episodes when terminals report the repeated
-- daylight-saving hour differently (see bottleneck_dst_overlap.slt for the arithmetic).
-- JFK is America/New_York; on 2019-11-03 its clocks fell back from 02:00 EDT to 01:00 EST,
-- so local 01:00 happens twice: 05:00 UTC (EDT) and 06:00 UTC (EST).
-- Every row but T1 08:00 has 10 counted, 2 over 30 minutes (pax_31_45): 20%, a
-- bottleneck hour.
-- table: wait_hourly
SELECT * FROM (VALUES
    -- Terminal 4 reports 01:00 once: one 120-minute hour from 05:00 UTC.
    ('JFK', 'Terminal 4', TIMESTAMP '2019-11-03T04:00:00Z', 60, DATE '2019-11-03', 0, 8, 0, 2, 0, 0, 0, 0, 0, 10),
    ('JFK', 'Terminal 4', TIMESTAMP '2019-11-03T05:00:00Z', 120, DATE '2019-11-03', 1, 8, 0, 2, 0, 0, 0, 0, 0, 10),
    ('JFK', 'Terminal 4', TIMESTAMP '2019-11-03T07:00:00Z', 60, DATE '2019-11-03', 2, 8, 0, 2, 0, 0, 0, 0, 0, 10),
    -- Terminal 1 reports 01:00 twice: two 60-minute hours, 05:00 and 06:00 UTC.
    ('JFK', 'Terminal 1', TIMESTAMP '2019-11-03T04:00:00Z', 60, DATE '2019-11-03', 0, 8, 0, 2, 0, 0, 0, 0, 0, 10),
    ('JFK', 'Terminal 1', TIMESTAMP '2019-11-03T05:00:00Z', 60, DATE '2019-11-03', 1, 8, 0, 2, 0, 0, 0, 0, 0, 10),
    ('JFK', 'Terminal 1', TIMESTAMP '2019-11-03T06:00:00Z', 60, DATE '2019-11-03', 1, 8, 0, 2, 0, 0, 0, 0, 0, 10),
    ('JFK', 'Terminal 1', TIMESTAMP '2019-11-03T07:00:00Z', 60, DATE '2019-11-03', 2, 8, 0, 2, 0, 0, 0, 0, 0, 10),
    -- 03:00 EST = 08:00 UTC: counted, nobody over: not a bottleneck, a gap.
    ('JFK', 'Terminal 1', TIMESTAMP '2019-11-03T08:00:00Z', 60, DATE '2019-11-03', 3, 10, 0, 0, 0, 0, 0, 0, 0, 10),
    -- 04:00 EST = 09:00 UTC: a bottleneck hour after the gap.
    ('JFK', 'Terminal 1', TIMESTAMP '2019-11-03T09:00:00Z', 60, DATE '2019-11-03', 4, 8, 0, 2, 0, 0, 0, 0, 0, 10)
) AS t(port, terminal, hour_start, hour_minutes, local_date, local_hour,
       pax_0_15, pax_16_30, pax_31_45, pax_46_60, pax_61_90, pax_91_120, pax_over_120,
       pax_excluded, pax_total)
