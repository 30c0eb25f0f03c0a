"""Render coded events for people (a table) and for programs (JSON Lines, JSON).

>>> write_jsonl(events, sys.stdout)      # one PLOVER-style record per line  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO

from rich.console import Console
from rich.table import Table

from detente.records import Entity, Event, to_jsonable


def event_record(event: Event) -> dict[str, object]:
    """The JSON record of an event: PLOVER field names plus detente's own."""
    return to_jsonable(event)  # type: ignore[no-any-return]


def write_jsonl(events: Iterable[Event], out: IO[str]) -> int:
    n = 0
    for event in events:
        out.write(json.dumps(event_record(event), ensure_ascii=False) + "\n")
        n += 1
    return n


def _actor(entity: Entity | None) -> str:
    if entity is None:
        return ""
    who = entity.identifier_text or entity.entity_text
    codes = " ".join(p for p in (entity.code, entity.sector) if p) or "?"
    return f"{codes} ({who})" if who else codes


def write_table(events: list[Event], out: IO[str]) -> None:
    table = Table(show_lines=False, header_style="bold")
    for column in ("doc", "sent", "actor", "event", "recipient", "date", "place", "modality", "conf", "trigger"):
        table.add_column(column, overflow="fold")
    for e in events:
        table.add_row(
            e.doc_id[:18], str(e.text_info.sequence), _actor(e.actor),
            e.event + (f"/{e.mode}" if e.mode else ""), _actor(e.recipient),
            (e.date.value if e.date else "") + ("*" if e.date and e.date.source == "publication" else ""),
            (e.event_loc.resolved_place if e.event_loc else ""), e.modality.value, f"{e.confidence:.2f}",
            e.evidence.trigger.text,
        )
    console = Console(file=out, width=max(180, Console().width), soft_wrap=False)
    console.print(table)
    console.print("* date is the publication date (no date expression for the event in its sentence)")
