"""Articles/s of every engine on the same corpus, in one run: spaCy alone, local ingest with 1 and
2 workers, and the Dask engine with 1 and 2 workers loading the store as it goes (``--load``),
and with 2 workers followed by a separate ``load``; with peak RSS per worker.

    python bench/scale.py [--articles 1000] [--engines spacy,local-1,local-2,dask-1,dask-2,dask-2-then-load]
                          [--partition-size 64] [--results bench/RESULTS.md] [--no-append]

The corpus is the bundled demo JSONL repeated until ``--articles`` articles, each copy with its
own ids and URLs so that every one is stored. Each engine runs in a fresh child process:

Every engine is timed in two parts: start-up ('start s': loading the model, spawning and warming
worker processes, starting a cluster), which a long run or a warm pool pays once, and the run
itself ('seconds', from which articles/s is computed); 'with start-up' adds the two.

- ``spacy``: ``spacy.load(model_name())`` and ``nlp.pipe`` over the whole texts; model loaded
  and one text parsed before the clock starts. The ceiling: parsing alone, no coding, no store.
- ``local-1``: ``ingest(store, [corpus], workers=1)`` into a fresh DuckDB file, after
  ``warm_up()`` (model, knowledge base, language and word-frequency tables) in this process.
- ``local-2``: the same into a ``CodingPool(2)`` started, and warmed, before the clock.
- ``dask-1``, ``dask-2``: ``dask_engine.local_cluster`` (a ``LocalCluster`` of 1 or 2
  single-threaded worker processes on 127.0.0.1, as ``detente ingest --engine dask`` starts it)
  whose workers run ``dask_engine.warm_up_worker`` as a task before the clock, then
  ``dask_engine.run(..., store=...)`` into a Parquet directory and a fresh DuckDB file that it
  fills as partitions complete (``detente ingest --engine dask --out DIR --load``), timed.
- ``dask-2-then-load``: the same cluster, ``dask_engine.run`` into Parquet only, then
  ``parquet.load`` into a fresh DuckDB file (``detente load DIR``), both timed: the path for an
  output the client cannot read as it is written (an object store).

Peak RSS: the child's own (``RUSAGE_SELF``), and for the engines with worker processes the
largest worker's, sampled with psutil every 0.2 s (add one per worker for the total). The table
is printed and appended to ``bench/RESULTS.md`` with the machine's CPU, cores and memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src" / "detente" / "samples" / "corpus" / "news-2015-2016.jsonl"
ENGINES = {
    "spacy": "spaCy alone",
    "local-1": "ingest, 1 worker",
    "local-2": "ingest, 2 workers",
    "dask-1": "Dask, 1 worker, --load",
    "dask-2": "Dask, 2 workers, --load",
    "dask-2-then-load": "Dask, 2 workers, then load",
}


def write_corpus(path: Path, articles: int) -> int:
    """The demo corpus repeated up to ``articles`` records, ids and URLs distinct per copy."""
    records = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            record, copy = records[n % len(records)], n // len(records)
            record = dict(record, id=f"{record['id']}-c{copy}")
            if record.get("url"):
                record["url"] = f"{record['url']}?copy={copy}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return articles


class WorkerRss(threading.Thread):
    """Peak RSS of each child process of this one, sampled (a worker's own peak is not
    reported to us when a cluster kills it at shutdown)."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval, self.peaks, self.done = interval, {}, threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self.done.is_set():
            for child in me.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                except psutil.Error:
                    continue
                self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), rss)
            self.done.wait(self.interval)

    def stop(self) -> float:
        """→ the largest worker's peak, in MB (helpers such as the resource tracker are smaller)."""
        self.done.set()
        self.join()
        return max(self.peaks.values(), default=0) / 2**20


def _spacy(corpus: Path) -> dict[str, float]:
    import spacy

    from detente.nlp import model_name

    texts = [json.loads(line)["text"] for line in corpus.read_text("utf-8").splitlines()]
    begin = time.perf_counter()
    nlp = spacy.load(model_name())
    list(nlp.pipe(texts[:1]))
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return {"articles": len(texts), "events": 0, "seconds": time.perf_counter() - start,
            "startup_seconds": start - begin}


