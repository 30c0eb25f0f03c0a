"""The Parquet output of a distributed run: written by the workers, loaded into the DuckDB store.

A run's output directory holds one Parquet dataset per store table, partitioned by the month
the article was published (hive style, ``unknown`` when it has no date). An article's events,
entities and fingerprint rows sit in the article's month, so a month partition is a set of
whole articles and loads in one transaction::

    out/articles/published_month=2016-03/part-00003.parquet
    out/events/…  out/entities/…  out/fingerprints/…  out/bands/…  out/terms/…
    out/failures.jsonl      one JSON object per failure: where, reason, stage
    out/_SUCCESS            the manifest (run id, coder, counts), written last

>>> with Store.open("detente.duckdb") as store:          # doctest: +SKIP
...     print(load(store, "out/").line())
40 new articles in 14 month partitions; 312 event mentions in 187 canonical events (touched by this load); ...

The files use the store's own column types (read off ``store.schema``'s migrations), so a
Parquet file and the table it loads into never disagree.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from detente.records import Article, Failure
from detente.store.database import Store, StoreError, StoredArticle, migrate, now_utc
from detente.store.rows import article_row, entity_rows, event_row, fingerprint_rows

# output directory → store table; articles first: the others load only for new articles
TABLES = {
    "articles": "articles",
    "events": "events",
    "entities": "entities",
    "fingerprints": "article_fingerprints",
    "bands": "article_bands",
    "terms": "article_terms",
}
PARTITION = "published_month"
UNKNOWN_MONTH = "unknown"
MANIFEST = "_SUCCESS"
FAILURES = "failures.jsonl"
OUTPUT_NAMES = frozenset(TABLES) | {MANIFEST, FAILURES}


class LoadError(StoreError):
    """An output directory that cannot be loaded, stated for the person at the keyboard."""


@functools.cache
def table_schemas() -> dict[str, pa.Schema]:
    """Arrow schemas of the output tables, taken from an empty in-memory store.

    ``minhash`` is ``list<uint64>`` and dates are ``date32``, exactly as DuckDB holds them.
    """
    con = duckdb.connect()
    try:
        migrate(con)
        return {name: con.sql(f"SELECT * FROM {table} LIMIT 0").arrow().schema for name, table in TABLES.items()}
    finally:
        con.close()


def month_of(article: Article) -> str:
    """The partition of an article: ``2016-03``, or ``unknown`` without a publication date."""
    return f"{article.published:%Y-%m}" if article.published else UNKNOWN_MONTH


def partition_rows(
    batch: Sequence[StoredArticle], *, coder: str, model: str | None, run_id: str, now: datetime
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{month: {table: rows}}`` for a batch of coded articles, with ``store.rows``' functions,
    exactly as ``Store.add_articles`` lays them out.

    >>> rows = partition_rows([StoredArticle(Article("a1", "Talks."), [], "coded")],
    ...                       coder="c", model=None, run_id="r", now=datetime(2016, 1, 1))
    >>> list(rows), len(rows["unknown"]["articles"])
    (['unknown'], 1)
    """
    months: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for item in batch:
        tables = months.setdefault(month_of(item.article), {name: [] for name in TABLES})
        tables["articles"].append(article_row(
            item.article, status=item.status, n_events=len(item.events), coder=coder, model=model,
            run_id=run_id, now=now, language_confidence=item.language_confidence,
        ))
        for event in item.events:
            tables["events"].append(event_row(event))
            tables["entities"].extend(entity_rows(event))
        if item.fingerprint is not None:
            head, bands, terms = fingerprint_rows(item.article.doc_id, item.fingerprint)
            tables["fingerprints"].append(head)
            tables["bands"].extend(bands)
            tables["terms"].extend(terms)
    return months


def filesystem(out: str | Path) -> tuple[Any, str]:
    """The fsspec filesystem and root path of ``out``: a local directory or a URL (``s3://b/run``)."""
    from fsspec.core import url_to_fs

    spec = str(out)
    if "://" not in spec:
        spec = str(Path(spec).resolve())
    return url_to_fs(spec)


def part_file(index: int) -> str:
    """The file name of partition ``index`` in every table and month: fixed, so that a task Dask
    runs again replaces its own file."""
    return f"part-{index:05d}.parquet"


