"""Passes over a coded sentence or article that add what one trigger alone cannot say.

* Announcements: an actor announcing its own future act has made a commitment (AGREE) or a
  threat (THREATEN), or, for a withdrawal or a concession, a concession (CONCEDE); announcing
  that it will not do a cooperative act is a refusal (REJECT).
  This is PLOVER's folding of CAMEO's "express intent to ..." codes (``data/intents.yaml``).
* Implicit recipients: a call for, or refusal of, someone's release is addressed to whoever
  holds them, the actor of an earlier coercive event against that person in the article.
* Claimed attacks: "X claimed responsibility for the attacks" makes X the actor of the attacks
  reported just before, against their targets.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Token

from detente.attributes.modality import refusal_aux_in_clause
from detente.ontology import Ontology
from detente.records import Entity, Event, EventDate, Granularity, Modality, make_event_id

_RELEASE_WORDS = {"release", "freedom", "return", "handover", "extradition"}


@functools.cache
def intent_table() -> dict[str, Any]:
    text = (resources.files("detente.events") / "data" / "intents.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    for key in ("intent_cues", "conditional_cues", "conditional_marks"):
        table[key] = frozenset(table[key])
    return table  # type: ignore[no-any-return]


def announcements(events: list[Event], modality: Modality, cue: str | None, clause: Token,
                  ontology: Ontology, published: date | None) -> list[Event]:
    """The commitments, threats and refusals that announced events imply (asserted)."""
    table = intent_table()
    if modality is Modality.FUTURE and cue in table["intent_cues"]:
        kind, codes = None, table["intent"]
    elif modality is Modality.SPECULATIVE and cue in table["conditional_cues"] and _conditioned(clause, table):
        kind, codes = None, table["intent"]
    elif modality is Modality.NEGATED and refusal_aux_in_clause(clause):
        kind, codes = "REJECT", table["refusal"]
    else:
        return []
    derived = []
    for event in events:
        if event.event not in codes or (kind is None and event.event in ("AGREE", "THREATEN")):
            continue  # "will agree" is already a commitment, "will threaten" a threat
        new_type = kind or table["intent_type"].get(event.event) or (
            "AGREE" if ontology.quad(event.event) in (1, 2) else "THREATEN")
        cameo = codes[event.event]
        by_cameo = next((v for k, v in table["intent_by_cameo"].items() if (event.cameo or "").startswith(k)), None)
        if kind is None and by_cameo is not None:
            new_type, cameo = by_cameo  # "said they will release the hostages": CAMEO 0353, AGREE
        derived.append(replace(
            event,
            event_id=make_event_id(event.doc_id, event.text_info.sequence, event.evidence.trigger, event.actor,
                                   event.recipient) + f"-{new_type[:3].lower()}",
            event=new_type, mode=None, cameo=cameo, modality=Modality.ASSERTED,
            quad_code=ontology.quad(new_type), event_scale=ontology.intensity(new_type),
            date=EventDate(published.isoformat(), Granularity.DAY, "publication") if published else None,
            evidence=replace(event.evidence, rule=f"{event.evidence.rule}/announced-{event.event.lower()}"),
        ))
    return derived


def _conditioned(clause: Token, table: dict[str, Any]) -> bool:
    """Whether the clause has an if/unless condition of its own: "may halt X if Y"."""
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in table["conditional_marks"] for m in c.children)
               for c in clause.children)


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


_CLAIM_REACH = 3  # sentences back that "the attacks" of a claim may refer to


def claimed_attacks(events: list[Event]) -> list[Event]:
    """The events with attacks re-attributed to whoever claimed them: a claim with no target of
    its own takes the targets (and date) of the latest earlier attacks in the article, within a
    few sentences; it replaces the claim without a target."""
    out: list[Event] = []
    for i, claim in enumerate(events):
        if claim.recipient is not None or not claim.evidence.rule.endswith("/claimed") or not claim.actor.code:
            out.append(claim)
            continue
        here = claim.text_info.sequence
        earlier = [e for e in events[:i] if e.event == "ASSAULT" and e.recipient is not None
                   and e.recipient.code and 0 < here - e.text_info.sequence <= _CLAIM_REACH]
        latest = max((e.text_info.sequence for e in earlier), default=-1)
        targets: list[Event] = []
        for e in (e for e in earlier if e.text_info.sequence == latest):
            if e.recipient is not None and not e.recipient.same_actor(claim.actor) and not any(
                    e.recipient.same_actor(t.recipient) for t in targets if t.recipient is not None):
                targets.append(e)
        if not targets:
            out.append(claim)
        for attack in targets:
            target = attack.recipient
            assert target is not None
            out.append(replace(
                claim, recipient=target, date=attack.date or claim.date, confidence=round(claim.confidence * 0.85, 3),
                event_id=make_event_id(claim.doc_id, here, claim.evidence.trigger, claim.actor, target),
                evidence=replace(claim.evidence, rule=claim.evidence.rule + "/earlier-target", recipient=target.span),
            ))
    return out
