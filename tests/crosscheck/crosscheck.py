#!/usr/bin/env python3
"""Independent cross-check of Gerbang's KPIs: DuckDB on the same lake against `gerbang sql`.

    python3 tests/crosscheck/crosscheck.py --lake LAKE_DIR --gerbang path/to/gerbang

The script reads the lake's committed Parquet files with DuckDB and computes a handful of
KPIs straight from the definitions leadership signed off (the domain brief), without
Gerbang's SQL views:

1. passenger totals: travellers per port and local date (`crossings`), and passengers per
   airport, terminal and local date from hourly wait reports (`wait_hourly`);
2. bottleneck hours per port and per port + terminal, from traveller events (share of the
   travellers with a recorded queue wait who waited longer than T, in the hour they joined
   the queue) and from hourly wait reports (passengers in the wait buckets above T over
   total minus excluded); a bottleneck hour has MORE than the MoU share over T, and an
   hour in which nobody was counted never is one;
3. bottleneck episodes: maximal runs of bottleneck hours whose starts are exactly one hour
   apart in UTC, with count, total hours, longest, and each episode's start and end;
4. clearance time (cleared - joined queue) per port and local date, and per local hour:
   travellers and p90 (DuckDB's quantile_cont: linear interpolation).

It then asks Gerbang the same questions through its KPI views (`gerbang sql --format
json`) and compares: counts, flags, times and episodes exactly, real numbers within 1e-9
relative. It prints what was compared and exits 0 when everything agrees, 1 with the
first mismatches when anything differs, and 2 when it could not run.

Only files named by the lake's commit objects (`_gerbang_log/<version>.json`) are read,
exactly as Gerbang's reader does, so the data files of a run that died before committing
are not counted. Local dates and hours are worked out here from the UTC times and each
port's IANA zone in `data/ports.csv`; T and the share come from `data/mou-targets.toml`
unless `--threshold-minutes` / `--max-share` say otherwise (which is how a test shows that
a real difference is caught).
"""

import argparse
import csv
import json
import math
import re
import subprocess
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = "_gerbang_log"
HOUR_MS = 3_600_000
# Wait buckets of hourly reports: column, lower and upper edge in minutes, (lower, upper].
WAIT_BUCKETS = [
    ("pax_0_15", 0, 15),
    ("pax_16_30", 15, 30),
    ("pax_31_45", 30, 45),
    ("pax_46_60", 45, 60),
    ("pax_61_90", 60, 90),
    ("pax_91_120", 90, 120),
    ("pax_over_120", 120, math.inf),
]
REL_TOLERANCE = 1e-9
# Only for values that should be zero, where a relative tolerance means nothing.
ABS_TOLERANCE = 1e-12
# What is compared for every counted hour.
HOUR_FIELDS = [
    "hour_end_ms",
    "local_date",
    "local_hour",
    "travellers_counted",
    "travellers_over_threshold",
    "share_over_threshold",
    "is_bottleneck",
]
EPISODE_FIELDS = ["end_ms", "hours", "local_start", "local_end", "zone_label"]
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class SetupError(Exception):
    """The cross-check could not run (not a mismatch)."""


# ---------------------------------------------------------------------------------------
# The lake: committed files only.


def committed_files(lake):
    """Every data file named by a commit, per table, in commit order; plus the lake version
    and the Parquet files on disk that no commit names (left by runs that never committed).
    """
    log = lake / LOG_DIR
    commits = []
    if log.is_dir():
        for entry in log.iterdir():
            match = re.fullmatch(r"(\d+)\.json", entry.name)
            if not match:
                continue
            version = int(match.group(1))
            try:
                commit = json.loads(entry.read_text())
            except (OSError, ValueError) as error:
                raise SetupError(f"commit {entry} could not be read: {error}") from error
            if commit.get("version") != version:
                raise SetupError(
                    f"commit {entry} says it is version {commit.get('version')}"
                )
            commits.append((version, commit))
    commits.sort(key=lambda pair: pair[0])
    files = {}
    named = set()
    for _, commit in commits:
        for data_file in commit.get("files", []):
            path = lake / data_file["path"]
            if not path.is_file():
                raise SetupError(
                    f"commit {commit['version']} names {data_file['path']}, "
                    "which is not in the lake"
                )
            files.setdefault(data_file["table"], []).append(path)
            named.add(path.resolve())
    # Rollups (`_rollups/`, derived data Gerbang rewrites after each run) and the query
    # audit (`_audit/`) are not data files of a commit and are not counted as leftovers.
    uncommitted = sorted(
        p
        for p in lake.rglob("*.parquet")
        if LOG_DIR not in p.parts
        and "_rollups" not in p.parts
        and "_audit" not in p.parts
        and p.resolve() not in named
    )
    version = commits[-1][0] if commits else 0
    return version, files, uncommitted


