"""The event store: one DuckDB file, opened by one writer at a time.

>>> store = Store.open("detente.duckdb")            # doctest: +SKIP
>>> store.known_article_ids(["5f0c..."])           # doctest: +SKIP
{'5f0c...'}

DuckDB lets one process open a database file while it writes, and while it does no other
process can open the file at all, not even to read. detente therefore gives the file one owner
at a time (``detente serve`` or ``detente watch`` while they run) and turns the raw lock error
into ``DatabaseLocked``, which says which process holds the file and what to do instead.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from detente.records import Article, Event, Failure
from detente.store.rows import article_row, entity_rows, event_row, failure_id, fingerprint_rows
from detente.store.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from detente.dedup.fingerprints import Fingerprint

DEFAULT_DB = "detente.duckdb"
FINGERPRINT_SCHEMA = pa.schema([("article_id", pa.string()), ("minhash", pa.list_(pa.uint64())), ("credit", pa.string())])
_LOCK_PID = re.compile(r"Conflicting lock is held in (?P<exe>.*?) \(PID (?P<pid>\d+)\)")


class StoreError(Exception):
    """A problem with the database itself, stated for the person at the keyboard."""


class DatabaseLocked(StoreError):
    """Another process owns the database file."""

    def __init__(self, path: Path, pid: int | None, holder: str) -> None:
        self.path, self.pid, self.holder = path, pid, holder
        who = f"process {pid} ({holder})" if pid else holder
        super().__init__(
            f"{path} is in use by {who}. DuckDB lets only one process open a database while "
            "it writes. Wait for that process to finish or stop it; while `detente serve` runs, "
            "query it through its web API instead; or pass --db to use another database file."
        )


def default_path() -> Path:
    """``$DETENTE_DB``, else ``./detente.duckdb``."""
    return Path(os.environ.get("DETENTE_DB") or DEFAULT_DB)


def now_utc() -> datetime:
    """Naive UTC timestamp: DuckDB's TIMESTAMP has no zone, and the store keeps UTC in it."""
    return datetime.now(UTC).replace(tzinfo=None)


def _owner_file(path: Path) -> Path:
    return path.with_name(path.name + ".owner.json")


def _describe_holder(path: Path, pid: int | None, exe: str) -> str:
    """The holder as a person would recognise it: the detente command if it said so, else its
    command line from /proc, else the executable DuckDB reported."""
    owner = _owner_file(path)
    try:
        claimed = json.loads(owner.read_text("utf-8"))
        if pid is None or claimed.get("pid") == pid:
            described = str(claimed.get("command", "detente"))
            if claimed.get("url"):
                described += f", serving {claimed['url']}"
            return f"{described}, since {claimed.get('started_at', '?')}"
    except (OSError, ValueError):
        pass
    if pid is not None:
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
            return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)[:200]
        except OSError:
            pass
    return exe or "another process"


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as err:
        match = _LOCK_PID.search(str(err))
        if match or "Could not set lock" in str(err):
            pid = int(match["pid"]) if match else None
            raise DatabaseLocked(path, pid, _describe_holder(path, pid, match["exe"] if match else "")) from None
        raise StoreError(f"cannot open {path}: {err}") from None
    except duckdb.Error as err:
        raise StoreError(f"cannot open {path}: {err}") from None


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations this database lacks; returns the schema version."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)"
    )
    current = con.sql("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"the database has schema version {current}, newer than this detente knows ({SCHEMA_VERSION}): upgrade detente"
        )
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        con.begin()
        for statement in migration.statements:
            con.execute(statement)
        con.execute(
            "INSERT INTO schema_version VALUES (?, ?, ?)", [migration.version, migration.description, now_utc()]
        )
        con.commit()
        current = migration.version
    return current


@dataclass(slots=True)
class StoredArticle:
    """What ingestion hands the store for one article: stored with its events, or uncoded."""

    article: Article
    events: list[Event]
    status: str  # "coded" or "not-english"
    language_confidence: float | None = None
    fingerprint: Fingerprint | None = None  # for near-duplicate and same-story detection


