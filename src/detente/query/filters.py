"""Which events a query, a panel or an export is about: one filter shared by all of them.

>>> where, params = EventFilter(dyad="USA-RUS", types=("CONSULT",), since=date(2016, 1, 1)).sql()
>>> where
'e.actor_code = ? AND e.recipient_code = ? AND e.event IN (SELECT unnest(?::VARCHAR[])) AND e.event_date >= ? AND e.modality IN (SELECT unnest(?::VARCHAR[]))'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from detente.records import Modality

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
MODALITIES = tuple(m.value for m in Modality)


class FilterError(ValueError):
    """A filter value that cannot mean anything (an unknown type, a malformed dyad)."""


def _actor_condition(column: str, spec: str) -> tuple[list[str], list[Any]]:
    """``USA`` (country), ``USA:GOV`` (country and sector) or ``:MIL`` (sector anywhere)."""
    code, _, sector = spec.strip().upper().partition(":")
    clauses, params = [], []
    if code:
        clauses.append(f"e.{column}_code = ?")
        params.append(code)
    if sector:
        clauses.append(f"e.{column}_sector = ?")
        params.append(sector)
    if not clauses:
        raise FilterError(f"actor {spec!r}: give a country code (USA), CODE:SECTOR (USA:GOV) or :SECTOR")
    return clauses, params


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Conditions on events; every one given must hold.

    ``dyad`` is directed (``USA-RUS``: USA acting on Russia) unless ``undirected``.
    ``modalities`` defaults to asserted events only, the ones that are facts for counting;
    an empty tuple means any modality.
    """

    actor: str | None = None
    recipient: str | None = None
    dyad: str | None = None
    undirected: bool = False
    types: tuple[str, ...] = ()
    quad: int | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None
    modalities: tuple[str, ...] = (Modality.ASSERTED.value,)
    article_id: str | None = None
    min_confidence: float | None = None

    @property
    def directional(self) -> bool:
        """Does the filter care which side is the actor? Only then can the flipped copy of a
        reciprocal canonical event match where the stored one does not."""
        return bool(self.actor or self.recipient or self.dyad)

    def sql(self) -> tuple[str, list[Any]]:
        """A WHERE clause over ``events e`` (and ``articles a`` joined on article_id), with parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, spec in (("actor", self.actor), ("recipient", self.recipient)):
            if spec:
                more, values = _actor_condition(column, spec)
                clauses += more
                params += values
        if self.dyad:
            first, sep, second = self.dyad.upper().partition("-")
            if not sep or not first or not second:
                raise FilterError(f"dyad {self.dyad!r}: write it as ACTOR-RECIPIENT, e.g. USA-RUS")
            if self.undirected:
                clauses.append("((e.actor_code = ? AND e.recipient_code = ?) OR (e.actor_code = ? AND e.recipient_code = ?))")
                params += [first, second, second, first]
            else:
                clauses += ["e.actor_code = ?", "e.recipient_code = ?"]
                params += [first, second]
        if self.types:
            wanted = [t.upper() for t in self.types]
            unknown = sorted(set(wanted) - set(PLOVER_TYPES))
            if unknown:
                raise FilterError(f"unknown event type {', '.join(unknown)}: PLOVER has {', '.join(PLOVER_TYPES)}")
            clauses.append("e.event IN (SELECT unnest(?::VARCHAR[]))")
            params.append(wanted)
        if self.quad is not None:
            if self.quad not in (1, 2, 3, 4):
                raise FilterError(f"quad {self.quad}: PLOVER quads are 1 (verbal cooperation) to 4 (material conflict)")
            clauses.append("e.quad_code = ?")
            params.append(self.quad)
        if self.since:
            clauses.append("e.event_date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("e.event_date <= ?")
            params.append(self.until)
        if self.text:
            for word in self.text.split():
                clauses.append("e.sentence ILIKE ?")
                params.append(f"%{word}%")
        if self.modalities:
            unknown = sorted(set(self.modalities) - set(MODALITIES))
            if unknown:
                raise FilterError(f"unknown modality {', '.join(unknown)}: use {', '.join(MODALITIES)}")
            clauses.append("e.modality IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(self.modalities))
        if self.article_id:
            clauses.append("e.article_id = ?")
            params.append(self.article_id)
        if self.min_confidence is not None:
            clauses.append("e.confidence >= ?")
            params.append(self.min_confidence)
        return (" AND ".join(clauses) or "TRUE"), params
