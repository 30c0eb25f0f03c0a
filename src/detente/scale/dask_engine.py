"""Code a corpus on a Dask cluster into Parquet, with the very stage functions ``ingest`` uses.

The client reads the inputs and gives each article its store id (``assign_identity``), then
sends partitions of ``partition_size`` articles to the workers. A worker codes a partition with
``jobs.coding.code_chunk`` (language, coding, fingerprints: the same call as a local ingest),
turns the outcomes into rows with ``store.rows`` and writes them as Parquet under ``out``, by
publication month (``scale.parquet``). Only counts and failures travel back to the client.
``detente load`` (``scale.parquet.load``) then puts the directory into a DuckDB store.

>>> summary = run(["corpus/*.jsonl"], "out/", workers=2)           # doctest: +SKIP
>>> summary.line()                                                  # doctest: +SKIP
'46 read: 46 written to /data/out (45 coded, 1 not English); 301 event mentions in 14 month partitions; ...'

Each worker process loads the spaCy model once, on its first partition (``load_pipeline`` is
cached per process), and codes one partition at a time whatever its thread count. Workers
need the same detente as the client: a partition coded by another coder version fails.
"""

from __future__ import annotations

import glob
import logging
import re
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields as dataclass_fields
from datetime import date
from pathlib import Path, PurePosixPath
from typing import IO, Any

from detente.ingest.readers import MAX_BYTES
from detente.ingest.sources import FieldMap, detect_format, iter_documents, read_data
from detente.ingest.tables import read_csv, read_jsonl_records, record_to_article
from detente.ingest.warc import read_warc
from detente.jobs.coding import chunked
from detente.records import Article, Failure
from detente.scale.parquet import (
    LoadSummary, filesystem, prepare_output, table_schemas, write_failures, write_manifest, write_partition,
)
from detente.store.database import Store, StoredArticle, now_utc
from detente.store.rows import assign_identity
from detente.version import coder_id

OnFailure = Callable[[Failure], None]
OnPartition = Callable[[int, "PartitionResult"], None]
PARQUET_SUFFIXES = (".parquet", ".pq")
_URL = re.compile(r"(?i)^([a-z][a-z0-9+.-]*)://")
_CODING = threading.Lock()  # a worker with several threads still codes one partition at a time


@dataclass(slots=True)
class PartitionResult:
    """What a worker sends back for one partition: counts and failures, never the rows."""

    months: dict[str, int] = field(default_factory=dict)
    stored: int = 0
    coded: int = 0
    not_english: int = 0
    events: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    model: str | None = None


@dataclass(slots=True)
class DaskSummary:
    read: int = 0
    stored: int = 0  # articles written to the output (coded or kept uncoded as not English)
    coded: int = 0
    not_english: int = 0
    repeated_in_input: int = 0
    failed: int = 0
    events: int = 0
    partitions: int = 0
    months: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    workers: int = 0
    scheduler: str = ""
    cluster_seconds: float = 0.0  # starting the LocalCluster, or connecting to the scheduler
    seconds: float = 0.0
    run_id: str = ""
    coder: str = ""
    model: str | None = None
    out: str = ""
    coding_seconds: float = 0.0  # until the last partition was written (and, with a store, loaded)
    loaded: LoadSummary | None = None  # what a run with a store (``--load``) put into it

    def line(self) -> str:
        text = f"{self.read} read: {self.stored} written to {self.out} ({self.coded} coded, {self.not_english} not English)"
        if self.repeated_in_input:
            text += f", {self.repeated_in_input} repeated in the input"
        text += f"; {self.events} event mentions in {len(self.months)} month partitions"
        if self.failed:
            text += f"; {self.failed} failed (see {self.out}/failures.jsonl)"
        if self.loaded is not None:
            text += f"; loaded {self.loaded.articles} new articles"
            if self.loaded.already_stored:
                text += f" ({self.loaded.already_stored} already stored)"
            if self.loaded.canonical_events:
                text += f" in {self.loaded.canonical_events} canonical events"
        rate = self.stored / self.seconds if self.seconds else 0.0
        return text + f"; {self.workers} workers; {self.seconds:.1f} s ({rate:.1f} articles/s)"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _ignore(failure: Failure) -> None:
    pass


# -- reading (on the client) ----------------------------------------------------------------------