def load_table(con, name, paths, empty_columns):
    """Registers `name` over exactly `paths` (an empty table when there are none)."""
    if paths:
        listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        con.execute(
            f"CREATE TEMP VIEW {name} AS SELECT * FROM read_parquet([{listed}], "
            "hive_partitioning = false)"
        )
    else:
        con.execute(f"CREATE TEMP TABLE {name} ({empty_columns})")


# ---------------------------------------------------------------------------------------
# Reference data: zones and MoU targets.


def read_zones(ports_csv):
    with open(ports_csv, newline="") as f:
        return {row["code"]: row["zone"] for row in csv.DictReader(f)}


def read_targets(targets_toml, ports, threshold_override, share_override):
    """T and the share per port: national values, a port's own where the file gives one,
    and the command line's above both."""
    with open(targets_toml, "rb") as f:
        targets = tomllib.load(f)
    national = targets["bottleneck"]
    exceptions = {p["code"]: p for p in targets.get("port", [])}
    per_port = {}
    for port in ports:
        own = exceptions.get(port, {})
        threshold = own.get("wait_threshold_minutes", national["wait_threshold_minutes"])
        share = own.get("max_share_over_threshold", national["max_share_over_threshold"])
        if threshold_override is not None:
            threshold = threshold_override
        if share_override is not None:
            share = share_override
        edges = {edge for _, low, high in WAIT_BUCKETS for edge in (low, high)}
        if threshold not in edges:
            raise SetupError(
                f"T = {threshold} minutes for {port} is not a wait-bucket edge "
                "(15, 30, 45, 60, 90, 120): hourly reports cannot be counted against it"
            )
        per_port[port] = (float(threshold), float(share))
    return targets.get("version", "?"), per_port


# ---------------------------------------------------------------------------------------
# The independent computation.


