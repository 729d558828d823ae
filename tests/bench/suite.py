#!/usr/bin/env python3
"""Benchmark suite: ingest, every KPI on raw tables and every dashboard query on rollups,
Gerbang next to DuckDB on the same Parquet files, on this machine, in one run.

    python3 tests/bench/suite.py [--scale 1] [--days 365] [--runs 3]   # a national year
    python3 tests/bench/suite.py --quick                               # a few minutes

Scale is the generator's: 1 is the national volume, about 32 million Immigration (BCM)
records a year for the 26 Indonesian ports (BPS 2024 arrivals × 2.7; scale 1.25 gives the
domain brief's "about 40 million"). A national year is `--scale 1 --days 365`.

1. Builds the release binary (`cargo build --release --workspace`, in $CARGO_TARGET_DIR,
   default ~/.cache/gerbang/target).
2. Generates the nights of every agency feed for every port (`gerbang generate`, clean), a
   chunk of nights at a time, and lands each chunk (`gerbang ingest`, which also refreshes
   the rollups of the partitions it touched) under /usr/bin/time, deleting the chunk's
   inputs after it landed; the real CBP (JFK) and BPS files land with the first chunk. It
   reports rows landed per second of ingest and the largest peak resident memory of any
   chunk. Before each chunk lands, DuckDB (all cores) converts the same chunk's JSON-lines
   and CSV exports to zstd Parquet (tests/bench/ingest_vs_duckdb.py's conversion), for
   the ingest ratio. It stops if the disk's free space falls under --min-free-gb.
3. Times queries, each run --runs times, and reports the median:
   - every KPI view of `sql/` (`kind: kpi`) as `SELECT * FROM <view>`, over the raw tables;
   - the queries the dashboard's pages send that read the rollups (overview, port page),
     with the parameters a visitor gets by default (the latest week; 28 days where the
     page reads histograms), copied from dashboard/src/data.rs and port_waits.rs.
   Gerbang runs them in one process (`gerbang bench-queries`): opening the lake and
   registering tables and views is not counted, each query's planning, execution and
   collection is. DuckDB runs the same SQL, re-expressed for its dialect (below), over
   exactly the Parquet files the lake's commit log names (read the way
   tests/crosscheck/crosscheck.py reads them) and the rollup objects, and fetches the
   result as Arrow. Row counts of both must agree.
4. Prints one table: rows, Gerbang ms, DuckDB ms and Gerbang / DuckDB per query, then the
   sum and the geometric mean of the ratios per group. --json writes every figure.

Re-expressing the SQL for DuckDB: `arrow_cast(x, 'Int64')` → `epoch_ms(x)`, arrow_cast to
a UTC timestamp → a TIMESTAMPTZ cast, `percentile_linear` → `quantile_cont` (same linear
interpolation), `port_local_time` and `suppress_small` → macros with the same output.
`percentile_from_histogram` has no DuckDB counterpart: it is given to DuckDB as a
vectorised Python (numpy over Arrow) function of the group's buckets, so DuckDB's figures
for the histogram queries include moving the buckets to Python and back. The in-memory
tables (ports, MoU targets, ingest runs) are exported by Gerbang to Parquet once.

Needs GNU time, DuckDB, pyarrow and numpy (`pip install duckdb pyarrow numpy`). Nothing
here is a test: the figures depend on the machine.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "crosscheck"))
from crosscheck import committed_files  # noqa: E402  (reads the commit log like Gerbang)
from ingest_vs_duckdb import DUCKDB_CONVERT, timed  # noqa: E402  (the same conversion and timing)

TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/gerbang/target"))
GERBANG = Path(os.environ.get("GERBANG_BIN", TARGET / "release" / "gerbang"))
KEY = "benchmark-key-not-secret-0123456789abcdef"
REAL_FILES = [
    ROOT / "data/real/cbp-awt/JFK-2018.csv",
    ROOT / "data/real/bps/foreign-arrivals-by-port-2017-2024.xlsx",
]
# The port whose page is timed: the busiest.
PAGE_PORT = "CGK"


# ---------------------------------------------------------------------------------------
# Running things.


def log(message):
    print(message, flush=True)


def gerbang(*args, check=True):
    env = dict(os.environ, GERBANG_PSEUDONYM_KEY=KEY)
    env.pop("GERBANG_CONFIG", None)
    result = subprocess.run([str(GERBANG), *args], capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        sys.exit(f"gerbang {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")
    return result


def timed_gerbang(*args):
    """Runs gerbang under /usr/bin/time; returns (wall seconds, peak MiB)."""
    env = dict(os.environ, GERBANG_PSEUDONYM_KEY=KEY)
    env.pop("GERBANG_CONFIG", None)
    _, seconds, peak = timed([str(GERBANG), *args], env=env)
    return seconds, peak


def free_gb(path):
    return shutil.disk_usage(path).free / 2**30


# ---------------------------------------------------------------------------------------
# Generating and landing.


def duckdb_convert(inbox, out_dir):
    """DuckDB (all cores) converting the chunk's line-based exports (JSON lines and CSV,
    as tests/bench/ingest_vs_duckdb.py does) to zstd Parquet; returns (rows, seconds, peak
    MiB). The workbooks and the police document, which DuckDB has no reader for, are left
    out: 0.7% of the rows of a national year."""
    files = [
        str(path) for path in sorted(inbox.rglob("*"))
        if path.is_file() and path.suffix in (".jsonl", ".csv") and not path.name.startswith("_")
        and path.name not in {real.name for real in REAL_FILES}
    ]
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    out, seconds, peak = timed(
        [sys.executable, "-c", DUCKDB_CONVERT, str(os.cpu_count()), str(out_dir), *files]
    )
    shutil.rmtree(out_dir, ignore_errors=True)
    return int(out.strip()), seconds, peak


def make_lake(args, work):
    lake, inbox = work / "lake", work / "inbox"
    shutil.rmtree(lake, ignore_errors=True)
    shutil.rmtree(inbox, ignore_errors=True)
    first = date.fromisoformat(args.first_night)
    ingest_seconds, generate_seconds, peak = 0.0, 0.0, 0.0
    duckdb_rows, duckdb_seconds, duckdb_peak = 0, 0.0, 0.0
    done = 0
    while done < args.days:
        nights = min(args.chunk_days, args.days - done)
        start = first + timedelta(days=done)
        started = time.monotonic()
        gerbang(
            "generate", "--out", str(inbox), "--from", start.isoformat(), "--days",
            str(nights), "--ports", "all", "--scale", str(args.scale), "--faults", "0",
        )
        generate_seconds += time.monotonic() - started
        if done == 0:
            for path in REAL_FILES:
                shutil.copy(path, inbox / path.name)
        size = sum(p.stat().st_size for p in inbox.rglob("*") if p.is_file()) / 2**20
        # DuckDB first: both read files the generator has just written (in the page cache).
        d_rows, d_seconds, d_peak = duckdb_convert(inbox, work / "duckdb-parquet")
        duckdb_rows += d_rows
        duckdb_seconds += d_seconds
        duckdb_peak = max(duckdb_peak, d_peak)
        seconds, chunk_peak = timed_gerbang("ingest", "--inbox", str(inbox), "--lake", str(lake))
        shutil.rmtree(inbox)
        ingest_seconds += seconds
        peak = max(peak, chunk_peak)
        done += nights
        log(
            f"  nights {start} +{nights}: {size:,.0f} MiB of exports, ingest {seconds:.1f} s, "
            f"peak {chunk_peak:,.0f} MiB; DuckDB converts {d_rows:,} rows in {d_seconds:.1f} s, "
            f"peak {d_peak:,.0f} MiB; {free_gb(work):.1f} GB free"
        )
        if free_gb(work) < args.min_free_gb:
            sys.exit(f"stopping: under {args.min_free_gb} GB free on {work}")
    return lake, {
        "generate_seconds": generate_seconds,
        "ingest_seconds": ingest_seconds,
        "ingest_peak_mib": peak,
        "duckdb_convert_rows": duckdb_rows,
        "duckdb_convert_seconds": duckdb_seconds,
        "duckdb_convert_peak_mib": duckdb_peak,
    }


def lake_counts(lake):
    rows = gerbang(
        "sql", "--lake", str(lake), "--format", "json",
        "SELECT (SELECT sum(rows_in) FROM ingest_runs) AS rows_in, "
        "(SELECT sum(rows_landed) FROM ingest_runs) AS rows_landed, "
        "(SELECT count(*) FROM crossings) AS crossings, "
        "(SELECT min(local_date) FROM crossings) AS first_date, "
        "(SELECT max(local_date) FROM crossings) AS last_date, "
        "(SELECT count(*) FROM rollup_source_crossings) AS stale_rollup_rows",
    ).stdout
    return json.loads(rows.splitlines()[0])


def lake_bytes(lake):
    return sum(p.stat().st_size for p in lake.rglob("*.parquet"))


# ---------------------------------------------------------------------------------------
# The queries.


def kpi_views():
    """(view name, SQL) of every library file, in registration order, and which are KPIs."""
    views = []
    for path in sorted((ROOT / "sql").glob("*.sql")):
        text = path.read_text()
        name = re.search(r"^-- view:\s*(\S+)", text, re.M).group(1)
        kind = re.search(r"^-- kind:\s*(\S+)", text, re.M).group(1)
        views.append((name, kind, text))
    return views


def on_rollups(view_sql):
    return "rollup_" in view_sql


def sql_text(value):
    return "'" + value.replace("'", "''") + "'"


def between(column, first, last):
    return f"{column} BETWEEN DATE '{first}' AND DATE '{last}'"


def bottleneck_hours_sql(conditions):
    """dashboard/src/data.rs `bottleneck_hours_sql` without a terminal filter."""
    return (
        "SELECT h.port, h.hour_start,\n"
        "        min(h.local_date) AS local_date, min(h.local_hour) AS local_hour,\n"
        "        CAST(sum(CASE WHEN h.bucket > m.wait_threshold_minutes THEN h.travellers\n"
        "                      ELSE 0 END) AS DOUBLE) / sum(h.travellers)\n"
        "            > m.max_share_over_threshold AS is_bottleneck\n"
        " FROM rollup_wait_histogram_by_port h JOIN mou_targets m ON m.port = h.port\n"
        f" WHERE h.measure = 'queue_wait'{conditions}\n"
        " GROUP BY h.port, h.hour_start, m.max_share_over_threshold"
    )


def port_weeks_sql(first, last):
    """dashboard/src/data.rs `port_weeks`: the overview, every port, no filters."""
    days = (last - first).days + 1
    previous_first = first - timedelta(days=days)
    fortnight = between("local_date", previous_first, last)
    label = f"CASE WHEN local_date >= DATE '{first}' THEN 'current' ELSE 'previous' END"
    hours = bottleneck_hours_sql(" AND " + between("h.local_date", previous_first, last))
    return f"""WITH traffic AS (
            SELECT port, week, sum(travellers) AS travellers,
                   percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9)
                       AS clearance_p90
            FROM (SELECT port, bucket, travellers, min_minutes, max_minutes, {label} AS week
                  FROM rollup_wait_histogram_by_port
                  WHERE measure = 'clearance' AND {fortnight})
            GROUP BY port, week
        ), bottlenecks AS (
            SELECT port, week, CAST(count(*) AS DOUBLE) AS bottleneck_hours
            FROM (SELECT port, {label} AS week FROM ({hours}) WHERE is_bottleneck)
            GROUP BY port, week
        ), weeks AS (
            SELECT t.port,
                   max(CASE WHEN t.week = 'current' THEN t.travellers END) AS travellers,
                   max(CASE WHEN t.week = 'current' THEN t.clearance_p90 END) AS clearance_p90,
                   max(CASE WHEN t.week = 'current' THEN b.bottleneck_hours END)
                       AS bottleneck_hours,
                   max(CASE WHEN t.week = 'previous' THEN t.travellers END)
                       AS previous_travellers,
                   max(CASE WHEN t.week = 'previous' THEN t.clearance_p90 END)
                       AS previous_clearance_p90,
                   max(CASE WHEN t.week = 'previous' THEN b.bottleneck_hours END)
                       AS previous_bottleneck_hours
            FROM traffic t
            LEFT JOIN bottlenecks b ON b.port = t.port AND b.week = t.week
            GROUP BY t.port
        )
        SELECT p.port, p.name, p.kind, p.zone_label,
               coalesce(w.travellers, 0) AS travellers, w.clearance_p90,
               coalesce(w.bottleneck_hours, 0.0) AS bottleneck_hours,
               w.previous_travellers, w.previous_clearance_p90,
               coalesce(w.previous_bottleneck_hours, 0.0) AS previous_bottleneck_hours,
               m.clearance_p90_target_minutes, m.max_bottleneck_hours_week, m.targets_version
        FROM ports p
        JOIN mou_targets m ON m.port = p.port
        LEFT JOIN weeks w ON w.port = p.port
        WHERE NOT p.benchmark
        ORDER BY p.port"""


def hourly_p90_sql(first, last, port):
    """dashboard/src/data.rs `hourly_clearance_p90` with Source::Histograms."""
    return f"""SELECT port, local_date, local_hour, percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, 0.9) AS value
         FROM rollup_wait_histogram_by_port WHERE measure = 'clearance' AND port IN ({sql_text(port)}) AND {between('local_date', first, last)}
         GROUP BY port, local_date, local_hour
         ORDER BY port, local_date, local_hour"""


def clearance_days_sql(first, last, port):
    """dashboard/src/data.rs `clearance_days` with Source::Histograms."""
    hours = bottleneck_hours_sql(
        f" AND {between('h.local_date', first, last)} AND h.port = {sql_text(port)}"
    )
    pct = "percentile_from_histogram(bucket, travellers, min_minutes, max_minutes, {})"
    return f"""WITH days AS (
            SELECT local_date, sum(travellers) AS travellers,
                   {pct.format(0.5)} AS p50, {pct.format(0.9)} AS p90, {pct.format(0.95)} AS p95
            FROM rollup_wait_histogram_by_port WHERE measure = 'clearance' AND port = {sql_text(port)} AND {between('local_date', first, last)}
            GROUP BY local_date
        ), bottlenecks AS (
            SELECT local_date, CAST(count(*) AS DOUBLE) AS bottleneck_hours
            FROM ({hours}) WHERE is_bottleneck
            GROUP BY local_date
        )
        SELECT d.local_date, d.travellers, d.p50, d.p90, d.p95,
               coalesce(b.bottleneck_hours, 0.0) AS bottleneck_hours
        FROM days d LEFT JOIN bottlenecks b ON b.local_date = d.local_date
        ORDER BY d.local_date"""


def wait_hours_sql(first, last, port):
    """dashboard/src/port_waits.rs `wait_hours`: the port page's heat map."""
    hours = bottleneck_hours_sql(
        f" AND {between('h.local_date', first, last)} AND h.port = {sql_text(port)}"
    )
    return f"""WITH waits AS (
            SELECT local_date, local_hour, sum(counter_travellers) AS counted,
                   sum(queue_wait_minutes_sum) / nullif(sum(counter_travellers), 0)
                       AS mean_wait
            FROM rollup_crossings_hourly
            WHERE port = {sql_text(port)} AND {between('local_date', first, last)}
            GROUP BY local_date, local_hour
        ), hours AS ({hours})
        SELECT w.local_date, w.local_hour, w.counted, w.mean_wait,
               coalesce(h.is_bottleneck, false) AS bottleneck
        FROM waits w
        LEFT JOIN hours h ON h.local_date = w.local_date AND h.local_hour = w.local_hour
        ORDER BY w.local_date, w.local_hour"""