def write_partition(
    out: str | Path, index: int, batch: Sequence[StoredArticle], *, coder: str, model: str | None, run_id: str
) -> dict[str, int]:
    """Write one partition of coded articles under ``out``; returns ``{month: articles}``.

    Each file is written under a temporary name and then renamed, and its name is fixed by
    ``index``: a task that Dask runs again (its worker died) replaces its own file, never
    leaving half a file or a second copy.
    """
    fs, root = filesystem(out)
    schemas = table_schemas()
    months = partition_rows(batch, coder=coder, model=model, run_id=run_id, now=now_utc())
    for name in TABLES:
        sizes = [(month, len(tables[name])) for month, tables in months.items() if tables[name]]
        if not sizes:
            continue
        # one Arrow table per store table, sliced by month: building ~100 small tables took as
        # long as encoding them (a partition of 64 demo articles spans 18 months)
        whole = pa.Table.from_pylist([row for month, _ in sizes for row in months[month][name]], schema=schemas[name])
        offset = 0
        for month, size in sizes:
            folder = f"{root}/{name}/{PARTITION}={month}"
            fs.makedirs(folder, exist_ok=True)
            final = f"{folder}/{part_file(index)}"
            temporary = f"{folder}/.part-{index:05d}-{uuid.uuid4().hex[:8]}.tmp"
            with fs.open(temporary, "wb") as stream:
                pq.write_table(whole.slice(offset, size), stream)
            fs.mv(temporary, final)
            offset += size
    return {month: len(tables["articles"]) for month, tables in months.items()}


def partition_files(directory: str | Path, index: int, months: Iterable[str]) -> dict[str, list[str]]:
    """``{table: files}`` that ``write_partition`` wrote for partition ``index`` in ``months``
    (a table without rows in a month has no file there)."""
    files: dict[str, list[str]] = {}
    for name in TABLES:
        paths = (Path(directory) / name / f"{PARTITION}={month}" / part_file(index) for month in sorted(months))
        files[name] = [str(path) for path in paths if path.is_file()]
    return files


def prepare_output(out: str | Path) -> None:
    """Make ``out`` ready for a run: create it, or clear a previous run's output from it.

    A directory holding anything else is refused rather than mixed with a run's files.
    """
    fs, root = filesystem(out)
    if not fs.exists(root):
        fs.makedirs(root, exist_ok=True)
        return
    names = {entry.rstrip("/").rsplit("/", 1)[-1] for entry in fs.ls(root, detail=False)}
    strangers = sorted(names - OUTPUT_NAMES)
    if strangers:
        raise FileExistsError(
            f"{out} holds files that are not a detente run's output ({', '.join(strangers[:5])}): "
            "choose an empty or new directory"
        )
    for name in names:
        fs.rm(f"{root}/{name}", recursive=True)


def write_failures(out: str | Path, failures: Sequence[Failure]) -> None:
    fs, root = filesystem(out)
    with fs.open(f"{root}/{FAILURES}", "w", encoding="utf-8") as stream:
        for failure in failures:
            stream.write(json.dumps(
                {"where": failure.where, "reason": failure.reason, "stage": failure.stage}, ensure_ascii=False
            ) + "\n")


