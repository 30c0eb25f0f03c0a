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
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from detente.dedup.clusters import cluster_events
from detente.dedup.duplicates import group_duplicates
from detente.ingest.sources import FieldMap, iter_documents
from detente.jobs.coding import chunked, code_chunks
from detente.jobs.progress import NoProgress, Progress
from detente.records import Article, Failure
from detente.store.database import Store, StoredArticle
from detente.store.rows import assign_identity, content_hash, event_fingerprint
from detente.version import coder_id

OnFailure = Callable[[Failure], None]
# Articles; fewer are coded in this process whatever the number of workers: a spawned worker
# takes 7-11 s to load the model here, which a few hundred articles do not pay back.
SMALL_BATCH = 400


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


def _read(
    inputs: Iterable[str], fields: FieldMap, published: date | None, progress: Progress
) -> tuple[list[Article], list[Failure], int]:
    """All documents of the inputs, with their store ids; duplicates within the input dropped."""
    articles: dict[str, Article] = {}
    failures: list[Failure] = []
    repeated = 0
    for n, doc in enumerate(iter_documents(inputs, fields), start=1):
        if isinstance(doc, Failure):
            failures.append(doc)
            continue
        if published is not None and doc.published is None:
            doc.published, doc.published_from = published, "caller"
        assign_identity(doc)
        if doc.doc_id in articles:
            repeated += 1
        else:
            articles[doc.doc_id] = doc
        if n % 50 == 0:
            progress.reading(n)
    return list(articles.values()), failures, repeated


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
) -> IngestSummary:
    """Read, code and store every new document of ``inputs`` (paths, globs, URLs).

    Failures (unreadable files, bad records, coder errors) are stored in ``failures`` and passed
    to ``on_failure`` as they happen; the batch goes on.
    """
    progress = progress or NoProgress()
    coder = coder_id()
    summary = IngestSummary()
    started = time.monotonic()
    run_id = summary.run_id = store.start_run(f"{command} {' '.join(inputs)}"[:2000], coder)
    try:
        articles, failures, summary.repeated_in_input = _read(inputs, fields or FieldMap(), published, progress)
        summary.read = len(articles) + summary.repeated_in_input
        for failure in failures:
            on_failure(failure)
        store.record_failures(failures, run_id)
        summary.failed += len(failures)

        known = store.known_article_ids(a.doc_id for a in articles)
        todo = [a for a in articles if a.doc_id not in known]
        summary.already_stored = len(articles) - len(todo)
        stored_texts = store.known_content_hashes(content_hash(a.text) for a in todo)
        summary.copies_of_stored_text = sum(content_hash(a.text) in stored_texts for a in todo)

        languages: Counter[str] = Counter()
        model = ""
        stored_ids: list[str] = []
        progress.start(len(todo), "articles")
        # each worker process loads the spaCy model (~3 s): not worth it for a handful of articles
        workers = workers if len(todo) > SMALL_BATCH else 1
        for chunk, outcomes in code_chunks(chunked(todo, chunk_size), workers):
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
        if stored_ids:
            changed = group_duplicates(store, stored_ids)
            summary.near_duplicates = sum(1 for a, g in changed.items() if a != g)
            summary.canonical_events = cluster_events(store, stored_ids).clusters
    finally:
        progress.finish()
        summary.seconds = time.monotonic() - started
        store.finish_run(run_id, summary.to_dict())
    return summary


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