def event_episodes_sql(first, last, port):
    """dashboard/src/data.rs `event_episodes`: the port page's episode timeline (whole
    port and each terminal), over the period and two days either side."""
    window = between("h.local_date", first - timedelta(days=2), last + timedelta(days=2))
    return f"""SELECT terminal, start_ms FROM (
            SELECT h.terminal, arrow_cast(h.hour_start, 'Int64') AS start_ms,
                   CAST(sum(CASE WHEN h.bucket > m.wait_threshold_minutes THEN h.travellers
                                 ELSE 0 END) AS DOUBLE) / sum(h.travellers)
                       > max(m.max_share_over_threshold) AS is_bottleneck
            FROM rollup_wait_histogram h JOIN mou_targets m ON m.port = h.port
            WHERE h.measure = 'queue_wait' AND h.port = {sql_text(port)} AND {window}
            GROUP BY GROUPING SETS ((h.hour_start), (h.terminal, h.hour_start))
         ) WHERE is_bottleneck
         ORDER BY terminal NULLS FIRST, start_ms"""


def dashboard_queries(last):
    week = (last - timedelta(days=6), last)
    month = (last - timedelta(days=27), last)
    return [
        ("overview: every port, week vs week before", port_weeks_sql(*week)),
        ("overview: every port, 28 days vs 28 before", port_weeks_sql(*month)),
        (f"port {PAGE_PORT}: hourly p90, 28 days", hourly_p90_sql(*month, PAGE_PORT)),
        (f"port {PAGE_PORT}: p50/p90/p95 per day, 28 days", clearance_days_sql(*month, PAGE_PORT)),
        (f"port {PAGE_PORT}: wait heat map, week", wait_hours_sql(*week, PAGE_PORT)),
        (f"port {PAGE_PORT}: wait heat map, 28 days", wait_hours_sql(*month, PAGE_PORT)),
        (f"port {PAGE_PORT}: episodes, week", event_episodes_sql(*week, PAGE_PORT)),
    ]


