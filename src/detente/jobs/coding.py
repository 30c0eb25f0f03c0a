"""The unit of work of every batch job: a chunk of articles → stored-article outcomes.

``code_chunk`` is what one process, a pool of processes, or a Dask worker runs; all of them call
the same stage functions, so a distributed run codes exactly what a local one does.

>>> outcomes = code_chunk([Article(doc_id="a", text="Kerry met Putin in Moscow on Thursday.")])  # doctest: +SKIP
>>> outcomes[0].status, [e.event for e in outcomes[0].events]                                   # doctest: +SKIP
('coded', ['CONSULT', 'CONSULT'])
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from multiprocessing.queues import Queue

from detente.records import Article, Failure
from detente.store.database import StoredArticle

CODED_LANGUAGES = {"en"}  # the lexicon and the spaCy model are English
UNDETERMINED = "und"  # too short to tell: coded, since English is by far the likeliest here


def code_chunk(articles: Sequence[Article]) -> list[StoredArticle | Failure]:
    """Detect each article's language; code the English ones; keep the others uncoded; take
    every article's fingerprint (for near-duplicate and same-story detection).

    A document that breaks the coder becomes a ``Failure`` naming where it came from.
    """
    from detente.dedup.fingerprints import fingerprint
    from detente.ingest.language import detect_language
    from detente.pipeline import CodedArticle, code_articles

    outcomes: dict[str, StoredArticle | Failure] = {}
    to_code: list[Article] = []
    confidence: dict[str, float] = {}
    for article in articles:
        language, score = detect_language(article.text)
        article.language = language
        confidence[article.doc_id] = score
        if language in CODED_LANGUAGES or language == UNDETERMINED:
            to_code.append(article)
        else:
            outcomes[article.doc_id] = StoredArticle(article, [], "not-english", score)
    origins = {a.doc_id: a.origin or a.source_id or a.doc_id for a in to_code}
    for result in code_articles(to_code):
        if isinstance(result, CodedArticle):
            doc_id = result.article.doc_id
            outcomes[doc_id] = StoredArticle(result.article, result.events, "coded", confidence[doc_id])
        else:
            # code_articles names failures by doc_id; report them where the user can find them
            where = origins.get(result.where, result.where)
            outcomes[result.where] = Failure(where, result.reason, stage=result.stage)
    ordered = [outcomes[a.doc_id] for a in articles if a.doc_id in outcomes]
    for outcome in ordered:
        if isinstance(outcome, StoredArticle):
            outcome.fingerprint = fingerprint(outcome.article.text, outcome.article.title)
    return ordered


WARM_UP_TEXT = "The foreign ministers of France and Germany met in Paris on Monday."


def warm_up() -> None:
    """Load everything coding needs (the spaCy pipeline, the knowledge base and lexicons, the
    language model, the word-frequency table) by coding one short article, so that a worker's
    first real chunk is as fast as its others."""
    import warnings

    from detente.attributes.places import load_gazetteer

    warnings.filterwarnings("ignore", category=UserWarning, module="spacy")
    code_chunk([Article(doc_id="warm-up", text=WARM_UP_TEXT)])
    load_gazetteer()  # the alternate city names load on the first unusual place otherwise


def _start_worker(ready: Queue) -> None:  # type: ignore[type-arg]
    warm_up()
    ready.put(os.getpid())


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


Outcomes = list[StoredArticle | Failure]


class CodingPool:
    """Processes that code chunks of articles, each with its own warm copy of the model.

    Workers are spawned, not forked: the parent holds a DuckDB connection and threads, which a
    forked child must not inherit. Entering the pool waits until every worker has loaded what
    it needs (7-11 s each on this machine), so a caller can keep one pool warm across runs and
    time its start-up apart.

    >>> with CodingPool(2) as pool:                                        # doctest: +SKIP
    ...     for chunk, outcomes in pool.code(chunked(articles, 64)):
    ...         store.add_articles(...)
    """

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.executor: ProcessPoolExecutor | None = None
        self.startup_seconds = 0.0

    def __enter__(self) -> CodingPool:
        started = time.monotonic()
        context = multiprocessing.get_context("spawn")
        ready = context.Queue()
        self.executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_start_worker, initargs=(ready,)
        )
        # a process pool spawns its workers on demand: one trivial task per worker starts them all
        for _ in range(self.workers):
            self.executor.submit(os.getpid)
        for _ in range(self.workers):
            ready.get(timeout=600)
        self.startup_seconds = time.monotonic() - started
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
            self.executor = None

    def code(self, chunks: Iterable[list[Article]]) -> Iterator[tuple[list[Article], Outcomes]]:
        """Code chunks in order. At most two chunks per worker are in flight, and the next chunk
        is pulled from ``chunks`` only when one is submitted, so memory stays flat however long
        the input."""
        if self.executor is None:
            raise RuntimeError("CodingPool.code outside its `with` block")
        in_flight: deque[tuple[list[Article], Future[Outcomes]]] = deque()
        for chunk in chunks:
            in_flight.append((chunk, self.executor.submit(code_chunk, chunk)))
            if len(in_flight) >= 2 * self.workers:
                done, future = in_flight.popleft()
                yield done, future.result()
        while in_flight:
            done, future = in_flight.popleft()
            yield done, future.result()


def code_chunks(
    chunks: Iterable[list[Article]], workers: int = 1, pool: CodingPool | None = None
) -> Iterator[tuple[list[Article], Outcomes]]:
    """Code chunks in order: in ``pool`` when one is given, in this process when ``workers`` is
    1, else in a pool of ``workers`` processes started (and stopped) for this call."""
    if pool is not None:
        yield from pool.code(chunks)
    elif workers <= 1:
        for chunk in chunks:
            yield chunk, code_chunk(chunk)
    else:
        with CodingPool(workers) as own:
            yield from own.code(chunks)
