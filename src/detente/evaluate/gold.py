"""Gold data in detente's evaluation format (JSON Lines; see docs/evaluation.md).

Two kinds of record share the file format: PLOVER records carry ``events`` (type, mode and the
source/target actors with country and sector); quad records carry ``quad`` (0–4) and, when
known, the ``spans`` of source and target.

>>> records = read_gold("plover_gsr_dev.jsonl")       # doctest: +SKIP
>>> records[0].events[0].type, records[0].events[0].sources[0].country  # doctest: +SKIP
('AGREE', None)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from detente.ingest.readers import parse_published


class GoldError(ValueError):
    """A gold file is malformed: names the file, the line and the problem."""


@dataclass(frozen=True, slots=True)
class GoldActor:
    text: str
    country: str | None
    sector: str | None


@dataclass(frozen=True, slots=True)
class GoldEvent:
    type: str
    mode: str | None
    sources: tuple[GoldActor, ...]
    targets: tuple[GoldActor, ...]


@dataclass(slots=True)
class GoldRecord:
    id: str
    text: str
    published: str | None
    events: list[GoldEvent] = field(default_factory=list)
    quad: int | None = None
    source_spans: list[str] = field(default_factory=list)
    target_spans: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "quad" if self.quad is not None else "plover"


def _actors(raw: object, where: str) -> tuple[GoldActor, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise GoldError(f"{where}: actors must be a list")
    out = []
    for actor in raw:
        if not isinstance(actor, dict):
            raise GoldError(f"{where}: an actor must be an object")
        out.append(GoldActor(str(actor.get("text") or ""), actor.get("country"), actor.get("sector")))
    return tuple(out)


def parse_record(raw: object, where: str) -> GoldRecord:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise GoldError(f"{where}: a record needs an object with a 'text' string")
    try:
        published = parse_published(raw.get("published"))
    except ValueError as err:
        raise GoldError(f"{where}: {err}") from None
    record = GoldRecord(str(raw.get("id") or where), raw["text"], published.isoformat() if published else None)
    if "quad" in raw:
        if raw["quad"] not in (0, 1, 2, 3, 4):
            raise GoldError(f"{where}: quad must be 0–4")
        record.quad = int(raw["quad"])
        spans = raw.get("spans") or {}
        record.source_spans = [str(s) for s in spans.get("source", [])]
        record.target_spans = [str(s) for s in spans.get("target", [])]
        return record
    events = raw.get("events")
    if not isinstance(events, list):
        raise GoldError(f"{where}: a record needs 'events' (PLOVER) or 'quad'")
    for n, event in enumerate(events, 1):
        if not isinstance(event, dict) or not event.get("type"):
            raise GoldError(f"{where}: event {n} needs a 'type'")
        record.events.append(GoldEvent(str(event["type"]), event.get("mode"),
                                       _actors(event.get("source"), f"{where}: event {n} source"),
                                       _actors(event.get("target"), f"{where}: event {n} target")))
    return record


def read_gold(path: str | Path) -> list[GoldRecord]:
    """All records of a gold file; a malformed line is an error naming the line."""
    records = []
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as err:
                raise GoldError(f"{where}: malformed JSON: {err.msg}") from None
            records.append(parse_record(raw, where))
    return records