def independent_kpis(con):
    """Every KPI from the lake's tables, as Python rows keyed for comparison."""
    con.execute(
        """
        CREATE TEMP TABLE traveller AS
        SELECT
            c.port,
            c.terminal,
            epoch_ms(c.joined_queue_at) AS joined_ms,
            epoch_ms(c.reached_counter_at) AS reached_ms,
            epoch_ms(c.cleared_at) AS cleared_ms,
            timezone(z.zone, c.joined_queue_at) AS joined_local
        FROM crossings c
        JOIN zones z ON z.port = c.port
        """
    )
    con.execute(
        """
        CREATE TEMP TABLE traveller_times AS
        SELECT
            port,
            terminal,
            CAST(CAST(joined_local AS DATE) AS VARCHAR) AS local_date,
            hour(joined_local) AS local_hour,
            -- The UTC instant at which the traveller's local hour began.
            joined_ms - (epoch_ms(joined_local) - epoch_ms(date_trunc('hour', joined_local)))
                AS hour_start_ms,
            CAST(cleared_ms - joined_ms AS DOUBLE) / 60000 AS clearance_minutes,
            reached_ms - joined_ms AS queue_wait_ms
        FROM traveller
        """
    )
    kpis = {}
    kpis["passengers_daily"] = keyed(
        con.execute(
            """
            SELECT port, local_date, count(*) AS travellers,
                   quantile_cont(clearance_minutes, 0.9) AS clearance_p90
            FROM traveller_times
            GROUP BY port, local_date
            """
        ),
        ["port", "local_date"],
    )
    kpis["clearance_hourly"] = keyed(
        con.execute(
            """
            SELECT port, local_date, local_hour, count(*) AS travellers,
                   quantile_cont(clearance_minutes, 0.9) AS clearance_p90
            FROM traveller_times
            GROUP BY port, local_date, local_hour
            """
        ),
        ["port", "local_date", "local_hour"],
    )
    kpis["report_pax_daily"] = keyed(
        con.execute(
            """
            SELECT port, terminal, CAST(local_date AS VARCHAR) AS local_date,
                   sum(pax_total) AS pax_total, sum(pax_excluded) AS pax_excluded
            FROM wait_hourly
            GROUP BY port, terminal, local_date
            """
        ),
        ["port", "terminal", "local_date"],
    )

    # Bottleneck hours from traveller events: a traveller counts in the UTC hour in which
    # their local hour of joining the queue began, when their queue wait was recorded.
    event_hours = []
    for by_terminal in (False, True):
        terminal = "t.terminal" if by_terminal else "NULL"
        group = "t.port, t.terminal" if by_terminal else "t.port"
        event_hours += rows_of(
            con.execute(
                f"""
                SELECT
                    t.port,
                    {terminal} AS terminal,
                    'events' AS source,
                    t.hour_start_ms,
                    60 AS hour_minutes,
                    min(t.local_date) AS local_date,
                    min(t.local_hour) AS local_hour,
                    count(t.queue_wait_ms) AS counted,
                    count(*) FILTER (WHERE t.queue_wait_ms > g.threshold_minutes * 60000)
                        AS over_threshold
                FROM traveller_times t
                JOIN targets g ON g.port = t.port
                GROUP BY {group}, t.hour_start_ms
                """
            )
        )
    # From hourly wait reports: a bucket (low, high] is above T when its low edge is at
    # least T (T is always an edge, checked when the targets were read).
    over = " + ".join(
        f"CASE WHEN {low} >= g.threshold_minutes THEN w.{column} ELSE 0 END"
        for column, low, _ in WAIT_BUCKETS
    )
    con.execute(
        f"""
        CREATE TEMP TABLE report_row AS
        SELECT
            w.port,
            w.terminal,
            epoch_ms(w.hour_start) AS hour_start_ms,
            w.hour_minutes,
            CAST(w.local_date AS VARCHAR) AS local_date,
            w.local_hour,
            w.pax_total - w.pax_excluded AS counted,
            {over} AS over_threshold
        FROM wait_hourly w
        JOIN targets g ON g.port = w.port
        """
    )
    report_hours = []
    for by_terminal in (False, True):
        terminal = "terminal" if by_terminal else "NULL"
        group = "port, terminal" if by_terminal else "port"
        report_hours += rows_of(
            con.execute(
                f"""
                SELECT port, {terminal} AS terminal, 'hourly_report' AS source,
                       hour_start_ms, max(hour_minutes) AS hour_minutes,
                       min(local_date) AS local_date, min(local_hour) AS local_hour,
                       sum(counted) AS counted, sum(over_threshold) AS over_threshold
                FROM report_row
                GROUP BY {group}, hour_start_ms
                """
            )
        )
    return kpis, event_hours + report_hours


def rows_of(cursor):
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


class Keyed(dict):
    """Rows by key; a key given twice is kept once and remembered as a mismatch."""

    def __init__(self):
        super().__init__()
        self.duplicates = []


def keyed(rows, key, fields=None):
    """Rows (a cursor or dicts) as {key tuple: row}."""
    if not isinstance(rows, list):
        rows = rows_of(rows)
    out = Keyed()
    for row in rows:
        k = tuple(row.get(column) for column in key)
        if k in out:
            out.duplicates.append(k)
        out[k] = row if fields is None else {f: row.get(f) for f in fields}
    return out


def bottleneck_hours(hours, targets):
    """Each counted hour with its share and whether it is a bottleneck hour."""
    out = {}
    for h in hours:
        _, share_limit = targets[h["port"]]
        counted, over_threshold = int(h["counted"]), int(h["over_threshold"])
        share = over_threshold / counted if counted > 0 else None
        key = (h["port"], h["terminal"], h["source"], h["hour_start_ms"])
        out[key] = {
            "hour_end_ms": h["hour_start_ms"] + h["hour_minutes"] * 60_000,
            "local_date": h["local_date"],
            "local_hour": h["local_hour"],
            "travellers_counted": counted,
            "travellers_over_threshold": over_threshold,
            "share_over_threshold": share,
            "is_bottleneck": share is not None and share > share_limit,
        }
    return out