def write_manifest(out: str | Path, manifest: dict[str, Any]) -> None:
    """Write the manifest last: its presence says every partition and the failures are written."""
    fs, root = filesystem(out)
    with fs.open(f"{root}/{MANIFEST}", "w", encoding="utf-8") as stream:
        stream.write(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise LoadError(
            f"{directory} has no {MANIFEST} manifest: the run that wrote it did not finish, or it is not "
            "the output of `detente ingest --engine dask`"
        )
    try:
        return json.loads(path.read_text("utf-8"))
    except ValueError as err:
        raise LoadError(f"{path} is not a valid manifest: {err}") from None


def read_failures(directory: Path) -> list[Failure]:
    path = directory / FAILURES
    if not path.is_file():
        return []
    lines = path.read_text("utf-8").splitlines()
    return [Failure(r["where"], r["reason"], r.get("stage", "ingest")) for r in map(json.loads, filter(str.strip, lines))]


@dataclass(slots=True)
class LoadSummary:
    run_id: str = ""
    coder: str = ""
    months: int = 0
    articles: int = 0  # new articles stored by this load
    already_stored: int = 0
    copies_of_stored_text: int = 0
    events: int = 0
    failures: int = 0  # failures of the run recorded by this load (0 when it was loaded before)
    near_duplicates: int = 0
    canonical_events: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        text = f"{self.articles} new articles in {self.months} month partitions"
        if self.already_stored:
            text += f", {self.already_stored} already stored"
        if self.copies_of_stored_text:
            text += f", {self.copies_of_stored_text} copies of a stored text from another source"
        text += f"; {self.events} event mentions"
        if self.canonical_events:
            text += f" in {self.canonical_events} canonical events (touched by this load)"
        if self.failures:
            text += f"; {self.failures} failure{'s' if self.failures > 1 else ''} recorded (see `detente failures`)"
        return text + f"; run {self.run_id}; {self.seconds:.1f} s"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _files(directory: Path, name: str, month: str) -> list[str]:
    return sorted(str(p) for p in (directory / name / f"{PARTITION}={month}").glob("*.parquet"))


# every read: the files bound as the first parameter, the month column (from the path) dropped.
# Not union_by_name: every file of a run has its table's schema (``table_schemas``), and reading
# every file's schema first took 40% of the time of a read of small files.
_SCAN = (
    f"(SELECT * EXCLUDE ({PARTITION}) FROM read_parquet(?, hive_partitioning = true, "
    f"hive_types = {{'{PARTITION}': VARCHAR}}))"
)


# Articles loaded per transaction, whole months at a time: one scan of the files per table for a
# batch of months, instead of one per month (18 months of 1,000 articles loaded in 1.8 s one by
# one), while a crash still loses at most a batch, which the next load redoes.
LOAD_BATCH = 50_000


def month_batches(months: Sequence[str], counts: dict[str, int], batch: int = LOAD_BATCH) -> list[list[str]]:
    """Consecutive months grouped up to ``batch`` articles (by the manifest's counts; a month it
    does not count is a batch of its own)."""
    out: list[list[str]] = []
    size = 0
    for month in months:
        n = counts.get(month)
        if n is None or not out or size + n > batch:
            out.append([month])
            size = n if n is not None else batch
        else:
            out[-1].append(month)
            size += n
    return out


@dataclass(slots=True)
class Loaded:
    """What one transaction of a load did."""

    new_ids: list[str] = field(default_factory=list)
    already_stored: int = 0
    copies_of_stored_text: int = 0  # new articles whose text another run already stored
    events: int = 0


def load_files(store: Store, files: Mapping[str, Sequence[str]], run_id: str) -> Loaded:
    """Insert the articles of ``files`` (``{table: Parquet files}``, whole articles) that the
    store does not hold yet, with their rows in every other table, in one transaction.

    Each file is read once: the articles into a temporary table that decides what is new, every
    other table straight into the store, only the rows of the new articles.

    >>> load_files(store, partition_files("out/", 7, ["2016-03"]), run_id).new_ids   # doctest: +SKIP
    ['0c1f...', ...]
    """
    con = store.con
    loaded = Loaded()
    if not files.get("articles"):
        return loaded
    with store.transaction():
        con.execute(f"CREATE OR REPLACE TEMP TABLE _load_articles AS SELECT * FROM {_SCAN}", [list(files["articles"])])
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _load_new AS
               SELECT article_id, content_hash FROM _load_articles
               WHERE article_id NOT IN (SELECT article_id FROM articles)"""
        )
        loaded.new_ids = [r[0] for r in con.sql("SELECT article_id FROM _load_new ORDER BY 1").fetchall()]
        total = con.sql("SELECT count(DISTINCT article_id) FROM _load_articles").fetchall()[0][0]
        loaded.already_stored = total - len(loaded.new_ids)
        if loaded.new_ids:
            loaded.copies_of_stored_text = con.execute(
                """SELECT count(*) FROM _load_new WHERE content_hash IN
                   (SELECT content_hash FROM articles WHERE run_id IS DISTINCT FROM ?)""",
                [run_id],
            ).fetchall()[0][0]
            con.execute("INSERT INTO articles BY NAME SELECT * FROM _load_articles WHERE article_id IN (SELECT article_id FROM _load_new)")
            for name, table in TABLES.items():
                if name == "articles" or not files.get(name):
                    continue
                inserted = con.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM {_SCAN} WHERE article_id IN (SELECT article_id FROM _load_new)",
                    [list(files[name])],
                ).fetchall()[0][0]
                if name == "events":
                    loaded.events = inserted
        con.execute("DROP TABLE _load_articles")
        con.execute("DROP TABLE _load_new")
    return loaded


def add_loaded(summary: LoadSummary, loaded: Loaded, new_ids: list[str]) -> None:
    """Count one transaction of a load into ``summary``, its new ids into ``new_ids``."""
    new_ids.extend(loaded.new_ids)
    summary.articles += len(loaded.new_ids)
    summary.already_stored += loaded.already_stored
    summary.copies_of_stored_text += loaded.copies_of_stored_text
    summary.events += loaded.events


def group_and_cluster(store: Store, new_ids: Sequence[str], summary: LoadSummary) -> None:
    """Put the loaded articles into duplicate groups and re-cluster the canonical events they
    touch, once for the whole load, as ``ingest`` does at its end."""
    from detente.dedup.clusters import cluster_events
    from detente.dedup.duplicates import group_duplicates

    if not new_ids:
        return
    changed = group_duplicates(store, new_ids)
    summary.near_duplicates = sum(1 for a, g in changed.items() if a != g)
    summary.canonical_events = cluster_events(store, new_ids).clusters


def record_run(store: Store, manifest: Mapping[str, Any], directory: str | Path) -> None:
    """The run as a row of ``runs``, from its manifest (or what a live load knows of it so far)."""
    def stamp(key: str) -> datetime | None:
        value = manifest.get(key)
        return datetime.fromisoformat(value) if value else None

    store.con.execute(
        "INSERT INTO runs (run_id, command, started_at, finished_at, coder, model, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [manifest["run_id"], str(manifest.get("command") or f"ingest --engine dask --out {directory}")[:2000],
         stamp("started_at") or now_utc(), stamp("finished_at"), manifest.get("coder"), manifest.get("model"),
         json.dumps(manifest.get("summary", {}), default=str)],
    )


def load(store: Store, directory: str | Path) -> LoadSummary:
    """Load a run's output directory into the store; idempotent, one transaction per batch of
    whole months (``LOAD_BATCH`` articles).

    Articles already in the store are skipped with all their rows (loading twice adds nothing).
    The run itself becomes a row of ``runs`` (the articles name it in ``run_id``), and its
    failures are recorded the first time the run is loaded. Then new articles join duplicate
    groups and their events are clustered into canonical events, as after ``ingest``.
    """
    started = time.monotonic()
    folder = Path(directory)
    if "://" in str(directory):
        raise LoadError(f"{directory}: load reads a local directory; copy the run's output down first")
    manifest = read_manifest(folder)
    summary = LoadSummary(run_id=str(manifest.get("run_id", "")), coder=str(manifest.get("coder", "")))
    if not summary.run_id:
        raise LoadError(f"{folder / MANIFEST} names no run_id")
    first_load = not store.con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [summary.run_id]).fetchall()[0][0]
    if first_load:
        # failures first, then the run row that marks them recorded: a load that crashes
        # between the two records them again on its next try, which only bumps their count
        failures = read_failures(folder)
        store.record_failures(failures, summary.run_id)
        summary.failures = len(failures)
        record_run(store, manifest, folder)
    months = sorted(p.name.split("=", 1)[1] for p in (folder / "articles").glob(f"{PARTITION}=*") if p.is_dir())
    summary.months = len(months)
    new_ids: list[str] = []
    counts = {str(k): int(v) for k, v in (manifest.get("summary", {}).get("months") or {}).items()}
    for batch in month_batches(months, counts):
        files = {name: [f for month in batch for f in _files(folder, name, month)] for name in TABLES}
        add_loaded(summary, load_files(store, files, summary.run_id), new_ids)
    group_and_cluster(store, new_ids, summary)
    summary.seconds = time.monotonic() - started
    if new_ids:
        merged = dict(manifest.get("summary", {}), loaded=summary.to_dict(), loaded_at=now_utc().isoformat(timespec="seconds"))
        store.con.execute("UPDATE runs SET summary = ? WHERE run_id = ?", [json.dumps(merged, default=str), summary.run_id])
    return summary
