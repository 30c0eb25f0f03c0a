"""The library object over a store: what ``detente.open()`` returns and the CLI wraps.

>>> import detente
>>> data = detente.open("detente.duckdb")                          # doctest: +SKIP
>>> data.events(dyad="USA-RUS", types="CONSULT").head()           # doctest: +SKIP
>>> data.panel(unit="dyad", freq="month", measure="quad-counts")   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from detente.query.export import export
from detente.query.filters import EventFilter
from detente.query.panel import events_sql, panel_sql
from detente.store.database import Store

FRAMES = ("pandas", "polars", "arrow")


def make_filter(**conditions: Any) -> EventFilter:
    """Keyword conditions → ``EventFilter``; ``types``/``modalities`` accept a string or a list."""
    for key in ("types", "modalities"):
        value = conditions.get(key)
        if isinstance(value, str):
            conditions[key] = tuple(v for v in value.replace(",", " ").split() if v)
        elif value is not None:
            conditions[key] = tuple(value)
    return EventFilter(**conditions)


class Dataset:
    """Events, panels and exports of one store, as pandas (default), polars or Arrow frames."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = True) -> Dataset:
        return cls(Store.open(path, read_only=read_only))

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def _frame(self, query: str, params: list[Any], as_: str) -> Any:
        relation = self.store.con.sql(query, params=params)
        if as_ == "pandas":
            return relation.df()
        if as_ == "polars":
            return relation.pl()
        if as_ == "arrow":
            return relation.to_arrow_table()
        raise ValueError(f"as_={as_!r}: use one of {', '.join(FRAMES)}")

    def events(
        self, where: EventFilter | None = None, *, level: str = "event", limit: int | None = None,
        as_: str = "pandas", **conditions: Any,
    ) -> Any:
        """Events matching ``where`` or keyword ``conditions`` (see ``EventFilter``), oldest first:
        canonical events (each real event once, ``level="event"``) or every mention."""
        return self._frame(*events_sql(where or make_filter(**conditions), limit=limit, level=level), as_=as_)

    def panel(
        self, unit: str = "dyad", freq: str = "month", measure: str = "count",
        where: EventFilter | None = None, *, level: str = "event", as_: str = "pandas", **conditions: Any,
    ) -> Any:
        """The zero-filled unit × period panel (see ``detente.query.panel``)."""
        query, params = panel_sql(where or make_filter(**conditions), unit=unit, freq=freq, measure=measure, level=level)
        return self._frame(query, params, as_=as_)

    def export(
        self, fmt: str, out: IO[str] | str, where: EventFilter | None = None, *, level: str = "event",
        with_text: bool = False, **conditions: Any,
    ) -> int:
        """Write events in ``fmt`` (plover-jsonl, polecat-tsv, csv, parquet): canonical events, or
        every mention (all modalities by default) with the ``link`` to its canonical event."""
        if level == "mention":
            conditions.setdefault("modalities", ())
        return export(self.store.con, fmt, out, where or make_filter(**conditions), with_text=with_text, level=level)

    def failures(self, *, as_: str = "pandas") -> Any:
        return self._frame(
            "SELECT location, reason, stage, first_seen, last_seen, times, run_id FROM failures ORDER BY last_seen DESC, location",
            [], as_,
        )

    def sql(self, query: str, params: list[Any] | None = None, *, as_: str = "pandas") -> Any:
        """Any read query over the tables (articles, events, entities, failures, runs)."""
        return self._frame(query, params or [], as_)

    def counts(self) -> dict[str, int]:
        return self.store.counts()