class Store:
    """The event store. Open it with ``Store.open(path)``; use it as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con, self.path, self.read_only = con, path, read_only
        self._owned = False

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = False) -> Store:
        """Open (creating and migrating when writable) the database at ``path``."""
        db = Path(path) if path is not None else default_path()
        if read_only and not db.exists():
            raise StoreError(f"no database at {db}: run `detente ingest ... --db {db}` first")
        con = _connect(db, read_only)
        store = cls(con, db, read_only)
        if read_only:
            tables = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables").fetchall()}
            if "schema_version" not in tables:
                con.close()
                raise StoreError(f"{db} is not a detente database (no schema_version table)")
            version = con.sql("SELECT max(version) FROM schema_version").fetchall()[0][0]
            if version != SCHEMA_VERSION:
                con.close()
                raise StoreError(
                    f"{db} has schema version {version}; this detente uses {SCHEMA_VERSION}: "
                    "open it once for writing (e.g. `detente ingest` with no new input) to migrate"
                )
        else:
            migrate(con)
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owned:
            _owner_file(self.path).unlink(missing_ok=True)
            self._owned = False
        self.con.close()

    def claim(self, command: str, url: str | None = None) -> None:
        """Say who owns the file (for the message another process gets while we hold it)."""
        payload = {"pid": os.getpid(), "command": command, "started_at": now_utc().isoformat(timespec="seconds")}
        if url:
            payload["url"] = url
        _owner_file(self.path).write_text(json.dumps(payload), "utf-8")
        self._owned = True

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.begin()
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def insert_rows(self, table: str, rows: Sequence[dict[str, Any]], schema: pa.Schema | None = None) -> None:
        """Insert dict rows through Arrow (DuckDB's executemany is ~100× slower); ``schema`` where
        inference would be wrong (unsigned 64-bit hashes)."""
        if not rows:
            return
        batch = pa.Table.from_pylist(list(rows), schema=schema)
        name = f"_batch_{table}"
        self.con.register(name, batch)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
        finally:
            self.con.unregister(name)

    def known_article_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        found = self.con.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [wanted]
        ).fetchall()
        return {r[0] for r in found}

    def known_content_hashes(self, hashes: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(hashes))
        if not wanted:
            return set()
        found = self.con.execute(
            "SELECT DISTINCT content_hash FROM articles WHERE content_hash IN (SELECT unnest(?::VARCHAR[]))", [wanted]
        ).fetchall()
        return {r[0] for r in found}

    def add_articles(self, batch: Sequence[StoredArticle], run_id: str, coder: str, model: str | None) -> None:
        """Store a batch of articles with all their events, in one transaction: a crash leaves
        each article either wholly stored or absent."""
        now = now_utc()
        articles, events, entities, prints, bands, terms = [], [], [], [], [], []
        for item in batch:
            articles.append(article_row(
                item.article, status=item.status, n_events=len(item.events), coder=coder, model=model,
                run_id=run_id, now=now, language_confidence=item.language_confidence,
            ))
            for event in item.events:
                events.append(event_row(event))
                entities.extend(entity_rows(event))
            if item.fingerprint is not None:
                head, more_bands, more_terms = fingerprint_rows(item.article.doc_id, item.fingerprint)
                prints.append(head)
                bands.extend(more_bands)
                terms.extend(more_terms)
        with self.transaction():
            self.insert_rows("articles", articles)
            self.insert_rows("events", events)
            self.insert_rows("entities", entities)
            self.insert_rows("article_fingerprints", prints, FINGERPRINT_SCHEMA)
            self.insert_rows("article_bands", bands)
            self.insert_rows("article_terms", terms)

    def replace_events(self, article_id: str, events: Sequence[Event], coder: str, model: str) -> None:
        """Swap an article's events for a new coding of it, atomically."""
        with self.transaction() as con:
            con.execute("DELETE FROM entities WHERE article_id = ?", [article_id])
            con.execute("DELETE FROM events WHERE article_id = ?", [article_id])
            self.insert_rows("events", [event_row(e) for e in events])
            self.insert_rows("entities", [row for e in events for row in entity_rows(e)])
            con.execute(
                "UPDATE articles SET n_events = ?, coder = ?, model = ?, coded_at = ?, status = 'coded' WHERE article_id = ?",
                [len(events), coder, model, now_utc(), article_id],
            )

    def record_failures(self, failures: Sequence[Failure], run_id: str) -> None:
        """Remember failures; one that was met before is counted again, not duplicated."""
        if not failures:
            return
        now = now_utc()
        with self.transaction() as con:
            for failure in failures:
                con.execute(
                    """INSERT INTO failures VALUES (?, ?, ?, ?, ?, ?, 1, ?)
                       ON CONFLICT (failure_id) DO UPDATE
                       SET last_seen = excluded.last_seen, times = failures.times + 1, run_id = excluded.run_id""",
                    [failure_id(failure), failure.where, failure.reason, failure.stage, now, now, run_id],
                )

    def start_run(self, command: str, coder: str | None = None, model: str | None = None) -> str:
        run_id = f"{now_utc():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.con.execute(
            "INSERT INTO runs (run_id, command, started_at, coder, model) VALUES (?, ?, ?, ?, ?)",
            [run_id, command, now_utc(), coder, model],
        )
        return run_id

    def finish_run(self, run_id: str, summary: dict[str, Any]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
            [now_utc(), json.dumps(summary), run_id],
        )

    # -- reading ---------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        row = self.con.sql(
            """SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events),
                      (SELECT count(*) FROM failures), (SELECT count(DISTINCT content_hash) FROM articles)"""
        ).fetchall()[0]
        return {"articles": row[0], "events": row[1], "failures": row[2], "distinct_texts": row[3]}

    def failures(self, run_id: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT location, reason, stage, first_seen, last_seen, times, run_id FROM failures"
        params: list[Any] = []
        if run_id:
            query += " WHERE run_id = ?"
            params.append(run_id)
        cur = self.con.execute(query + " ORDER BY last_seen DESC, location", params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def codable_article_ids(self, stale_for: str | None = None) -> list[str]:
        """Ids of articles that were coded, optionally only those coded by another coder."""
        query = "SELECT article_id FROM articles WHERE status = 'coded'"
        params: list[Any] = []
        if stale_for is not None:
            query += " AND coder IS DISTINCT FROM ?"
            params.append(stale_for)
        return [r[0] for r in self.con.execute(query + " ORDER BY ingested_at, article_id", params).fetchall()]

    def load_articles(self, ids: Sequence[str]) -> list[Article]:
        """Stored articles by id (a list, not a cursor: the caller writes between reads)."""
        rows = self.con.execute(
            """SELECT article_id, text, title, published, published_from, url, source, source_id, origin, language
               FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY ingested_at, article_id""",
            [list(ids)],
        ).fetchall()
        return [
            Article(doc_id=r[0], text=r[1], title=r[2], published=r[3], published_from=r[4], url=r[5],
                    source=r[6], source_id=r[7], origin=r[8], language=r[9])
            for r in rows
        ]

    def event_records(self, article_id: str) -> list[str]:
        return [r[0] for r in self.con.execute(
            "SELECT record FROM events WHERE article_id = ? ORDER BY event_id", [article_id]
        ).fetchall()]
