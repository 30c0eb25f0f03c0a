"""detente: political event data from news text, in PLOVER, with evidence.

>>> import detente
>>> events = detente.code("Kerry met Putin in Moscow on Thursday.", published="2016-03-24")  # doctest: +SKIP
>>> events[0].event, events[0].actor.label, events[0].date.value                            # doctest: +SKIP
('CONSULT', 'USA GOV (John Kerry)', '2016-03-24')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from detente.query.dataset import Dataset
    from detente.records import Event

__version__ = "0.1.0"


def code(text: str, published: str | None = None, doc_id: str | None = None, title: str | None = None) -> list[Event]:
    """Code one text; see ``detente.pipeline.code`` (imported lazily: spaCy is slow to import)."""
    from detente.pipeline import code as _code

    return _code(text, published=published, doc_id=doc_id, title=title)


def open(path: str | Path | None = None, *, read_only: bool = True) -> Dataset:  # noqa: A001 - the library's front door
    """The event store at ``path`` (default ``$DETENTE_DB`` or ``./detente.duckdb``) as a ``Dataset``:
    ``.events(...)``, ``.panel(...)``, ``.export(...)`` return pandas (or polars) frames."""
    from detente.query.dataset import Dataset as _Dataset

    return _Dataset.open(path, read_only=read_only)


__all__ = ["__version__", "code", "open"]