def read_parquet_articles(source: str | IO[bytes], name: str, fields: FieldMap = FieldMap()) -> Iterator[Article | Failure]:
    """Articles from a Parquet file whose columns are named as ``fields`` says; a bad row is a
    ``Failure`` named ``name:row N`` (rows counted from 1), like a bad CSV row.

    >>> [a.doc_id for a in read_parquet_articles("dump.parquet", "dump.parquet")]   # doctest: +SKIP
    ['r1', 'r2']
    """
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(source)
    except Exception as err:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        yield Failure(name, f"not a readable Parquet file ({type(err).__name__}: {err})")
        return
    available = parquet.schema_arrow.names
    # only the mapped columns (a dotted name reaches into a struct column)
    wanted = [c for c in dict.fromkeys(getattr(fields, f.name).split(".")[0] for f in dataclass_fields(fields)) if c in available]
    if fields.text.split(".")[0] not in available:
        yield Failure(name, f"no '{fields.text}' column (the document text); the columns are {', '.join(available[:12])}")
        return
    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=512, columns=wanted):
            for record in batch.to_pylist():
                row += 1
                yield record_to_article(record, fields, f"{name}:row {row}")
    except Exception as err:  # noqa: BLE001 - a corrupt row group ends the file, not the run
        yield Failure(f"{name}:row {row + 1}", f"cannot read further ({type(err).__name__}: {err})")


def _read_stream(stream: IO[bytes], name: str, fields: FieldMap) -> Iterator[Article | Failure]:
    """One remote file: Parquet by its suffix, else detected like a local file; record formats
    are streamed, a single document is read whole (up to the same size limit as locally)."""
    if name.lower().endswith(PARQUET_SUFFIXES):
        yield from read_parquet_articles(stream, name, fields)
        return
    head = stream.read(4096)
    fmt = detect_format(name, head)
    stream.seek(0)
    if fmt == "jsonl":
        yield from read_jsonl_records(stream, name, fields)
    elif fmt in ("csv", "tsv"):
        yield from read_csv(stream, name, fields, delimiter="\t" if fmt == "tsv" else ",")
    elif fmt == "warc":
        yield from read_warc(stream, name)
    else:
        data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            yield Failure(name, f"file too large (over {MAX_BYTES:,} bytes)")
            return
        yield from read_data(data, name, fields, doc_id=PurePosixPath(name.split("://", 1)[-1]).stem, fmt=fmt)


def _read_fsspec(spec: str, fields: FieldMap) -> Iterator[Article | Failure]:
    """``s3://bucket/news/*.jsonl`` and any other fsspec URL: globs expanded, each file read once.

    Credentials come from the environment as fsspec's backends take them (``AWS_PROFILE``...).
    """
    import fsspec

    try:
        files = fsspec.open_files(spec, mode="rb")
    except Exception as err:  # noqa: BLE001 - unknown protocol, missing backend, bad credentials
        yield Failure(spec, f"cannot open ({type(err).__name__}: {err})")
        return
    if not files:
        yield Failure(spec, "no files match this pattern")
        return
    for file in files:
        name = file.fs.unstrip_protocol(file.path)
        try:
            with file as stream:
                yield from _read_stream(stream, name, fields)
        except FileNotFoundError:
            yield Failure(name, "no such file")
        except Exception as err:  # noqa: BLE001 - one unreadable object must not stop the run
            yield Failure(name, f"cannot read ({type(err).__name__}: {err})")


def _read_local_parquet(spec: str, fields: FieldMap) -> Iterator[Article | Failure]:
    paths = [spec] if Path(spec).exists() else sorted(glob.glob(spec, recursive=True))
    if not paths:
        yield Failure(spec, "no files match this pattern" if re.search(r"[*?[]", spec) else "no such file or directory")
    for path in paths:
        yield from read_parquet_articles(path, path, fields)


def read_inputs(inputs: Iterable[str], fields: FieldMap = FieldMap()) -> Iterator[Article | Failure]:
    """Every document of the inputs: fsspec URLs (``s3://``, ``gs://``, ``memory://``...) through
    fsspec, Parquet files and globs of them with pyarrow, everything else with ``iter_documents``
    (paths, folders, globs, http(s) URLs), exactly as a local ingest reads it.

    >>> [d.doc_id for d in read_inputs(["memory://corpus/a.txt"])]     # doctest: +SKIP
    ['a']
    """
    for spec in map(str, inputs):
        url = _URL.match(spec)
        if url and url.group(1).lower() not in ("http", "https"):
            yield from _read_fsspec(spec, fields)
        elif not url and spec.lower().endswith(PARQUET_SUFFIXES):
            yield from _read_local_parquet(spec, fields)
        else:
            yield from iter_documents([spec], fields)


def _identified(
    documents: Iterable[Article | Failure], published: date | None, summary: DaskSummary, fail: OnFailure
) -> Iterator[Article]:
    """Articles with their store ids, in input order, each id once (as ``ingest`` does)."""
    seen: set[str] = set()
    for doc in documents:
        if isinstance(doc, Failure):
            fail(doc)
            continue
        summary.read += 1
        if published is not None and doc.published is None:
            doc.published, doc.published_from = published, "caller"
        assign_identity(doc)
        if doc.doc_id in seen:
            summary.repeated_in_input += 1
            continue
        seen.add(doc.doc_id)
        yield doc