def _local(corpus: Path, workers: int, tmp: Path) -> dict[str, float]:
    from contextlib import ExitStack

    from detente.jobs.coding import CodingPool, warm_up
    from detente.jobs.ingest import ingest
    from detente.store.database import Store

    with ExitStack() as stack:
        begin = time.perf_counter()
        pool = stack.enter_context(CodingPool(workers)) if workers > 1 else None
        if pool is None:
            warm_up()
        started = time.perf_counter()
        with Store.open(tmp / "bench.duckdb") as store:
            summary = ingest(store, [str(corpus)], workers=workers, pool=pool)
        elapsed = time.perf_counter() - started
    return {"articles": summary.stored, "events": summary.events, "seconds": elapsed, "failed": summary.failed,
            "startup_seconds": started - begin}


def _dask(corpus: Path, workers: int, tmp: Path, partition_size: int, then_load: bool) -> dict[str, float]:
    from distributed import Client

    from detente.scale.dask_engine import local_cluster, run, warm_up_worker
    from detente.scale.parquet import load
    from detente.store.database import Store

    begin = time.perf_counter()
    cluster = local_cluster(workers)
    with Client(cluster, set_as_default=False) as client:
        # every worker loads the model now, as a local pool does on entry; as a task, in the
        # thread that will code (see warm_up_worker)
        client.gather([client.submit(warm_up_worker, workers=[w], pure=False) for w in client.nthreads()])
    started = time.perf_counter()
    try:
        if then_load:
            summary = run([str(corpus)], tmp / "out", scheduler=cluster.scheduler_address, partition_size=partition_size)
            coded = time.perf_counter()
            with Store.open(tmp / "bench.duckdb") as store:
                loaded = load(store, tmp / "out")
            finished = time.perf_counter()
            parts = {"run_seconds": coded - started, "load_seconds": finished - coded}
        else:
            with Store.open(tmp / "bench.duckdb") as store:
                summary = run([str(corpus)], tmp / "out", scheduler=cluster.scheduler_address,
                              partition_size=partition_size, store=store)
            finished = time.perf_counter()
            assert summary.loaded is not None
            loaded = summary.loaded
            # coded_seconds: until the last partition was written and loaded; the rest is the
            # failures, duplicate groups and canonical events; load_seconds: the client's time in
            # the store, partitions included (overlapped with the coding)
            parts = {"coded_seconds": summary.coding_seconds, "load_seconds": loaded.seconds}
    finally:
        cluster.close()
    return {"articles": loaded.articles, "events": loaded.events, "seconds": finished - started,
            "failed": summary.failed, "startup_seconds": started - begin, **parts}


def _child(engine: str, corpus: Path, partition_size: int) -> dict[str, float]:
    warnings.filterwarnings("ignore")
    sampler = WorkerRss()
    sampler.start()
    with tempfile.TemporaryDirectory(prefix="detente-bench-") as name:
        tmp = Path(name)
        if engine == "spacy":
            result = _spacy(corpus)
        elif engine.startswith("local-"):
            result = _local(corpus, int(engine.split("-")[1]), tmp)
        else:
            result = _dask(corpus, int(engine.split("-")[1]), tmp, partition_size, engine.endswith("then-load"))
    result["worker_rss_mb"] = sampler.stop()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return result


def machine() -> str:
    """CPU model, cores and memory, from /proc where it exists."""
    cpu, memory = platform.processor() or platform.machine(), "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.0f} GiB"
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {memory} RAM, Python {platform.python_version()}, {platform.system()}"