def local_time(ms, zone):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).astimezone(ZoneInfo(zone))


def bottleneck_episodes(hours, zones):
    """Maximal runs of bottleneck hours whose starts are one hour apart in UTC. A reported
    hour longer than one (the local hour daylight saving repeats, reported once) covers
    each UTC hour in it."""
    starts = {}
    for (port, terminal, source, start), h in hours.items():
        if h["is_bottleneck"]:
            slots = starts.setdefault((port, terminal, source), set())
            slots.update(range(start, h["hour_end_ms"], HOUR_MS))
    episodes = {}
    for (port, terminal, source), slots in starts.items():
        run = []
        for slot in sorted(slots) + [None]:
            if run and (slot is None or slot - run[-1] != HOUR_MS):
                start, end = run[0], run[-1] + HOUR_MS
                zone = zones[port]
                episodes[(port, terminal, source, start)] = {
                    "end_ms": end,
                    "hours": float(len(run)),
                    "local_start": local_time(start, zone).strftime("%Y-%m-%d %H:%M"),
                    "local_end": local_time(end, zone).strftime("%Y-%m-%d %H:%M"),
                    "zone_label": ZONE_LABELS.get(zone, zone),
                }
                run = []
            if slot is not None:
                run.append(slot)
    return episodes


def bottleneck_summary(hours, episodes):
    """Per port (terminal None) or port + terminal, and feed kind: bottleneck hours as
    rows and as UTC hours, episodes, longest and total episode hours."""
    summary = {}
    for (port, terminal, source, start), h in hours.items():
        s = summary.setdefault((port, terminal, source), empty_summary())
        if h["is_bottleneck"]:
            s["bottleneck_hour_rows"] += 1
            s["bottleneck_hours"] += (h["hour_end_ms"] - start) / HOUR_MS
    for (port, terminal, source, _), e in episodes.items():
        s = summary.setdefault((port, terminal, source), empty_summary())
        s["episodes"] += 1
        s["episode_hours"] += e["hours"]
        s["longest_episode_hours"] = max(s["longest_episode_hours"], e["hours"])
    return summary


def empty_summary():
    return {
        "bottleneck_hour_rows": 0,
        "bottleneck_hours": 0.0,
        "episodes": 0,
        "longest_episode_hours": 0.0,
        "episode_hours": 0.0,
    }


# ---------------------------------------------------------------------------------------
# Gerbang's answers.