# -- coding (on the workers) ----------------------------------------------------------------------


def code_partition(index: int, articles: Sequence[Article], out: str, *, coder: str, run_id: str) -> PartitionResult:
    """A worker's task: code one partition and write it under ``out``; → counts and failures."""
    from detente.jobs.coding import code_chunk
    from detente.nlp import load_pipeline, model_id

    warnings.filterwarnings("ignore", category=UserWarning, module="spacy")
    mine = coder_id()
    if mine != coder:
        raise RuntimeError(f"this worker runs coder {mine}, the client {coder}: install the same detente on every node")
    with _CODING:
        outcomes = code_chunk(articles)
    batch = [o for o in outcomes if isinstance(o, StoredArticle)]
    result = PartitionResult(failures=[o for o in outcomes if isinstance(o, Failure)])
    # the coder's model, also for articles without events (ingest takes it from an event)
    result.model = model_id(load_pipeline()) if any(o.status == "coded" for o in batch) else None
    result.months = write_partition(out, index, batch, coder=coder, model=result.model, run_id=run_id)
    languages: Counter[str] = Counter(o.article.language or "und" for o in batch)
    result.languages = dict(languages)
    result.stored = len(batch)
    result.coded = sum(o.status == "coded" for o in batch)
    result.not_english = sum(o.status == "not-english" for o in batch)
    result.events = sum(len(o.events) for o in batch)
    return result


def warm_up_worker() -> None:
    """Load what a worker loads once, before its first partition: everything coding needs
    (``jobs.coding.warm_up``) and the Parquet writer's table schemas. Run it as a task
    (``client.submit(warm_up_worker, workers=[address], pure=False)``), not with ``client.run``:
    a task runs in the thread that codes, and memory that glibc gave another thread does not
    serve it (the first partitions after a ``client.run`` warm-up coded 1.5x slower)."""
    from detente.jobs.coding import warm_up

    warm_up()
    table_schemas()


def _merge(summary: DaskSummary, result: PartitionResult) -> None:
    summary.stored += result.stored
    summary.coded += result.coded
    summary.not_english += result.not_english
    summary.events += result.events
    summary.model = summary.model or result.model
    for month, n in result.months.items():
        summary.months[month] = summary.months.get(month, 0) + n
    for language, n in result.languages.items():
        summary.languages[language] = summary.languages.get(language, 0) + n


def code_partitions(client: Any, articles: Iterable[Article], out: str, partition_size: int,
                    summary: DaskSummary, fail: OnFailure, on_partition: OnPartition | None = None) -> None:
    """Code ``articles`` on the client's cluster, ``partition_size`` per task, counting into
    ``summary`` (whose ``coder`` and ``run_id`` the workers must match and stamp).

    Partitions are submitted as the input is read, at most a few per worker in flight, so
    neither the client nor the scheduler ever holds the whole corpus. A partition whose task
    fails (a lost worker, another coder) becomes one ``Failure`` per article. ``on_partition``
    is called with each written partition's index and result as its task completes (the
    workers go on with the partitions in flight meanwhile).
    """
    from distributed import as_completed

    pending: dict[Any, tuple[int, list[Article]]] = {}
    done = as_completed(loop=client.loop)

    def collect(future: Any) -> None:
        index, chunk = pending.pop(future)
        try:
            result = future.result()
        except Exception as err:  # noqa: BLE001 - a lost worker or a crash fails its partition only
            for article in chunk:
                fail(Failure(article.origin or article.source_id or article.doc_id,
                             f"worker error: {type(err).__name__}: {err}", stage="code"))
            return
        finally:
            future.release()
        _merge(summary, result)
        for failure in result.failures:
            fail(failure)
        if on_partition is not None:
            on_partition(index, result)

    for index, chunk in enumerate(chunked(articles, partition_size)):
        future = client.submit(code_partition, index, chunk, out, coder=summary.coder, run_id=summary.run_id,
                               key=f"detente-code-{summary.run_id}-{index:06d}")
        pending[future] = (index, chunk)
        done.add(future)
        summary.partitions += 1
        while len(pending) >= max(4, 2 * len(client.nthreads())):
            collect(next(done))
    for future in done:
        collect(future)


def _close(cluster: Any) -> None:
    """Close a LocalCluster we started. A worker holding the model can take seconds to exit; its
    nanny then kills it, which is harmless once the run is over, so its warning is not shown."""
    nanny = logging.getLogger("distributed.nanny")
    level = nanny.level
    nanny.setLevel(logging.ERROR)
    try:
        cluster.close()
    finally:
        nanny.setLevel(level)