def table(results: dict[str, dict[str, float]]) -> list[str]:
    lines = ["| engine | articles | events | seconds | articles/s | start s | with start-up, articles/s "
             "| peak RSS MB | worker peak RSS MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for engine, r in results.items():
        start = r.get("startup_seconds")
        cold = f"{r['articles'] / (r['seconds'] + start):.2f}" if start is not None else "-"
        worker = f"{r['worker_rss_mb']:.0f}" if r["worker_rss_mb"] else "-"
        lines.append(f"| {ENGINES[engine]} | {r['articles']} | {r['events']} | {r['seconds']:.1f} | "
                     f"{r['articles'] / r['seconds']:.2f} | {'-' if start is None else f'{start:.1f}'} | {cold} "
                     f"| {r['peak_rss_mb']:.0f} | {worker} |")
    return lines


def ratios(results: dict[str, dict[str, float]]) -> list[str]:
    """The issue's goals, as measured: 2 workers against 1, Dask against local."""
    def rate(engine: str) -> float:
        r = results[engine]
        return r["articles"] / r["seconds"]

    out = []
    if {"local-1", "local-2"} <= results.keys():
        out.append(f"2 local workers / 1: {rate('local-2') / rate('local-1'):.2f}x (goal >= 1.4)")
    if {"local-2", "dask-2"} <= results.keys():
        out.append(f"Dask 2 workers --load / local 2 workers: {rate('dask-2') / rate('local-2'):.2f}x (goal >= 0.9)")
    if {"local-2", "dask-2-then-load"} <= results.keys():
        out.append(f"Dask 2 workers then load / local 2 workers: {rate('dask-2-then-load') / rate('local-2'):.2f}x")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="articles in the corpus (the demo corpus repeated)")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated subset of {', '.join(ENGINES)}")
    parser.add_argument("--partition-size", type=int, default=64, help="articles per Dask partition")
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"), help="Markdown file the table is appended to")
    parser.add_argument("--no-append", action="store_true", help="print only")
    parser.add_argument("--child", choices=list(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, Path(args.corpus), args.partition_size)))
        return
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engine {', '.join(unknown)}: use {', '.join(ENGINES)}")

    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {machine()}")
    print(f"load average before: {load_before} (other work on the machine skews the times)")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        n = write_corpus(corpus, args.articles)
        print(f"corpus: {n} articles ({CORPUS.name} repeated with distinct ids)")
        for engine in engines:
            out = subprocess.run([sys.executable, __file__, "--child", engine, "--corpus", str(corpus),
                                  "--partition-size", str(args.partition_size)], capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"engine {engine} failed:\n{out.stderr[-3000:]}")
            results[engine] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"  {ENGINES[engine]}: {results[engine]['seconds']:.1f} s", flush=True)

    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = table(results)
    notes = []
    for engine in ("dask-1", "dask-2"):
        if engine in results:
            r = results[engine]
            notes.append(f"{ENGINES[engine]}: every partition coded and loaded at {r['coded_seconds']:.1f} s, "
                         f"then failures, duplicate groups and canonical events {r['seconds'] - r['coded_seconds']:.1f} s; "
                         f"the client spent {r['load_seconds']:.1f} s loading in all")
    if "dask-2-then-load" in results:
        r = results["dask-2-then-load"]
        notes.append(f"{ENGINES['dask-2-then-load']}: run {r['run_seconds']:.1f} s + load {r['load_seconds']:.1f} s")
    notes.extend(ratios(results))
    notes.append("'start s' is start-up before the clock: model load (spaCy, local-1), pool spawn and warm-up "
                 "(local-2), cluster start and worker warm-up (Dask)")
    notes.append(f"load average before: {load_before}; after: {load_after}")
    print("\n".join(lines + [""] + notes))
    if not args.no_append:
        from detente.version import coder_id

        results_file = Path(args.results)
        header = "" if results_file.exists() else (
            "# Benchmark results\n\nAppended by `bench/scale.py`: one section per run, newest last.\n"
        )
        section = [
            "", f"## {datetime.now():%Y-%m-%d %H:%M}: {n} articles, partitions of {args.partition_size}", "",
            f"Machine: {machine()}. Coder: {coder_id()}.", "", *lines, "", *(f"- {note}" for note in notes), "",
        ]
        with results_file.open("a", encoding="utf-8") as out:
            out.write(header + "\n".join(section))
        print(f"appended to {results_file}")


if __name__ == "__main__":
    main()