def gerbang_rows(binary, lake, query):
    try:
        result = subprocess.run(
            [str(binary), "sql", "--lake", str(lake), "--format", "json", query],
            capture_output=True,
            text=True,
        )
    except OSError as error:
        raise SetupError(f"could not run {binary}: {error}") from error
    if result.returncode != 0:
        raise SetupError(f"gerbang sql failed on\n{query}\n{result.stderr.strip()}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def gerbang_kpis(binary, lake):
    """The same KPIs from Gerbang's views."""

    def ask(query):
        return gerbang_rows(binary, lake, query)

    kpis = {}
    kpis["passengers_daily"] = keyed(
        ask(
            """
            SELECT s.port, s.local_date, s.travellers, d.clearance_p90
            FROM kpi_service_level_daily s
            JOIN (SELECT port, local_date,
                         percentile_linear(clearance_minutes, 0.9) AS clearance_p90
                  FROM crossing_times GROUP BY port, local_date) d
              ON d.port = s.port AND d.local_date = s.local_date
            """
        ),
        ["port", "local_date"],
    )
    kpis["clearance_hourly"] = keyed(
        ask(
            "SELECT port, local_date, local_hour, travellers, clearance_p90 "
            "FROM kpi_clearance_hourly"
        ),
        ["port", "local_date", "local_hour"],
    )
    kpis["report_pax_daily"] = keyed(
        ask(
            "SELECT port, terminal, local_date, sum(pax_total) AS pax_total, "
            "sum(pax_excluded) AS pax_excluded FROM wait_hourly "
            "GROUP BY port, terminal, local_date"
        ),
        ["port", "terminal", "local_date"],
    )
    hours = keyed(
        ask(
            """
            SELECT port, terminal, source,
                   arrow_cast(hour_start, 'Int64') AS hour_start_ms,
                   arrow_cast(hour_end, 'Int64') AS hour_end_ms,
                   local_date, local_hour, travellers_counted, travellers_over_threshold,
                   share_over_threshold, is_bottleneck
            FROM kpi_bottleneck_hours
            """
        ),
        ["port", "terminal", "source", "hour_start_ms"],
        HOUR_FIELDS,
    )
    episodes = keyed(
        ask(
            """
            SELECT port, terminal, source,
                   arrow_cast(episode_start, 'Int64') AS start_ms,
                   arrow_cast(episode_end, 'Int64') AS end_ms,
                   hours, local_start, local_end, zone_label
            FROM kpi_bottleneck_episodes
            """
        ),
        ["port", "terminal", "source", "start_ms"],
        EPISODE_FIELDS,
    )
    summary = keyed(
        ask(
            """
            WITH h AS (
                SELECT port, coalesce(terminal, '') AS terminal_key, source,
                       sum(CASE WHEN is_bottleneck THEN 1 ELSE 0 END)
                           AS bottleneck_hour_rows,
                       sum(CASE WHEN is_bottleneck THEN (arrow_cast(hour_end, 'Int64')
                           - arrow_cast(hour_start, 'Int64')) / 3600000.0 ELSE 0.0 END)
                           AS bottleneck_hours
                FROM kpi_bottleneck_hours
                GROUP BY port, coalesce(terminal, ''), source
            ), e AS (
                SELECT port, coalesce(terminal, '') AS terminal_key, source,
                       count(*) AS episodes, max(hours) AS longest_episode_hours,
                       sum(hours) AS episode_hours
                FROM kpi_bottleneck_episodes
                GROUP BY port, coalesce(terminal, ''), source
            )
            SELECT h.port, nullif(h.terminal_key, '') AS terminal, h.source,
                   h.bottleneck_hour_rows, h.bottleneck_hours,
                   coalesce(e.episodes, 0) AS episodes,
                   coalesce(e.longest_episode_hours, 0.0) AS longest_episode_hours,
                   coalesce(e.episode_hours, 0.0) AS episode_hours
            FROM h LEFT JOIN e
              ON e.port = h.port AND e.terminal_key = h.terminal_key AND e.source = h.source
            """
        ),
        ["port", "terminal", "source"],
        list(empty_summary()),
    )
    return kpis, hours, episodes, summary


# ---------------------------------------------------------------------------------------
# Comparing.


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)
    return a == b


def compare(name, ours, theirs, fields):
    """Mismatch messages between two {key: row} maps over `fields`."""
    mismatches = []
    for side, rows in (("the cross-check", ours), ("Gerbang", theirs)):
        for key in getattr(rows, "duplicates", []):
            mismatches.append(f"{name} {show_key(key)}: more than one row in {side}")
    for key in sorted(ours.keys() | theirs.keys(), key=sort_key):
        mine, gerbang = ours.get(key), theirs.get(key)
        if gerbang is None:
            mismatches.append(f"{name} {show_key(key)}: only in the cross-check: {mine}")
        elif mine is None:
            mismatches.append(f"{name} {show_key(key)}: only in Gerbang: {gerbang}")
        else:
            for field in fields:
                a, b = mine.get(field), gerbang.get(field)
                if isinstance(a, int) and not isinstance(a, bool) and isinstance(b, float):
                    a = float(a)
                if not same(a, b):
                    mismatches.append(
                        f"{name} {show_key(key)}: {field} cross-check {a!r} != Gerbang {b!r}"
                    )
    return mismatches


def sort_key(key):
    return tuple((v is not None, v if v is not None else "") for v in key)


def show_key(key):
    parts = []
    for value in key:
        if value is None:
            parts.append("(port)")
        elif isinstance(value, int) and value > 10**11:
            utc = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
            parts.append(utc.strftime("%Y-%m-%dT%H:%MZ"))
        else:
            parts.append(str(value))
    return " ".join(parts)


