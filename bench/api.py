"""REST API latency over a synthetic store of 1M event mentions, under a bounded local load.

    python bench/api.py [--events 1000000] [--concurrency 4] [--requests 50] [--store PATH]
                        [--max-seconds 300] [--results bench/RESULTS.md] [--no-append]

A child process fills a DuckDB store with ``bench/panel.py``'s generator (``Store.open``'s real
schema and indexes; mentions, canonical events, mention links and articles); ``--store PATH``
keeps it there, or reuses it when it exists. A second child serves the real application
(``create_app`` over ``Store.open``, as ``detente serve`` does) with uvicorn on 127.0.0.1 and a
free port, so that its RSS and CPU time are the server's own. Every endpoint is warmed up, then
``--concurrency`` clients (threads, one ``httpx.Client`` each) send ``--requests`` requests each,
one after the other, and every request's latency is recorded:

    a  GET /api/events?limit=50                          first page, no filter
    b  GET /api/events?limit=50&offset=<0..10000>        a random page
    c  GET /api/events?dyad=USA-RUS&type=CONSULT&limit=50
    d  GET /api/panel?dyad=USA-RUS&freq=month            the dyad-month series
    e  GET /api/series?freq=month                        the dashboard's timeline
    f  GET /api/events/<random cluster id>               one event with its mentions and reviews

The load is bounded in count and in time (``--max-seconds`` per endpoint; requests not sent by
then are reported as skipped) and goes to 127.0.0.1 only. Prints median, p95 and max latency,
requests/s, errors and the server's CPU seconds per endpoint, the server's peak RSS and the
store's size, and appends the table to ``bench/RESULTS.md`` with the machine and its load.
The clients share the machine's cores with the server: on 2 cores this is a loaded server.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
SAMPLE_IDS = 1000  # cluster ids the detail requests draw from
WARM_UP = 2  # sequential requests per endpoint before its clock starts

# name -> (what it is, a request path drawn with the client's random generator and the id sample)
Endpoint = Callable[[random.Random, list[str]], str]
ENDPOINTS: dict[str, tuple[str, Endpoint]] = {
    "a": ("events, first page", lambda rng, ids: "/api/events?limit=50"),
    "b": ("events, random offset <= 10,000", lambda rng, ids: f"/api/events?limit=50&offset={rng.randint(0, 10_000)}"),
    "c": ("events, dyad USA-RUS, CONSULT", lambda rng, ids: "/api/events?dyad=USA-RUS&type=CONSULT&limit=50"),
    "d": ("panel, dyad USA-RUS, month", lambda rng, ids: "/api/panel?dyad=USA-RUS&freq=month"),
    "e": ("series, month (timeline)", lambda rng, ids: "/api/series?freq=month"),
    "f": ("event detail, random cluster", lambda rng, ids: f"/api/events/{rng.choice(ids)}"),
}


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _build(db: Path, n: int) -> dict[str, Any]:
    """Fill a new store at ``db`` with ``n`` mentions (child process: its memory is freed after)."""
    sys.path.insert(0, str(BENCH))
    from panel import generate

    from detente.store.database import Store

    start = time.perf_counter()
    with Store.open(db) as store:
        store.con.execute("SET enable_progress_bar = false")
        generate(store.con, n, clusters=True)
    return {"seconds": time.perf_counter() - start}


def _serve(db: Path, port: int) -> None:
    """Serve the real application over the store until terminated (child process)."""
    import uvicorn

    from detente.store.database import Store
    from detente.web.app import create_app

    with Store.open(db) as store:
        # DuckDB draws a progress bar on the terminal for long queries: not part of the latency
        store.con.execute("SET enable_progress_bar = false")
        uvicorn.run(create_app(store), host=HOST, port=port, log_level="warning")


def _store_facts(db: Path) -> dict[str, Any]:
    """Row counts, file size and a reproducible sample of canonical event ids."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = con.sql(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_clusters), "
            "(SELECT count(*) FROM articles)"
        ).fetchall()[0]
        # ordered by a hash rather than sampled: the same ids on every run
        ids = [r[0] for r in con.execute(
            "SELECT cluster_id FROM event_clusters ORDER BY hash(cluster_id, 17) LIMIT ?", [SAMPLE_IDS]
        ).fetchall()]
    finally:
        con.close()
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())
    return {"mentions": counts[0], "canonical": counts[1], "articles": counts[2], "ids": ids, "db_mb": size / 2**20}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Server:
    """The serving child process, its readiness, memory and CPU time."""

    def __init__(self, db: Path, log: Path) -> None:
        import psutil

        self.port = _free_port()
        self.log = log
        with log.open("w") as out:
            self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(db), "--port", str(self.port)],
                                         stdout=out, stderr=subprocess.STDOUT)
        self.ps = psutil.Process(self.proc.pid)
        self.peak_rss = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_ready(self, timeout: float = 120.0) -> float:
        import httpx

        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                sys.exit(f"the server exited ({self.proc.returncode}):\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/api/summary", timeout=10).status_code == 200:
                    self._sampler.start()
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        sys.exit(f"the server did not answer within {timeout:.0f} s:\n{self.log.read_text()[-3000:]}")

    def _sample(self) -> None:
        # RSS every 50 ms: the fallback where the kernel's high-water mark cannot be read
        while not self._stop.is_set():
            try:
                self.peak_rss = max(self.peak_rss, self.ps.memory_info().rss)
            except Exception:  # the process is gone: nothing more to sample
                return
            self._stop.wait(0.05)

    def rss_mb(self) -> float:
        return self.ps.memory_info().rss / 2**20

    def peak_rss_mb(self) -> float:
        """The kernel's peak RSS of the server (VmHWM), else the sampled one."""
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return self.peak_rss / 2**20

    def cpu_seconds(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        self._stop.set()
        self.proc.terminate()  # uvicorn shuts down on SIGTERM; the store closes behind it
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _load(url: str, endpoint: Endpoint, ids: list[str], clients: int, requests: int,
          max_seconds: float, seed: int) -> dict[str, Any]:
    """``clients`` threads each send ``requests`` requests in turn; latencies of the answered ones."""
    import httpx

    deadline = time.perf_counter() + max_seconds
    latencies: list[float] = []
    errors: list[str] = []
    sizes: list[int] = []
    skipped = [0]
    lock = threading.Lock()

    def client(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        with httpx.Client(base_url=url, timeout=max(max_seconds, 1.0)) as http:
            for sent in range(requests):
                if time.perf_counter() > deadline:
                    with lock:
                        skipped[0] += requests - sent
                    return
                path = endpoint(rng, ids)
                start = time.perf_counter()
                try:
                    response = http.get(path)
                    elapsed = time.perf_counter() - start
                    error = None if response.status_code == 200 else f"{response.status_code} {path}"
                except httpx.HTTPError as err:
                    elapsed, response, error = time.perf_counter() - start, None, f"{type(err).__name__} {path}"
                with lock:
                    if error:
                        errors.append(error)
                    else:
                        latencies.append(elapsed)
                        sizes.append(len(response.content))

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - start
    return {"latencies": latencies, "errors": errors, "skipped": skipped[0], "wall": wall,
            "kb": statistics.mean(sizes) / 1024 if sizes else 0.0}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank


def _warm_up(url: str, endpoint: Endpoint, ids: list[str]) -> dict[str, Any]:
    """A few requests before the clock; the last answer says how many rows the query matches."""
    import httpx

    rng, body, seconds = random.Random(0), {}, []
    with httpx.Client(base_url=url, timeout=600) as http:
        for _ in range(WARM_UP):
            start = time.perf_counter()
            response = http.get(endpoint(rng, ids))
            seconds.append(time.perf_counter() - start)
            if response.status_code != 200:
                sys.exit(f"warm-up failed: {response.status_code} {response.text[:500]}")
            body = response.json()
    rows = body.get("total", len(body.get("items", body.get("mentions", []))))
    return {"first": seconds[0], "rows": rows}


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["| endpoint | matched | first s | requests | median ms | p95 ms | max ms | req/s | errors | skipped "
             "| server CPU s | KB/answer |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, r in results.items():
        lat = r["latencies"]
        median, p95, worst = ((statistics.median(lat) * 1000, _p95(lat) * 1000, max(lat) * 1000) if lat
                              else (math.nan, math.nan, math.nan))
        lines.append(
            f"| {key} {ENDPOINTS[key][0]} | {r['rows']:,} | {r['first']:.2f} | {len(lat)} | {median:.0f} | {p95:.0f} "
            f"| {worst:.0f} | {len(lat) / r['wall']:.1f} | {len(r['errors'])} | {r['skipped']} | {r['cpu']:.1f} "
            f"| {r['kb']:.1f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=lambda s: int(float(s)), default=1_000_000, help="event mentions to generate")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=50, help="requests per client and endpoint")
    parser.add_argument("--endpoints", default="".join(ENDPOINTS), help="which of a-f to load, e.g. 'adf'")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="time bound per endpoint's load")
    parser.add_argument("--store", help="keep the generated store here, or reuse it if it exists")
    parser.add_argument("--results", default=str(BENCH / "RESULTS.md"), help="Markdown file the table is appended to")
    parser.add_argument("--no-append", action="store_true", help="print only")
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(_build(Path(args.build), args.events)))
        return
    if args.serve:
        _serve(Path(args.serve), args.port)
        return
    keys = [k for k in args.endpoints if k in ENDPOINTS]
    if not keys or args.concurrency < 1 or args.requests < 1:
        parser.error("--endpoints: letters a-f; --concurrency and --requests: at least 1")
    sys.path.insert(0, str(BENCH))
    from scale import machine

    load_before = _load_average()
    print(f"machine: {machine()}")
    print(f"load average before: {load_before} (the machine is shared: other work skews the times)")
    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        db = Path(args.store) if args.store else Path(tmp) / "api.duckdb"
        built = None
        if not db.exists():
            print(f"generating {args.events:,} event mentions in {db} ...", flush=True)
            out = subprocess.run([sys.executable, __file__, "--build", str(db), "--events", str(args.events)],
                                 stdout=subprocess.PIPE, text=True)
            if out.returncode != 0:
                sys.exit("generating the store failed (its error is above)")
            built = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
        facts = _store_facts(db)
        made = f"generated in {built:.1f} s" if built is not None else "reused"
        print(f"store: {facts['mentions']:,} mentions, {facts['canonical']:,} canonical events, "
              f"{facts['articles']:,} articles; {facts['db_mb']:.0f} MB ({made})")

        server = Server(db, Path(tmp) / "server.log")
        try:
            ready = server.wait_ready()
            rss_ready = server.rss_mb()
            print(f"server on {server.url}: ready in {ready:.1f} s, RSS {rss_ready:.0f} MB", flush=True)
            results: dict[str, dict[str, Any]] = {}
            for key in keys:
                what, endpoint = ENDPOINTS[key]
                warm = _warm_up(server.url, endpoint, facts["ids"])
                cpu = server.cpu_seconds()
                r = _load(server.url, endpoint, facts["ids"], args.concurrency, args.requests, args.max_seconds,
                          seed=ord(key))
                results[key] = {**r, **warm, "cpu": server.cpu_seconds() - cpu}
                lat = r["latencies"]
                median = f"{statistics.median(lat) * 1000:.0f} ms" if lat else "-"
                print(f"  {key} {what}: {len(lat)} answered in {r['wall']:.1f} s, median {median}, "
                      f"{len(r['errors'])} errors", flush=True)
                for error in sorted(set(r["errors"]))[:3]:
                    print(f"    error: {error}")
            peak = server.peak_rss_mb()
        finally:
            server.stop()

    load_after = _load_average()
    lines = table(results)
    notes = [
        f"{facts['mentions']:,} mentions, {facts['canonical']:,} canonical events, {facts['articles']:,} articles; "
        f"DuckDB file {facts['db_mb']:.0f} MB",
        f"{args.concurrency} concurrent clients x {args.requests} requests per endpoint (httpx, threads, "
        f"same machine); {WARM_UP} warm-up requests each first ('first s' is the first of them)",
        "'matched' is the answer's `total` (rows the filter matches; for d the panel rows, for e the periods x quads, "
        "for f the mentions of the last warm-up event)",
        f"server (uvicorn, one process): RSS {rss_ready:.0f} MB when ready, peak {peak:.0f} MB",
        f"load average before: {load_before}; after: {load_after}",
    ]
    print("\n".join(["", *lines, "", *notes]))
    if not args.no_append:
        results_file = Path(args.results)
        section = [
            "", f"## {datetime.now():%Y-%m-%d %H:%M}: REST API latency, {facts['mentions']:,} mentions "
            f"(`bench/api.py`)", "", f"Machine: {machine()}.", "", *lines, "", *(f"- {note}" for note in notes), "",
        ]
        with results_file.open("a", encoding="utf-8") as out:
            out.write("\n".join(section))
        print(f"appended to {results_file}")


if __name__ == "__main__":
    main()
