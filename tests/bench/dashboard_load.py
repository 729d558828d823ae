#!/usr/bin/env python3
"""Dashboard load benchmark: the weekly overview under 50 concurrent browsers, on a lake of
one year of every Indonesian port, on this machine.

    python3 tests/bench/dashboard_load.py [--scale 0.01] [--clients 50] [--seconds 10]
                                          [--binary PATH] [--lake DIR]

It generates a year of every agency's nightly exports for all ports at a small scale
(`gerbang generate --days 365 --scale S`, clean) and lands them (`gerbang ingest`), unless
--lake names a lake already made; then it starts `gerbang serve` on 127.0.0.1:0 (with one account, asked as by its API
token), draws the
overview once (the cold render, timed) and measures two ways of asking for it again, each
for --seconds with --clients connections kept open, every client asking again as soon as it
has its answer:

- revalidation: the request carries `If-None-Match` with the page's current ETag, and the
  server answers `304 Not Modified` from the lake version and the address alone;
- full page: no `If-None-Match`, and the server answers `200` with the page from its cache
  of drawn pages.

For each it prints requests per second and the 50th and 99th percentile latency, and checks
every answer's status (and, for full pages, that each body is the page drawn at first).

The client is Python's asyncio over raw HTTP/1.1 (no packages needed), so on a small machine
the client shares the cores with the server and its figures are a lower bound on what the
server can do. The binary is, in order: --binary, $GERBANG_BIN, the release build in
$CARGO_TARGET_DIR (default $HOME/.cache/gerbang/target) if there is one, else the debug
build there. Nothing here is a test: the figures depend on the machine.
"""

import argparse
import asyncio
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEY = "benchmark-key-not-secret-0123456789abcdef"
PAGE = "/?lang=en"
# The benchmark's account signs in with this API token (Immigration's leadership, who sees
# every figure of the overview).
TOKEN = "gbt_benchmark-not-a-secret"


def default_binary():
    """The gerbang binary to measure: a release build if there is one, else the debug one."""
    if os.environ.get("GERBANG_BIN"):
        return Path(os.environ["GERBANG_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/gerbang/target"))
    release = target / "release" / "gerbang"
    if release.exists():
        return release
    return target / "debug" / "gerbang"


