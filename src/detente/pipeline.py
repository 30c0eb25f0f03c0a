"""The whole path, text → events, as plain functions over batches: what the CLI, the store and
distributed runs all call.

>>> from detente.pipeline import code
>>> events = code("Kerry met Putin in Moscow on Thursday.", published="2016-03-24")  # doctest: +SKIP
>>> [(e.actor.label, e.event, e.recipient.label) for e in events]                   # doctest: +SKIP
[('USA GOV (John Kerry)', 'CONSULT', 'RUS GOV (Vladimir Putin)'), ...]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from detente.events.coder import code_parsed
from detente.ingest import content_id, split_layout
from detente.ingest.readers import parse_published
from detente.nlp import load_pipeline, model_id, parse_articles
from detente.records import Article, Event, Failure


@dataclass(slots=True)
class CodedArticle:
    article: Article
    events: list[Event] = field(default_factory=list)


def code_articles(
    articles: Iterable[Article | Failure], batch_size: int = 32
) -> Iterator[CodedArticle | Failure]:
    """Code a stream of articles; failures pass through, and a document that breaks the coder
    becomes a ``Failure`` instead of stopping the batch."""
    nlp = load_pipeline()
    model = model_id(nlp)
    passed: list[Failure] = []

    def good() -> Iterator[Article]:
        for item in articles:
            if isinstance(item, Failure):
                passed.append(item)
                continue
            yield split_layout(item)

    for parsed in parse_articles(good(), nlp, batch_size=batch_size):
        while passed:
            yield passed.pop(0)
        try:
            events = code_parsed(parsed, model)
        except Exception as err:  # noqa: BLE001 - one bad document must not stop a batch
            yield Failure(parsed.article.doc_id, f"coder error: {type(err).__name__}: {err}", stage="code")
            continue
        yield CodedArticle(parsed.article, events)
    while passed:
        yield passed.pop(0)


def code(
    text: str, published: str | None = None, doc_id: str | None = None, title: str | None = None
) -> list[Event]:
    """Code one text into events. ``published`` (YYYY-MM-DD) anchors relative dates; without it
    the date is taken from the byline or dateline when there is one."""
    article = Article(
        doc_id=doc_id or content_id(text),
        text=text,
        title=title,
        published=parse_published(published),
        published_from="caller" if published else None,
    )
    for result in code_articles([article]):
        if isinstance(result, Failure):
            raise ValueError(str(result))
        return result.events
    return []