def main():
    parser = argparse.ArgumentParser(
        description="Cross-check Gerbang's KPIs with an independent DuckDB computation."
    )
    parser.add_argument("--lake", required=True, type=Path, help="lake folder")
    parser.add_argument("--gerbang", required=True, type=Path, help="the gerbang binary")
    parser.add_argument("--targets", type=Path, default=ROOT / "data/mou-targets.toml")
    parser.add_argument("--ports", type=Path, default=ROOT / "data/ports.csv")
    parser.add_argument(
        "--threshold-minutes",
        type=float,
        help="use this T instead of the targets file's (Gerbang keeps its own)",
    )
    parser.add_argument(
        "--max-share",
        type=float,
        help="use this share instead of the targets file's (Gerbang keeps its own)",
    )
    parser.add_argument(
        "--summary-json", type=Path, help="also write what was compared, as JSON"
    )
    parser.add_argument(
        "--show", type=int, default=10, help="how many mismatches to print (default 10)"
    )
    args = parser.parse_args()
    try:
        return crosscheck(args)
    except SetupError as error:
        print(f"crosscheck: {error}", file=sys.stderr)
        return 2


def crosscheck(args):
    try:
        import duckdb
    except ImportError:
        raise SetupError(
            "DuckDB's Python package is missing; "
            "install it with `python3 -m pip install duckdb`"
        ) from None
    lake = args.lake
    if not lake.is_dir():
        raise SetupError(f"{lake} is not a lake folder (this script reads local lakes only)")
    version, files, uncommitted = committed_files(lake)
    zones = read_zones(args.ports)
    targets_version, targets = read_targets(
        args.targets, zones, args.threshold_minutes, args.max_share
    )

    con = duckdb.connect()
    load_lake(con, files, zones, targets, args.ports)
    rows = con.execute(
        "SELECT (SELECT count(*) FROM crossings) + (SELECT count(*) FROM wait_hourly)"
    ).fetchone()[0]
    if rows == 0:
        raise SetupError(
            f"nothing to compare: the lake {lake} has no committed crossings or wait_hourly "
            "rows (ingest something first)"
        )
    kpis, raw_hours = independent_kpis(con)
    hours = bottleneck_hours(raw_hours, targets)
    episodes = bottleneck_episodes(hours, zones)
    summary = bottleneck_summary(hours, episodes)
    g_kpis, g_hours, g_episodes, g_summary = gerbang_kpis(args.gerbang, lake)

    checks = [
        (
            "travellers and clearance p90 per port, local date",
            "passengers_daily",
            kpis["passengers_daily"],
            g_kpis["passengers_daily"],
            ["travellers", "clearance_p90"],
        ),
        (
            "travellers and clearance p90 per port, local hour",
            "clearance_hourly",
            kpis["clearance_hourly"],
            g_kpis["clearance_hourly"],
            ["travellers", "clearance_p90"],
        ),
        (
            "report passengers per airport, terminal, day",
            "report_pax_daily",
            kpis["report_pax_daily"],
            g_kpis["report_pax_daily"],
            ["pax_total", "pax_excluded"],
        ),
        ("bottleneck hours (every counted hour)", "bottleneck_hours", hours, g_hours,
         HOUR_FIELDS),
        ("bottleneck episodes", "bottleneck_episodes", episodes, g_episodes, EPISODE_FIELDS),
        (
            "bottleneck totals per port/terminal, feed",
            "bottleneck_summary",
            summary,
            g_summary,
            list(empty_summary()),
        ),
    ]

    thresholds = sorted({t for t, _ in targets.values()})
    shares = sorted({s for _, s in targets.values()})
    overridden = args.threshold_minutes is not None or args.max_share is not None
    read = ", ".join(f"{len(files.get(t, []))} {t} files" for t in ("crossings", "wait_hourly"))
    print(
        f"cross-check of lake {lake} (version {version}): read {read}; "
        f"{len(uncommitted)} uncommitted files ignored"
    )
    print(
        f"T = {', '.join(f'{t:g}' for t in thresholds)} minutes, bottleneck share > "
        f"{', '.join(f'{s:g}' for s in shares)} (targets {targets_version}"
        + (", overridden on the command line)" if overridden else ")")
    )
    print()
    print(f"{'KPI':<52} {'DuckDB':>9} {'Gerbang':>9} {'mismatches':>11}")
    all_mismatches = []
    compared = []
    for title, name, ours, theirs, fields in checks:
        mismatches = compare(name, ours, theirs, fields)
        all_mismatches += mismatches
        compared.append(
            {
                "kpi": name,
                "title": title,
                "crosscheck_rows": len(ours),
                "gerbang_rows": len(theirs),
                "mismatches": len(mismatches),
            }
        )
        print(f"{title:<52} {len(ours):>9} {len(theirs):>9} {len(mismatches):>11}")
    print_bottleneck_summary(summary)

    if args.summary_json:
        keys = sorted(summary.keys() | g_summary.keys(), key=sort_key)
        args.summary_json.write_text(
            json.dumps(
                {
                    "lake_version": version,
                    "uncommitted_files_ignored": len(uncommitted),
                    "thresholds_minutes": thresholds,
                    "max_shares": shares,
                    "ok": not all_mismatches,
                    "kpis": compared,
                    "bottlenecks": [
                        {
                            "port": port,
                            "terminal": terminal,
                            "source": source,
                            "crosscheck": summary.get((port, terminal, source)),
                            "gerbang": g_summary.get((port, terminal, source)),
                        }
                        for port, terminal, source in keys
                    ],
                    "first_mismatches": all_mismatches[: args.show],
                },
                indent=2,
            )
        )

    print()
    if all_mismatches:
        shown = all_mismatches[: args.show]
        print(f"MISMATCH: {len(all_mismatches)} differences; the first {len(shown)}:")
        for line in shown:
            print(f"  {line}")
        return 1
    print("OK: every KPI compared agrees")
    return 0