# ---------------------------------------------------------------------------------------
# DuckDB: the same SQL in its dialect.


def call_end(sql, open_paren):
    """Index just past the parenthesis closing the one at `open_paren`."""
    depth, i, quote = 0, open_paren, None
    while i < len(sql):
        c = sql[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced parentheses")


def split_args(inner):
    args, depth, quote, current = [], 0, None, ""
    for c in inner:
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            args.append(current.strip())
            current = ""
            continue
        current += c
    args.append(current.strip())
    return args


def rewrite_calls(sql, name, rewrite):
    """Replaces every call of `name(...)` (innermost first) with rewrite(args, rest), where
    rest is the text after the call; rewrite returns (replacement, characters of rest it
    consumed)."""
    pattern = re.compile(r"\b" + name + r"\s*\(", re.I)
    while True:
        matches = list(pattern.finditer(sql))
        if not matches:
            return sql
        match = matches[-1]
        open_paren = match.end() - 1
        end = call_end(sql, open_paren)
        args = split_args(sql[open_paren + 1 : end - 1])
        replacement, consumed = rewrite(args, sql[end:])
        sql = sql[: match.start()] + replacement + sql[end + consumed :]


def arrow_cast(args, _rest):
    value, target = args
    naive = re.fullmatch(r"CAST\(.*\s+AS\s+TIMESTAMP\)", value, re.S | re.I)
    if target == "'Int64'":
        # DataFusion's TIMESTAMP is in nanoseconds; the lake's timestamps in milliseconds.
        return (f"epoch_ns({value})" if naive else f"epoch_ms({value})"), 0
    if target.startswith("'Timestamp(Millisecond"):
        if naive:
            return f"CAST({value} AS TIMESTAMPTZ)", 0
        return f"CAST(epoch_ms(CAST({value} AS BIGINT)) AS TIMESTAMPTZ)", 0
    raise ValueError(f"no DuckDB form for arrow_cast to {target}")


def histogram_percentile(args, rest):
    bucket, travellers, low, high, p = args
    listed = (
        f"list(struct_pack(b := {bucket}, n := {travellers}, lo := {low}, hi := {high}))"
    )
    consumed = 0
    filtered = re.match(r"\s*FILTER\s*\(", rest, re.I)
    if filtered:
        consumed = call_end(rest, filtered.end() - 1)
        listed += " " + rest[:consumed].strip()
    return f"pfh({listed}, {p})", consumed


def bigint_literals(sql):
    """DataFusion types an integer literal as BIGINT, DuckDB as the smallest integer that
    holds it (`weeks_back * 604800000` overflows INTEGER there): large literals outside
    strings become BIGINT."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"(?<![\w.])(\d{6,})(?![\w.])", r"CAST(\1 AS BIGINT)", parts[i])
    return "".join(parts)


def without_comments(sql):
    out, i, quote = [], 0, None
    while i < len(sql):
        c = sql[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif sql.startswith("--", i):
            i = sql.find("\n", i)
            if i < 0:
                break
            continue
        out.append(c)
        i += 1
    return "".join(out)


def to_duckdb(sql):
    sql = without_comments(sql)
    sql = rewrite_calls(sql, "arrow_cast", arrow_cast)
    sql = rewrite_calls(sql, "percentile_from_histogram", histogram_percentile)
    sql = bigint_literals(sql)
    return re.sub(r"\bpercentile_linear\s*\(", "quantile_cont(", sql)


DUCKDB_MACROS = [
    "CREATE MACRO port_local_time(t, zone) AS strftime(timezone(zone, t), '%Y-%m-%d %H:%M')",
    "CREATE MACRO suppress_small(n) AS "
    "CASE WHEN n >= 1 AND n < 5 THEN '<5' ELSE CAST(n AS VARCHAR) END",
]


def percentile_from_histogram_lists(lists, ps):
    """`percentile_from_histogram` for DuckDB (query/src/rollup/histogram.rs), vectorised
    over a chunk of groups: each row is the list of a group's {b, n, lo, hi} buckets.
    Buckets given twice are merged; rank p × (n − 1); a value at a rank is spread evenly
    from its bucket's smallest to its largest minutes; linear between neighbouring ranks."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    if isinstance(ps, pa.ChunkedArray):
        ps = ps.combine_chunks()
    groups = len(lists)
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    values = lists.flatten()
    b = values.field("b").to_numpy(zero_copy_only=False).astype(np.int64)
    n = values.field("n").to_numpy(zero_copy_only=False).astype(np.int64)
    lo = values.field("lo").to_numpy(zero_copy_only=False).astype(np.float64)
    hi = values.field("hi").to_numpy(zero_copy_only=False).astype(np.float64)
    gid = np.repeat(np.arange(groups, dtype=np.int64), lengths)
    keep = n > 0
    gid, b, n, lo, hi = gid[keep], b[keep], n[keep], lo[keep], hi[keep]
    out = np.full(groups, np.nan)
    if len(n) == 0:
        return pa.array(out, mask=np.isnan(out))
    order = np.lexsort((b, gid))
    gid, b, n, lo, hi = gid[order], b[order], n[order], lo[order], hi[order]
    starts = np.flatnonzero(np.r_[True, (gid[1:] != gid[:-1]) | (b[1:] != b[:-1])])
    N = np.add.reduceat(n, starts)
    LO = np.minimum.reduceat(lo, starts)
    HI = np.maximum.reduceat(hi, starts)
    mg = gid[starts]
    cum = np.cumsum(N)
    before_global = cum - N
    first = np.flatnonzero(np.r_[True, mg[1:] != mg[:-1]])
    base = np.zeros(groups, dtype=np.int64)
    base[mg[first]] = before_global[first]
    total = np.zeros(groups, dtype=np.int64)
    np.add.at(total, mg, N)
    p = ps.to_numpy(zero_copy_only=False).astype(np.float64)
    has = total > 0
    rank = np.where(has, p * (total - 1).astype(np.float64), 0.0)
    lower = np.floor(rank).astype(np.int64)
    upper = np.ceil(rank).astype(np.int64)

    def value_at(r):
        pos = base + r
        idx = np.searchsorted(cum, pos, side="right")
        idx = np.minimum(idx, len(cum) - 1)
        within = (pos - before_global[idx]).astype(np.float64)
        k = N[idx]
        spread = np.where(k > 1, within / np.maximum(k - 1, 1).astype(np.float64), 0.0)
        return np.where(k == 1, LO[idx], LO[idx] + (HI[idx] - LO[idx]) * spread)

    at_lower = value_at(lower)
    at_upper = np.where(upper == lower, at_lower, value_at(upper))
    result = at_lower + (at_upper - at_lower) * (rank - lower)
    out[has] = result[has]
    return pa.array(out, mask=~has)


def duckdb_connection(lake, export, views):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.create_function(
        "pfh",
        percentile_from_histogram_lists,
        ["STRUCT(b BIGINT, n BIGINT, lo DOUBLE, hi DOUBLE)[]", "DOUBLE"],
        "DOUBLE",
        type="arrow",
    )
    for macro in DUCKDB_MACROS:
        con.execute(macro)

    def files_view(name, paths):
        listed = ", ".join(sql_text(str(p)) for p in paths)
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listed}], "
            "hive_partitioning = false)"
        )

    _, files, uncommitted = committed_files(lake)
    if uncommitted:
        sys.exit(f"{len(uncommitted)} uncommitted data files in {lake}: not a clean lake")
    for empty in sorted(export.glob("*.empty.parquet")):
        table = empty.name.removesuffix(".empty.parquet")
        files_view(table, files.get(table) or [empty])
    for table in ("ports", "mou_targets", "mou_exchange_targets", "ingest_runs"):
        files_view(table, [export / f"{table}.parquet"])
    for kind, table in (
        ("crossings_hourly", "rollup_stored_crossings_hourly"),
        ("wait_histogram", "rollup_stored_wait_histogram"),
        ("wait_histogram_by_port", "rollup_stored_wait_histogram_by_port"),
    ):
        stored = sorted((lake / "_rollups" / kind).rglob("*.parquet"))
        files_view(table, stored)
    # Every partition's rollup is fresh (checked before), so the raw crossings the
    # warehouse would roll up on the fly are none.
    files_view("rollup_source_crossings", [export / "crossings.empty.parquet"])
    for name, _, text in views:
        con.execute(f"CREATE VIEW {name} AS {to_duckdb(text)}")
    return con


