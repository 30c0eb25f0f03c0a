"""Passes over a coded sentence or article that add what one trigger alone cannot say.

* Announcements: an actor announcing its own future act has made a commitment (AGREE) or a
  threat (THREATEN), or, for a retreat, a concession (CONCEDE); announcing that it will not do a
  cooperative act is a refusal (REJECT).
  This is PLOVER's folding of CAMEO's "express intent to ..." codes (``data/intents.yaml``).
* Implicit recipients: a call for, or refusal of, someone's release is addressed to whoever
  holds them, the actor of an earlier coercive event against that person in the article.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Token

from detente.attributes.modality import future_aux_in_clause
from detente.ontology import Ontology
from detente.records import Entity, Event, EventDate, Granularity, Modality, make_event_id

_RELEASE_WORDS = {"release", "freedom", "return", "handover", "extradition"}


@functools.cache
def intent_table() -> dict[str, Any]:
    text = (resources.files("detente.events") / "data" / "intents.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    table["intent_cues"] = frozenset(table["intent_cues"])
    return table  # type: ignore[no-any-return]


def announcements(events: list[Event], modality: Modality, cue: str | None, clause: Token,
                  ontology: Ontology, published: date | None) -> list[Event]:
    """The commitments, threats and refusals that announced events imply (asserted)."""
    table = intent_table()
    if modality is Modality.FUTURE and cue in table["intent_cues"]:
        kind, codes = None, table["intent"]
    elif modality is Modality.NEGATED and future_aux_in_clause(clause):
        kind, codes = "REJECT", table["refusal"]
    else:
        return []
    derived = []
    for event in events:
        if event.event not in codes or (kind is None and event.event in ("AGREE", "THREATEN")):
            continue  # "will agree" is already a commitment, "will threaten" a threat
        new_type = kind or table["intent_type"].get(event.event) or (
            "AGREE" if ontology.quad(event.event) in (1, 2) else "THREATEN")
        derived.append(replace(
            event,
            event_id=make_event_id(event.doc_id, event.text_info.sequence, event.evidence.trigger, event.actor,
                                   event.recipient) + f"-{new_type[:3].lower()}",
            event=new_type, mode=None, cameo=codes[event.event], modality=Modality.ASSERTED,
            quad_code=ontology.quad(new_type), event_scale=ontology.intensity(new_type),
            date=EventDate(published.isoformat(), Granularity.DAY, "publication") if published else None,
            evidence=replace(event.evidence, rule=f"{event.evidence.rule}/announced-{event.event.lower()}"),
        ))
    return derived


def _mentions_release(event: Event) -> bool:
    words = {w.strip(".,;:'\"").lower() for w in event.evidence.sentence.split()}
    return bool(words & _RELEASE_WORDS)


def implicit_recipients(events: list[Event], contents: dict[str, list[Entity]]) -> None:
    """Give "calls for X's release" the holder of X as recipient (in place)."""
    for i, event in enumerate(events):
        if event.recipient is not None or event.event not in ("REQUEST", "REJECT", "AGREE"):
            continue
        persons = contents.get(event.event_id, [])
        if not persons or not _mentions_release(event):
            continue
        for earlier in reversed(events[:i]):
            if earlier.event == "COERCE" and earlier.recipient is not None and earlier.actor.code and any(
                earlier.recipient.same_actor(p) for p in persons
            ):
                holder = Entity(earlier.actor.code, "GOV", earlier.actor.entity_text, span=earlier.actor.span,
                                resolution="implicit")
                event.recipient = holder
                event.event_id = make_event_id(event.doc_id, event.text_info.sequence, event.evidence.trigger,
                                               event.actor, holder)
                event.confidence = round(event.confidence * 0.85, 3)
                event.evidence.rule += "/implicit-recipient"
                break
