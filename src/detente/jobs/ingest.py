"""Batch jobs over the store: ingest new documents, recode stored ones.

>>> with Store.open("detente.duckdb") as store:                       # doctest: +SKIP
...     summary = ingest(store, ["corpus/", "https://example.org/feed.xml"])
>>> summary.line()                                                     # doctest: +SKIP
'46 read: 44 stored (43 coded, 1 not English), 2 already stored, 301 events; 1 failed'

Both are idempotent and crash-safe: an article is committed together with its events, a run
killed at any point and started again codes only what is missing, and re-running a finished
run changes nothing.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import islice

from detente.dedup.clusters import cluster_events
from detente.dedup.duplicates import group_duplicates
from detente.ingest.sources import FieldMap, iter_documents
from detente.jobs.coding import CodingPool, code_chunks
from detente.jobs.progress import NoProgress, Progress
from detente.records import Article, Failure
from detente.store.database import Store, StoredArticle
from detente.store.rows import assign_identity, content_hash, event_fingerprint
from detente.version import coder_id

OnFailure = Callable[[Failure], None]
# Articles; fewer are coded in this process whatever the number of workers: a spawned worker
# takes 7-11 s to load the model here, which a few hundred articles do not pay back.
SMALL_BATCH = 400
# Articles read ahead of coding: bounds memory, and a run this small knows its total at once.
READ_AHEAD = 2000


def _ignore(failure: Failure) -> None:
    pass


@dataclass(slots=True)
class IngestSummary:
    read: int = 0
    stored: int = 0
    coded: int = 0
    not_english: int = 0
    already_stored: int = 0
    repeated_in_input: int = 0
    copies_of_stored_text: int = 0  # new articles whose text is already stored from another source
    failed: int = 0
    events: int = 0
    canonical_events: int = 0  # clusters created or updated by this run
    near_duplicates: int = 0  # stored articles that joined another article's duplicate group
    seconds: float = 0.0
    languages: dict[str, int] = field(default_factory=dict)
    run_id: str = ""

    def line(self) -> str:
        parts = [f"{self.read} read: {self.stored} stored ({self.coded} coded, {self.not_english} not English)"]
        if self.already_stored:
            parts.append(f"{self.already_stored} already stored")
        if self.repeated_in_input:
            parts.append(f"{self.repeated_in_input} repeated in the input")
        if self.copies_of_stored_text:
            parts.append(f"{self.copies_of_stored_text} copies of a stored text from another source")
        text = ", ".join(parts) + f"; {self.events} event mentions"
        if self.canonical_events:
            text += f" in {self.canonical_events} canonical events (touched by this run)"
        if self.failed:
            text += f"; {self.failed} failed (see `detente failures`)"
        rate = self.stored / self.seconds if self.seconds else 0.0
        return text + f"; {self.seconds:.1f} s ({rate:.1f} articles/s)"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class NewArticles:
    """The documents of the inputs that still need coding, in chunks, read as they are needed.

    Reading runs at most ``read_ahead`` articles ahead of coding, so memory stays bounded
    however large the input, while a run that fits in the window knows its total (and so its
    ETA) from the start. Failures are stored as they are met; articles repeated in the input or
    already in the store are counted and skipped.
    """

    def __init__(
        self, inputs: Iterable[str], store: Store, summary: IngestSummary, *, fields: FieldMap,
        published: date | None, run_id: str, on_failure: OnFailure, read_ahead: int,
    ) -> None:
        self.documents = iter(iter_documents(inputs, fields))
        self.store, self.summary, self.published = store, summary, published
        self.run_id, self.on_failure, self.read_ahead = run_id, on_failure, read_ahead
        self.buffer: deque[Article] = deque()
        self.seen: set[str] = set()
        self.exhausted = False
        self.found = 0  # new articles read so far (buffered or already handed out)

    def fill(self, batch: int = 64) -> None:
        """Read until ``read_ahead`` new articles are buffered or the input ends."""
        while not self.exhausted and len(self.buffer) < self.read_ahead:
            raw = list(islice(self.documents, batch))
            if not raw:
                self.exhausted = True
                break
            self._admit(raw)

    def _admit(self, raw: list[Article | Failure]) -> None:
        failures = [doc for doc in raw if isinstance(doc, Failure)]
        for failure in failures:
            self.on_failure(failure)
        self.store.record_failures(failures, self.run_id)
        self.summary.failed += len(failures)
        fresh: list[Article] = []
        for doc in raw:
            if isinstance(doc, Failure):
                continue
            self.summary.read += 1
            if self.published is not None and doc.published is None:
                doc.published, doc.published_from = self.published, "caller"
            assign_identity(doc)
            if doc.doc_id in self.seen:
                self.summary.repeated_in_input += 1
                continue
            self.seen.add(doc.doc_id)
            fresh.append(doc)
        known = self.store.known_article_ids(a.doc_id for a in fresh)
        todo = [a for a in fresh if a.doc_id not in known]
        self.summary.already_stored += len(fresh) - len(todo)
        hashes = {id(a): content_hash(a.text) for a in todo}
        stored_texts = self.store.known_content_hashes(hashes.values())
        self.summary.copies_of_stored_text += sum(hashes[id(a)] in stored_texts for a in todo)
        self.buffer.extend(todo)
        self.found += len(todo)

    def chunks(self, size: int, progress: Progress) -> Iterator[list[Article]]:
        while True:
            self.fill()
            progress.found(self.found, final=self.exhausted)
            if not self.buffer:
                return
            yield [self.buffer.popleft() for _ in range(min(size, len(self.buffer)))]


def ingest(
    store: Store,
    inputs: Sequence[str],
    *,
    fields: FieldMap | None = None,
    published: date | None = None,
    workers: int = 1,
    chunk_size: int = 64,
    progress: Progress | None = None,
    on_failure: OnFailure = _ignore,
    command: str = "ingest",
    pool: CodingPool | None = None,
    read_ahead: int = READ_AHEAD,
) -> IngestSummary:
    """Read, code and store every new document of ``inputs`` (paths, globs, URLs).

    Failures (unreadable files, bad records, coder errors) are stored in ``failures`` and passed
    to ``on_failure`` as they happen; the batch goes on. ``pool`` is a started ``CodingPool`` to
    code in (a caller that ingests again and again keeps its workers warm); without one,
    ``workers`` > 1 starts a pool for this run when it has more than ``SMALL_BATCH`` articles.
    """
    progress = progress or NoProgress()
    coder = coder_id()
    summary = IngestSummary()
    started = time.monotonic()
    run_id = summary.run_id = store.start_run(f"{command} {' '.join(inputs)}"[:2000], coder)
    try:
        pending = NewArticles(
            inputs, store, summary, fields=fields or FieldMap(), published=published, run_id=run_id,
            on_failure=on_failure, read_ahead=max(read_ahead, SMALL_BATCH + 1),
        )
        pending.fill()
        progress.start(pending.found if pending.exhausted else None, "articles")
        if pool is None and pending.exhausted and pending.found <= SMALL_BATCH:
            workers = 1
        stored_ids = _code_and_store(store, pending.chunks(chunk_size, progress), summary, run_id, coder,
                                     workers=workers, pool=pool, progress=progress, on_failure=on_failure)
        if stored_ids:
            changed = group_duplicates(store, stored_ids)
            summary.near_duplicates = sum(1 for a, g in changed.items() if a != g)
            summary.canonical_events = cluster_events(store, stored_ids).clusters
    finally:
        progress.finish()
        summary.seconds = time.monotonic() - started
        store.finish_run(run_id, summary.to_dict())
    return summary


def _code_and_store(
    store: Store, chunks: Iterable[list[Article]], summary: IngestSummary, run_id: str, coder: str, *,
    workers: int, pool: CodingPool | None, progress: Progress, on_failure: OnFailure,
) -> list[str]:
    """Code the chunks and commit each with its events; → the ids of the stored articles."""
    languages: Counter[str] = Counter(summary.languages)
    model = ""
    stored_ids: list[str] = []
    for chunk, outcomes in code_chunks(chunks, workers, pool):
        batch = [o for o in outcomes if isinstance(o, StoredArticle)]
        problems = [o for o in outcomes if isinstance(o, Failure)]
        model = model or next((e.model for o in batch for e in o.events), "")
        store.add_articles(batch, run_id, coder, model or None)
        for failure in problems:
            on_failure(failure)
        store.record_failures(problems, run_id)
        summary.failed += len(problems)
        for item in batch:
            stored_ids.append(item.article.doc_id)
            languages[item.article.language or "und"] += 1
            summary.stored += 1
            summary.coded += item.status == "coded"
            summary.not_english += item.status == "not-english"
            summary.events += len(item.events)
        progress.advance(len(chunk))
    summary.languages = dict(languages)
    return stored_ids


@dataclass(slots=True)
class RecodeSummary:
    articles: int = 0
    changed_articles: int = 0
    events_before: int = 0
    events_after: int = 0
    added: int = 0
    removed: int = 0
    failed: int = 0
    seconds: float = 0.0
    coder: str = ""

    def line(self) -> str:
        return (
            f"{self.articles} articles recoded with {self.coder}: {self.events_before} → {self.events_after} events, "
            f"{self.added} new or changed, {self.removed} gone or changed, in {self.changed_articles} articles"
            + (f"; {self.failed} failed" if self.failed else "")
            + f"; {self.seconds:.1f} s"
        )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def recode(
    store: Store,
    *,
    everything: bool = False,
    workers: int = 1,
    chunk_size: int = 16,
    progress: Progress | None = None,
    on_failure: OnFailure = _ignore,
) -> RecodeSummary:
    """Re-code stored articles with the current coder (only those coded by another coder,
    unless ``everything``), replacing each article's events atomically, and count what changed."""
    progress = progress or NoProgress()
    coder = coder_id()
    summary = RecodeSummary(coder=coder)
    started = time.monotonic()
    run_id = store.start_run("recode" + (" --all" if everything else ""), coder)
    ids = store.codable_article_ids(stale_for=None if everything else coder)
    recoded: list[str] = []
    progress.start(len(ids), "articles")
    try:
        id_chunks = [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)]
        for chunk, outcomes in code_chunks((store.load_articles(c) for c in id_chunks), workers):
            for outcome in outcomes:
                if isinstance(outcome, Failure):
                    on_failure(outcome)
                    store.record_failures([outcome], run_id)
                    summary.failed += 1
                    continue
                article_id = outcome.article.doc_id
                before = Counter(event_fingerprint(r) for r in store.event_records(article_id))
                model = next((e.model for e in outcome.events), "")
                store.replace_events(article_id, outcome.events, coder, model)
                after = Counter(event_fingerprint(r) for r in store.event_records(article_id))
                summary.articles += 1
                summary.events_before += sum(before.values())
                summary.events_after += sum(after.values())
                summary.added += sum((after - before).values())
                summary.removed += sum((before - after).values())
                summary.changed_articles += before != after
                recoded.append(article_id)
            progress.advance(len(chunk))
        if recoded:
            cluster_events(store, recoded)
    finally:
        progress.finish()
        summary.seconds = time.monotonic() - started
        store.finish_run(run_id, summary.to_dict())
    return summary
