#!/usr/bin/env python3
"""Ingest benchmark: Gerbang landing a large generated night next to DuckDB converting the
same files to Parquet, on this machine, in one run.

    python3 tests/bench/ingest_vs_duckdb.py [--port CGK] [--scales 25,100]

For each scale it generates one night of every agency feed for one port (no faults), then
measures, each as its own process under /usr/bin/time (wall seconds and peak resident
memory):

- `gerbang ingest` of the night's files: parse, validate, convert local times,
  pseudonymise, check every source key, write partitioned Parquet and commit;
- DuckDB reading the same line-based files (BCM and bus JSON lines, Customs and authority
  CSV) and writing each to one zstd Parquet file, with all cores and with one.

It prints rows, seconds, rows per second and peak memory per tool and scale. Needs a
release build of Gerbang (built here with cargo) and DuckDB's Python package
(`pip install duckdb`). Nothing here is a test: the figures depend on the machine.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/gerbang/target"))
GERBANG = TARGET / "release" / "gerbang"
KEY = "benchmark-key-not-secret-0123456789abcdef"

DUCKDB_CONVERT = r"""
import sys, duckdb
threads, out_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
# DuckDB draws a progress bar on standard output for long statements; only the count may go there.
con.execute("SET enable_progress_bar = false")
rows = 0
for n, path in enumerate(files):
    if path.endswith(".jsonl"):
        source = f"read_json('{path}', format = 'newline_delimited')"
    elif "/bc_" in path:
        source = f"read_csv('{path}', delim = ';', header = true, all_varchar = true)"
    else:
        source = f"read_csv('{path}', header = true)"
    target = f"{out_dir}/part-{n}.parquet"
    con.execute(f"COPY (SELECT * FROM {source}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    rows += con.execute(f"SELECT count(*) FROM '{target}'").fetchone()[0]
print(rows)
"""


def timed(command, env=None):
    """Runs command under /usr/bin/time; returns (stdout, seconds, peak MiB)."""
    started = time.monotonic()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")
    match = re.search(r"([\d.]+) (\d+)\s*$", result.stderr)
    if not match:
        sys.exit(f"no /usr/bin/time figures in:\n{result.stderr}")
    return result.stdout, seconds, int(match.group(2)) / 1024


def gerbang(*args, env=None):
    return subprocess.run(
        [str(GERBANG), *args], capture_output=True, text=True, check=True, env=env
    ).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", default="CGK", help="port whose night is generated")
    parser.add_argument(
        "--scales",
        default="25,100",
        help="volume multipliers, comma-separated (1 = real volume); the largest is the "
        "headline, the others show how memory grows with the file",
    )
    parser.add_argument("--keep", help="keep the generated files and lakes in this folder")
    args = parser.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("needs GNU time: apt-get install time")
    try:
        import duckdb  # noqa: F401
    except ImportError:
        sys.exit("needs DuckDB's Python package: pip install duckdb")

    print("building gerbang (release) ...", flush=True)
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bin", "gerbang"],
        cwd=ROOT,
        check=True,
        env=dict(os.environ, CARGO_TARGET_DIR=str(TARGET)),
    )
    work = Path(args.keep or tempfile.mkdtemp(prefix="gerbang-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GERBANG_PSEUDONYM_KEY=KEY)
    rows_out = []
    try:
        for scale in [float(s) for s in args.scales.split(",")]:
            generated = work / f"generated-{scale:g}"
            inbox = work / f"inbox-{scale:g}"
            lake = work / f"lake-{scale:g}"
            for folder in (generated, inbox, lake):
                shutil.rmtree(folder, ignore_errors=True)
            gerbang(
                "generate", "--out", str(generated), "--from", "2026-10-20", "--days", "1",
                "--ports", args.port, "--scale", str(scale), "--faults", "0",
            )
            # Both tools get exactly the line-based files (the workbook and the police
            # document are small and DuckDB has no reader for them).
            inbox.mkdir()
            files = []
            for path in sorted(generated.rglob("*")):
                if path.is_file() and path.suffix in (".jsonl", ".csv") and not path.name.startswith("_"):
                    os.link(path, inbox / path.name)
                    files.append(str(inbox / path.name))
            size = sum(Path(f).stat().st_size for f in files) / 2**20
            print(f"\nscale {scale:g}: {len(files)} line-based files, {size:.0f} MiB", flush=True)

            _, seconds, peak = timed(
                [str(GERBANG), "ingest", "--keep", "--inbox", str(inbox), "--lake", str(lake)],
                env=env,
            )
            landed = gerbang(
                "sql", "--lake", str(lake), "--format", "csv",
                "SELECT sum(rows_in) FROM ingest_runs",
            ).splitlines()[1]
            rows_out.append(("gerbang ingest", scale, int(landed), seconds, peak))

            for threads in ("2", "1"):
                out_dir = work / f"duckdb-{scale:g}-{threads}"
                shutil.rmtree(out_dir, ignore_errors=True)
                out_dir.mkdir()
                out, seconds, peak = timed(
                    [sys.executable, "-c", DUCKDB_CONVERT, threads, str(out_dir), *files]
                )
                rows_out.append(
                    (f"duckdb to parquet ({threads} thr)", scale, int(out.strip()), seconds, peak)
                )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'tool':<28} {'scale':>6} {'rows':>11} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9}")
    for tool, scale, rows, seconds, peak in rows_out:
        print(
            f"{tool:<28} {scale:>6g} {rows:>11,} {seconds:>8.2f} {rows / seconds:>10,.0f} {peak:>9.0f}"
        )
    print(f"\nmachine: {os.cpu_count()} cores; gerbang {GERBANG}")


if __name__ == "__main__":
    main()