def run(binary, *args):
    """Runs gerbang with args; returns the seconds it took. Fails loudly."""
    env = dict(os.environ, GERBANG_PSEUDONYM_KEY=KEY)
    env.pop("GERBANG_CONFIG", None)
    started = time.monotonic()
    result = subprocess.run([str(binary), *args], env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"gerbang {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def make_lake(binary, folder, scale, days, first_night):
    """Generates `days` nights of every port from `first_night` and lands them."""
    inbox, lake = folder / "inbox", folder / "lake"
    seconds = run(binary, "generate", "--out", str(inbox), "--from", first_night,
                  "--days", str(days), "--ports", "all", "--scale", str(scale),
                  "--faults", "0")
    print(f"generate: {days} nights of every port at scale {scale}: {seconds:.1f} s")
    seconds = run(binary, "ingest", "--inbox", str(inbox), "--lake", str(lake))
    print(f"ingest:   {seconds:.1f} s")
    shutil.rmtree(inbox, ignore_errors=True)
    return lake


def accounts_config(folder):
    """A configuration naming an accounts file with the benchmark's account."""
    users = folder / "users.toml"
    users.write_text(
        '[[user]]\nname = "benchmark"\nagency = "immigration"\nroles = ["leadership"]\n'
        f'tokens = ["{hashlib.sha256(TOKEN.encode()).hexdigest()}"]\n')
    config = folder / "gerbang.toml"
    config.write_text(f'[auth]\nusers_file = "{users}"\n')
    return config


class Server:
    """`gerbang serve` on a free port of 127.0.0.1, stopped when the benchmark ends."""

    def __init__(self, binary, lake, config):
        env = dict(os.environ)
        env.pop("GERBANG_CONFIG", None)
        self.process = subprocess.Popen(
            [str(binary), "serve", "--lake", str(lake), "--addr", "127.0.0.1:0",
             "--config", str(config)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        line = self.process.stdout.readline()
        found = re.search(r"http://([\d.]+):(\d+)/", line)
        if not found:
            self.stop()
            sys.exit(f"no address in the server's first line: {line!r}")
        self.host, self.port = found.group(1), int(found.group(2))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def request(reader, writer, host, etag):
    """Sends one GET of the overview on an open connection; returns (status, headers, body)."""
    lines = [f"GET {PAGE} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {TOKEN}"]
    if etag:
        lines.append(f"If-None-Match: {etag}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ")[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return status, headers, body


async def first_page(host, port):
    """The overview drawn once: its tag, its body and how long drawing it took."""
    reader, writer = await asyncio.open_connection(host, port)
    started = time.perf_counter()
    status, headers, body = await request(reader, writer, host, None)
    seconds = time.perf_counter() - started
    writer.close()
    if status != 200 or "etag" not in headers:
        sys.exit(f"the overview answered {status} without a tag: {body[:500]!r}")
    return headers["etag"], body, seconds


async def client(host, port, etag, expected, deadline, latencies, problems):
    """One browser asking again and again on one connection until the deadline."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status, _, body = await request(reader, writer, host, etag)
            latencies.append(time.perf_counter() - started)
            if etag and status != 304:
                problems.append(f"revalidation answered {status}")
            if not etag and (status != 200 or body != expected):
                problems.append(f"full page answered {status} with {len(body)} bytes")
    finally:
        writer.close()


async def phase(host, port, clients, seconds, etag, expected):
    """`clients` connections asking for `seconds`; returns (requests/s, p50, p99, problems)."""
    latencies, problems = [], []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(client(host, port, etag, expected, deadline, latencies, problems)
                           for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return len(latencies) / elapsed, percentile(0.50), percentile(0.99), len(latencies), problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01,
                        help="volume relative to real traffic (default 0.01: about 860,000 "
                             "records a year, landed in about 4 minutes by a debug build)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--from", dest="first_night", default="2025-11-01")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--binary", type=Path, default=None)
    parser.add_argument("--lake", type=Path, default=None,
                        help="measure this lake instead of generating one")
    options = parser.parse_args()

    binary = options.binary or default_binary()
    if not binary.exists():
        sys.exit(f"no gerbang binary at {binary}: build it with "
                 "`cargo build --workspace` or give --binary")
    print(f"binary: {binary}")
    folder = Path(tempfile.mkdtemp(prefix="gerbang-load-"))
    try:
        if options.lake:
            lake = options.lake
            print(f"lake: {lake} (as it is)")
        else:
            print(f"lake: {options.days} nights of every port, scale S = {options.scale}")
            lake = make_lake(binary, folder, options.scale, options.days, options.first_night)
        server = Server(binary, lake, accounts_config(folder))
        try:
            host, port = server.host, server.port
            etag, body, cold = asyncio.run(first_page(host, port))
            print(f"overview drawn once (cold): {cold * 1000:.0f} ms, {len(body):,} bytes, "
                  f"ETag {etag}")
            print(f"{options.clients} clients, {options.seconds:g} s each way, "
                  "keep-alive connections")
            print(f"{'request':<44} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'requests':>9}")
            failed = False
            for name, tag in [("If-None-Match: current ETag -> 304", etag),
                              ("no If-None-Match -> 200 from page cache", None)]:
                rate, p50, p99, count, problems = asyncio.run(
                    phase(host, port, options.clients, options.seconds, tag, body))
                print(f"{name:<44} {rate:>11,.0f} {p50:>8.1f} {p99:>8.1f} {count:>9,}")
                if problems:
                    failed = True
                    print(f"  {len(problems)} wrong answers, e.g. {problems[0]}")
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
