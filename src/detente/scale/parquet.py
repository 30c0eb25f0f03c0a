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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
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
    counts: dict[str, int] = {}
    for month, tables in partition_rows(batch, coder=coder, model=model, run_id=run_id, now=now_utc()).items():
        counts[month] = len(tables["articles"])
        for name, rows in tables.items():
            if not rows:
                continue
            folder = f"{root}/{name}/{PARTITION}={month}"
            fs.makedirs(folder, exist_ok=True)
            final = f"{folder}/part-{index:05d}.parquet"
            temporary = f"{folder}/.part-{index:05d}-{uuid.uuid4().hex[:8]}.tmp"
            with fs.open(temporary, "wb") as stream:
                pq.write_table(pa.Table.from_pylist(rows, schema=schemas[name]), stream)
            fs.mv(temporary, final)
    return counts


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


# every read: the files bound as the first parameter, the month column (from the path) dropped
_SCAN = (
    f"(SELECT * EXCLUDE ({PARTITION}) FROM read_parquet(?, hive_partitioning = true, "
    f"hive_types = {{'{PARTITION}': VARCHAR}}, union_by_name = true))"
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


def _load_months(store: Store, directory: Path, months: Sequence[str]) -> tuple[list[str], int, int]:
    """Insert the months' articles not yet stored, with their rows in every other table, in one
    transaction; → (new article ids, articles already stored, new events)."""
    con = store.con
    articles = [f for month in months for f in _files(directory, "articles", month)]
    if not articles:
        return [], 0, 0
    with store.transaction():
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _load_new AS
                SELECT DISTINCT article_id FROM {_SCAN}
                WHERE article_id NOT IN (SELECT article_id FROM articles)""",
            [articles],
        )
        new_ids = [r[0] for r in con.sql("SELECT article_id FROM _load_new ORDER BY 1").fetchall()]
        total = con.execute(f"SELECT count(DISTINCT article_id) FROM {_SCAN}", [articles]).fetchall()[0][0]
        events = 0
        for name, table in TABLES.items():
            files = [f for month in months for f in _files(directory, name, month)]
            if not files or not new_ids:
                continue
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM {_SCAN} WHERE article_id IN (SELECT article_id FROM _load_new)",
                [files],
            )
            if name == "events":
                events = con.execute(
                    f"SELECT count(*) FROM {_SCAN} WHERE article_id IN (SELECT article_id FROM _load_new)", [files]
                ).fetchall()[0][0]
        con.execute("DROP TABLE _load_new")
    return new_ids, total - len(new_ids), events


def _copies_of_stored_text(store: Store, directory: Path) -> int:
    """New articles whose text the store already holds from another source (before this load)."""
    files = sorted(str(p) for p in (directory / "articles").glob(f"{PARTITION}=*/*.parquet"))
    if not files:
        return 0
    return store.con.execute(
        f"""SELECT count(*) FROM {_SCAN} n
            WHERE n.article_id NOT IN (SELECT article_id FROM articles)
              AND n.content_hash IN (SELECT content_hash FROM articles)""",
        [files],
    ).fetchall()[0][0]


def _record_run(store: Store, manifest: dict[str, Any], directory: Path) -> None:
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
    from detente.dedup.clusters import cluster_events
    from detente.dedup.duplicates import group_duplicates

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
        _record_run(store, manifest, folder)
    summary.copies_of_stored_text = _copies_of_stored_text(store, folder)
    months = sorted(p.name.split("=", 1)[1] for p in (folder / "articles").glob(f"{PARTITION}=*") if p.is_dir())
    summary.months = len(months)
    new_ids: list[str] = []
    counts = {str(k): int(v) for k, v in (manifest.get("summary", {}).get("months") or {}).items()}
    for batch in month_batches(months, counts):
        ids, known, events = _load_months(store, folder, batch)
        new_ids.extend(ids)
        summary.already_stored += known
        summary.events += events
    summary.articles = len(new_ids)
    if new_ids:
        changed = group_duplicates(store, new_ids)
        summary.near_duplicates = sum(1 for a, g in changed.items() if a != g)
        summary.canonical_events = cluster_events(store, new_ids).clusters
    summary.seconds = time.monotonic() - started
    if new_ids:
        merged = dict(manifest.get("summary", {}), loaded=summary.to_dict(), loaded_at=now_utc().isoformat(timespec="seconds"))
        store.con.execute("UPDATE runs SET summary = ? WHERE run_id = ?", [json.dumps(merged, default=str), summary.run_id])
    return summary