def load_lake(con, files, zones, targets, ports_csv):
    """The committed `crossings` and `wait_hourly` files, zones and targets, in DuckDB."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TEMP TABLE zones (port VARCHAR, zone VARCHAR)")
    con.executemany("INSERT INTO zones VALUES (?, ?)", list(zones.items()))
    con.execute(
        "CREATE TEMP TABLE targets "
        "(port VARCHAR, threshold_minutes DOUBLE, max_share DOUBLE)"
    )
    con.executemany(
        "INSERT INTO targets VALUES (?, ?, ?)",
        [(port, t, s) for port, (t, s) in targets.items()],
    )
    load_table(
        con,
        "crossings",
        files.get("crossings", []),
        "port VARCHAR, terminal VARCHAR, joined_queue_at TIMESTAMPTZ, "
        "reached_counter_at TIMESTAMPTZ, cleared_at TIMESTAMPTZ",
    )
    bucket_columns = ", ".join(f"{column} BIGINT" for column, _, _ in WAIT_BUCKETS)
    load_table(
        con,
        "wait_hourly",
        files.get("wait_hourly", []),
        "port VARCHAR, terminal VARCHAR, hour_start TIMESTAMPTZ, hour_minutes INTEGER, "
        f"local_date DATE, local_hour INTEGER, {bucket_columns}, pax_excluded BIGINT, "
        "pax_total BIGINT",
    )
    for table in ("crossings", "wait_hourly"):
        unknown = con.execute(
            f"SELECT DISTINCT port FROM {table} WHERE port NOT IN (SELECT port FROM zones)"
        ).fetchall()
        if unknown:
            raise SetupError(
                f"{table} has ports that {ports_csv} does not list: "
                + ", ".join(p for (p,) in unknown)
            )


def print_bottleneck_summary(summary):
    print()
    print("bottleneck hours and episodes by the cross-check (differences are listed below)")
    print(
        f"{'port':<6} {'terminal':<24} {'feed':<14} {'hours':>7} {'episodes':>9} "
        f"{'longest':>8} {'in episodes':>12}"
    )
    for key in sorted(summary, key=sort_key):
        port, terminal, source = key
        s = summary[key]
        print(
            f"{port:<6} {terminal or '(whole port)':<24} {source:<14} "
            f"{s['bottleneck_hours']:>7g} {s['episodes']:>9} "
            f"{s['longest_episode_hours']:>8g} {s['episode_hours']:>12g}"
        )


if __name__ == "__main__":
    sys.exit(main())