# How a coding worker differs from Dask's defaults. Nanny starts workers with
# MALLOC_TRIM_THRESHOLD_=65536, which makes glibc hand freed memory back to the system at once:
# spaCy allocates and frees all the time, and codes 15% slower so (9.8 s against 11.3 s for 320
# articles in one process, measured here). The workers also sample themselves, a profiler every
# 10 ms and a GIL probe every 1 ms, for dashboards a coding run does not show.
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}


def local_cluster(workers: int) -> Any:
    """A ``LocalCluster`` for coding: ``workers`` single-threaded processes on 127.0.0.1, no
    dashboard, the workers' self-sampling off (``WORKER_CONFIG``)."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(WORKER_CONFIG):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            dashboard_address=None, host="127.0.0.1")


def run(
    inputs: list[str],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    fields: FieldMap | None = None,
    published: date | None = None,
    partition_size: int = 64,
    on_failure: OnFailure | None = None,
    store: Store | None = None,
) -> DaskSummary:
    """Code ``inputs`` on Dask into Parquet datasets under ``out`` (a directory every worker can
    write to: local, a shared file system, or an fsspec URL such as ``s3://bucket/run-1``).

    Without ``scheduler``, starts a ``LocalCluster`` of ``workers`` single-threaded processes on
    127.0.0.1 and closes it at the end; with ``scheduler="HOST:PORT"`` uses that cluster. A
    previous run's output in ``out`` is replaced. Failures (unreadable inputs, coder errors, lost
    workers) are written to ``out/failures.jsonl``, passed to ``on_failure`` and counted; the
    run goes on. ``out/_SUCCESS`` is written last, with the run id, coder and counts.

    With a ``store`` (``--load``; ``out`` must then be local), each partition is loaded into it
    as its task completes, and the run ends with ``load``'s duplicate groups and canonical
    events, before ``_SUCCESS``: the store ends as ``detente load out`` would leave it.
    """
    from distributed import Client

    from detente.scale.live import LiveLoader

    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")
    started, started_at = time.monotonic(), now_utc()
    summary = DaskSummary(coder=coder_id(), run_id=f"{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}")
    command = f"ingest --engine dask {' '.join(map(str, inputs))}"
    loader = None
    if store is not None:
        # before anything is touched: a remote --out is refused here
        loader = LiveLoader(store, out, run_id=summary.run_id, coder=summary.coder, command=f"{command} --load"[:2000],
                            started_at=started_at)
    fs, root = filesystem(out)
    summary.out = fs.unstrip_protocol(root) if "://" in str(out) else root
    prepare_output(summary.out)
    failures: list[Failure] = []
    report = on_failure or _ignore

    def fail(failure: Failure) -> None:
        failures.append(failure)
        summary.failed += 1
        report(failure)

    cluster = None
    try:
        if scheduler is None:
            cluster = local_cluster(workers)
        address = cluster if cluster is not None else (scheduler if "://" in scheduler else f"tcp://{scheduler}")
        try:
            client = Client(address, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise ConnectionError(
                f"cannot reach the Dask scheduler at {scheduler} ({err}): start it first (see docs/scaling.md), "
                "or leave --scheduler out to run a local cluster"
            ) from None
        with client:
            summary.cluster_seconds = time.monotonic() - started
            summary.scheduler = client.scheduler.address
            summary.workers = len(client.nthreads())
            documents = read_inputs(inputs, fields or FieldMap())
            on_partition: OnPartition | None = None
            if loader is not None:
                loader.begin()
                on_partition = lambda index, result: loader.partition(index, result.months)  # noqa: E731
            code_partitions(client, _identified(documents, published, summary, fail), summary.out, partition_size,
                            summary, fail, on_partition)
            summary.coding_seconds = time.monotonic() - started
    finally:
        if cluster is not None:
            _close(cluster)
    write_failures(summary.out, failures)
    if loader is not None:
        summary.loaded = loader.finish(failures)
    summary.seconds = time.monotonic() - started
    if loader is not None:
        loader.close_run(_counts(summary), summary.model)
    write_manifest(summary.out, {
        "run_id": summary.run_id,
        "coder": summary.coder,
        "model": summary.model,
        "command": command,
        "started_at": started_at.isoformat(),
        "finished_at": now_utc().isoformat(),
        "summary": _counts(summary),
    })
    return summary


def _counts(summary: DaskSummary) -> dict[str, object]:
    """The run's summary as the manifest and ``runs`` keep it: the counts of the run alone
    (what a load did is kept apart, under ``loaded``)."""
    counts = summary.to_dict()
    counts.pop("loaded", None)
    return counts
