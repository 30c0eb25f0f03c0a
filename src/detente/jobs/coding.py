"""The unit of work of every batch job: a chunk of articles → stored-article outcomes.

``code_chunk`` is what one process, a pool of processes, or a Dask worker runs; all of them call
the same stage functions, so a distributed run codes exactly what a local one does.

>>> outcomes = code_chunk([Article(doc_id="a", text="Kerry met Putin in Moscow on Thursday.")])  # doctest: +SKIP
>>> outcomes[0].status, [e.event for e in outcomes[0].events]                                   # doctest: +SKIP
('coded', ['CONSULT', 'CONSULT'])
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

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


def _warm_worker() -> None:
    """Load the spaCy pipeline when a worker process starts, not inside its first chunk."""
    import warnings

    warnings.filterwarnings("ignore", category=UserWarning, module="spacy")
    from detente.nlp import load_pipeline

    load_pipeline()


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def code_chunks(
    chunks: Iterable[list[Article]], workers: int = 1
) -> Iterator[tuple[list[Article], list[StoredArticle | Failure]]]:
    """Code chunks in order, in this process (``workers=1``) or in a pool of processes.

    At most two chunks per worker are in flight, so memory stays flat however long the input.
    Workers are spawned, not forked: the parent holds a DuckDB connection and threads, which a
    forked child must not inherit.
    """
    if workers <= 1:
        for chunk in chunks:
            yield chunk, code_chunk(chunk)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm_worker) as pool:
        in_flight: deque[tuple[list[Article], Future[list[StoredArticle | Failure]]]] = deque()
        for chunk in chunks:
            in_flight.append((chunk, pool.submit(code_chunk, chunk)))
            if len(in_flight) >= 2 * workers:
                done, future = in_flight.popleft()
                yield done, future.result()
        while in_flight:
            done, future = in_flight.popleft()
            yield done, future.result()