def time_duckdb(con, queries, runs):
    results = {}
    for name, sql in queries:
        timings, rows, error = [], None, None
        try:
            translated = to_duckdb(sql)
            for _ in range(runs):
                started = time.perf_counter()
                table = con.sql(translated).to_arrow_table()
                timings.append((time.perf_counter() - started) * 1000)
                rows = table.num_rows
                del table
        except Exception as failure:  # noqa: BLE001  (reported in the table)
            error = str(failure).splitlines()[0][:200]
        results[name] = {"rows": rows, "ms": timings, "error": error}
        shown = f"{statistics.median(timings):,.0f} ms" if timings else f"error: {error}"
        log(f"  duckdb  {name}: {rows} rows, {shown}")
    return results


def time_gerbang(lake, queries, runs, work):
    statements = work / "statements.sql"
    statements.write_text(
        "".join(f"-- name: {name}\n{sql}\n" for name, sql in queries)
    )
    env = dict(os.environ)
    env.pop("GERBANG_CONFIG", None)
    process = subprocess.Popen(
        [str(GERBANG), "bench-queries", "--lake", str(lake), "--queries", str(statements),
         "--runs", str(runs)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    results = {}
    for line in process.stdout:
        result = json.loads(line)
        results[result["name"]] = {"rows": result["rows"], "ms": result["ms"], "error": None}
        log(f"  gerbang {result['name']}: {result['rows']} rows, "
            f"{statistics.median(result['ms']):,.0f} ms")
    if process.wait() != 0:
        sys.exit("gerbang bench-queries failed")
    return results


# ---------------------------------------------------------------------------------------
# The table.


def print_table(groups, gerbang_results, duckdb_results):
    lines = []
    header = (f"| {'query':<48} | {'rows':>10} | {'Gerbang ms':>11} | {'DuckDB ms':>10} "
              f"| {'G / D':>6} |")
    summary = []
    for title, names in groups:
        lines.append(f"\n{title}\n")
        lines.append(header)
        lines.append("|" + "|".join("-" * (w + 2) for w in (48, 10, 11, 10, 6)) + "|")
        ratios, g_sum, d_sum = [], 0.0, 0.0
        for name in names:
            g, d = gerbang_results[name], duckdb_results[name]
            g_ms = statistics.median(g["ms"])
            if d["error"] or not d["ms"]:
                lines.append(f"| {name:<48} | {g['rows']:>10,} | {g_ms:>11,.1f} | "
                             f"{'error':>10} | {'-':>6} |")
                continue
            d_ms = statistics.median(d["ms"])
            rows = f"{g['rows']:,}"
            if g["rows"] != d["rows"]:
                rows = f"{g['rows']}≠{d['rows']}"
            ratio = g_ms / d_ms if d_ms > 0 else math.inf
            ratios.append(ratio)
            g_sum += g_ms
            d_sum += d_ms
            lines.append(f"| {name:<48} | {rows:>10} | {g_ms:>11,.1f} | {d_ms:>10,.1f} | "
                         f"{ratio:>6.2f} |")
        if ratios:
            geo = math.exp(sum(math.log(max(r, 1e-9)) for r in ratios) / len(ratios))
            lines.append(f"| {'sum (queries both ran)':<48} | {'':>10} | {g_sum:>11,.1f} | "
                         f"{d_sum:>10,.1f} | {g_sum / d_sum:>6.2f} |")
            lines.append(f"| {'geometric mean of ratios':<48} | {'':>10} | {'':>11} | "
                         f"{'':>10} | {geo:>6.2f} |")
            summary.append({"group": title, "gerbang_ms": g_sum, "duckdb_ms": d_sum,
                            "sum_ratio": g_sum / d_sum, "geomean_ratio": geo})
    text = "\n".join(lines)
    print(text)
    return text, summary


def machine():
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    import duckdb

    return f"{os.cpu_count()} cores, {model}, {memory} RAM; DuckDB {duckdb.__version__}"


def build_release():
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--workspace"],
        cwd=ROOT,
        check=True,
        env=dict(os.environ, CARGO_TARGET_DIR=str(TARGET)),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="generator scale (1 = national volume, ~32M BCM records/year)")
    parser.add_argument("--days", type=int, default=365, help="nights to generate")
    parser.add_argument("--from", dest="first_night", default="2025-01-01")
    parser.add_argument("--chunk-days", type=int, default=31,
                        help="nights generated and landed at a time")
    parser.add_argument("--runs", type=int, default=3, help="runs per query (median)")
    parser.add_argument("--quick", action="store_true",
                        help="a small run: 14 nights at scale 0.05, one run each")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the inbox and lake, outside the repository "
                        "[default: /work/bench-lake/<quick|scale-S-days-D>]")
    parser.add_argument("--reuse-lake", action="store_true",
                        help="time the queries on the lake already in --work")
    parser.add_argument("--min-free-gb", type=float, default=5.0)
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    if args.quick:
        args.scale, args.days, args.chunk_days = 0.05, 14, 7
        args.runs = min(args.runs, 2)
    if not Path("/usr/bin/time").exists():
        sys.exit("needs GNU time: apt-get install time")
    try:
        import duckdb  # noqa: F401
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as missing:
        sys.exit(f"needs {missing.name}: pip install duckdb pyarrow numpy")

    if os.environ.get("GERBANG_BIN"):
        log(f"binary: {GERBANG} (GERBANG_BIN)")
    else:
        log("building gerbang (release) ...")
        build_release()
    work = args.work or Path("/work/bench-lake") / (
        "quick" if args.quick else f"scale-{args.scale:g}-days-{args.days}"
    )
    work.mkdir(parents=True, exist_ok=True)
    figures = {"machine": machine(), "scale": args.scale, "days": args.days,
               "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])}
    if args.reuse_lake:
        lake = work / "lake"
        log(f"lake: {lake} (as it is)")
    else:
        log(f"generating and landing {args.days} nights of every port at scale {args.scale} "
            f"in chunks of {args.chunk_days} ...")
        lake, ingest = make_lake(args, work)
        figures.update(ingest)
        # Repairs any partition whose rollup a later chunk made stale and deletes
        # superseded objects, so the rollup files on disk are exactly the fresh ones.
        gerbang("rollup", "--lake", str(lake))
    counts = lake_counts(lake)
    figures.update(counts)
    figures["lake_bytes"] = lake_bytes(lake)
    if counts["stale_rollup_rows"]:
        sys.exit("some rollup partitions are stale after `gerbang rollup`")
    log(f"lake: {counts['crossings']:,} crossings, {counts['rows_landed']:,} rows landed of "
        f"{counts['rows_in']:,}, local dates {counts['first_date']} to {counts['last_date']}, "
        f"{figures['lake_bytes'] / 2**30:.2f} GiB of Parquet")
    if "ingest_seconds" in figures:
        figures["ingest_rows_per_second"] = counts["rows_in"] / figures["ingest_seconds"]
        log(f"ingest: {counts['rows_in']:,} rows in {figures['ingest_seconds']:.1f} s = "
            f"{figures['ingest_rows_per_second']:,.0f} rows/s, peak "
            f"{figures['ingest_peak_mib']:,.0f} MiB")
        d_rate = figures["duckdb_convert_rows"] / figures["duckdb_convert_seconds"]
        figures["duckdb_convert_rows_per_second"] = d_rate
        log(f"DuckDB converting the line-based exports to Parquet: "
            f"{figures['duckdb_convert_rows']:,} rows in "
            f"{figures['duckdb_convert_seconds']:.1f} s = {d_rate:,.0f} rows/s, peak "
            f"{figures['duckdb_convert_peak_mib']:,.0f} MiB; Gerbang / DuckDB (time per row) "
            f"{d_rate / figures['ingest_rows_per_second']:.2f}")

    views = kpi_views()
    kpis = [(name, f"SELECT * FROM {name}") for name, kind, text in views
            if kind == "kpi" and not on_rollups(text)]
    rollup_kpis = [(name, f"SELECT * FROM {name}") for name, kind, text in views
                   if kind == "kpi" and on_rollups(text)]
    # The dashboard's latest week ends on the last local date of the data.
    last = date.fromisoformat(counts["last_date"])
    pages = dashboard_queries(last)
    queries = kpis + rollup_kpis + pages

    export = work / "export"
    shutil.rmtree(export, ignore_errors=True)
    gerbang("bench-queries", "--lake", str(lake), "--queries", "/dev/null",
            "--export", str(export))
    log(f"timing {len(queries)} queries, {args.runs} runs each: Gerbang ...")
    gerbang_results = time_gerbang(lake, queries, args.runs, work)
    log("... DuckDB ...")
    con = duckdb_connection(lake, export, views)
    duckdb_results = time_duckdb(con, queries, args.runs)

    groups = [
        ("KPI views on raw tables (SELECT * FROM view)", [n for n, _ in kpis]),
        ("KPI views on rollups, whole lake (SELECT * FROM view)", [n for n, _ in rollup_kpis]),
        ("dashboard page queries on rollups", [n for n, _ in pages]),
    ]
    made = "an existing lake" if args.reuse_lake else f"scale {args.scale:g}, {args.days} nights"
    log(f"\n{figures['machine']}\n{made}: {counts['crossings']:,} crossings; "
        f"runs {args.runs}")
    table, summary = print_table(groups, gerbang_results, duckdb_results)
    figures.update({"gerbang": gerbang_results, "duckdb": duckdb_results,
                    "summary": summary, "table": table,
                    "queries": {name: sql for name, sql in queries}})
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    mismatched = [n for n, _ in queries
                  if duckdb_results[n]["rows"] is not None
                  and duckdb_results[n]["rows"] != gerbang_results[n]["rows"]]
    if mismatched:
        log(f"\nrow counts differ for: {', '.join(mismatched)}")


if __name__ == "__main__":
    main()
