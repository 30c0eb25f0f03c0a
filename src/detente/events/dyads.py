"""From resolved actors to records: ordered dyads, what is codable, and one record per dyad.

>>> [(a.code, r.code) for a, r in dyads([iran, iraq], [], reciprocal=True)]     # doctest: +SKIP
[('IRN', 'IRQ'), ('IRQ', 'IRN')]
"""

from __future__ import annotations

from dataclasses import replace
from itertools import permutations

from detente.records import Entity, Event

UNKNOWN = Entity(None, "UNK", "", resolution="unknown")
# How much each way of finding an actor is worth: a name in the knowledge base is near
# certain, a pronoun is a guess.
RESOLUTION_WEIGHT = {
    "kb-person": 1.0, "kb-organization": 1.0, "country": 1.0, "capital-metonym": 0.95, "stated-role": 1.0,
    "office-holder": 0.95, "description": 0.95, "demonym": 0.9, "country-modifier": 0.9, "same-name": 0.9,
    "definite-description": 0.85, "pronoun": 0.8, "sentence-participants": 0.7, "implicit": 0.7, "unknown": 0.6,
    "lexicon-default": 0.7, "visit-place": 0.8, "attack-place": 0.8, "unresolved-name": 0.6, "place": 0.85,
    # recipients the ontology implies, the text not naming them (plover.yaml implied_recipient)
    "implied-place": 0.8, "implied-home": 0.75,
}

# Less for constructions that infer the actor (control, coordination) than for a stated subject.
CONSTRUCTION_WEIGHT = {"active": 1.0, "passive-agent": 1.0, "object-control": 0.9, "inherited": 0.9}


def weight(entity: Entity) -> float:
    base, _, located = entity.resolution.partition("+")
    return RESOLUTION_WEIGHT.get(base, 0.85) * (0.9 if located else 1.0)


def located(entity: Entity, country: str) -> Entity:
    """A typed actor of unstated nationality takes the country where the event happened:
    "protesters in Cairo" are Egyptian civilians, "gunmen in Ankara" Turkish gunmen."""
    if entity.code or not entity.sector or entity.sector == "UNK":
        return entity
    return replace(entity, code=country, resolution=f"{entity.resolution}+location")


def distinct(entities: list[Entity]) -> list[Entity]:
    out: list[Entity] = []
    for entity in entities:
        if not any(entity.same_actor(e) for e in out):
            out.append(entity)
    return out


def dyads(actors: list[Entity], recipients: list[Entity], reciprocal: bool) -> list[tuple[Entity, Entity | None]]:
    """One (actor, recipient) pair per ordered dyad: compound actors expand, joint actions go both ways."""
    if recipients:
        # an implied recipient is the actor's own country by design ("Tunisians protested": TUN→TUN)
        return [(a, r) for a in (actors or [UNKNOWN]) for r in recipients
                if not a.same_actor(r) or r.resolution.startswith("implied")]
    if reciprocal and len(actors) >= 2:
        return list(permutations(actors, 2))
    return [(a, None) for a in actors]


def codable(pairs: list[tuple[Entity, Entity | None]], has_place: bool, quad: int, construction: str) -> bool:
    """Keep events whose actor is known and that have a coded party. Two exceptions for
    material conflict: a passive without agent ("two soldiers were killed") keeps an unknown
    actor, and an act by an uncoded but typed actor ("terrorists") counts when it has a place."""
    known = [(a, r) for a, r in pairs if a.code or (a.sector and a.sector != "UNK") or a.resolution == "unresolved-name"]
    if any(a.code or (r is not None and r.code) for a, r in known):
        return True
    named = [(a, r) for a, r in known if a.resolution == "unresolved-name" or (r is not None and r.resolution == "unresolved-name")]
    if named:
        return True  # "Ingabire was arrested ...", "the CLO demanded ...": named, not yet in the knowledge base
    agentless = construction.startswith(("passive-", "nominal")) or construction.endswith("-unattributed")
    if quad == 4 and agentless and any(r is not None and (r.code or r.resolution == "unresolved-name") for _, r in pairs):
        return True  # "two soldiers were killed", "the bombing of the Russian embassy"
    return quad == 4 and has_place and bool(known)


def merge_sentence_events(events: list[Event]) -> list[Event]:
    """One record per (type, dyad) in a sentence; an unknown actor yields to a known one."""
    best: dict[tuple[str, str, str], Event] = {}
    for event in events:
        key = (event.event, actor_key(event.actor), actor_key(event.recipient))
        if key not in best or event.confidence > best[key].confidence:
            best[key] = event
    kept = list(best.values())
    # an unidentified attacker placed in a country (sector UNK) is still unknown here
    known = {(e.event, actor_key(e.recipient)) for e in kept if identified(e.actor)}
    known |= {(e.event, e.recipient.code) for e in kept if identified(e.actor) and e.recipient is not None and e.recipient.code}
    kept = [e for e in kept if identified(e.actor) or e.recipient is None or not (
        {(e.event, actor_key(e.recipient)), (e.event, e.recipient.code)} & known)]
    # "Kerry met Putin to discuss Syria": the discussion is the meeting, not a second event
    with_recipient = {(e.event, actor_key(e.actor)) for e in kept if e.recipient is not None}
    return [e for e in kept if e.recipient is not None or (e.event, actor_key(e.actor)) not in with_recipient]


def identified(entity: Entity) -> bool:
    return bool(entity.code) and entity.sector != "UNK"


def actor_key(entity: Entity | None) -> str:
    if entity is None:
        return "-"
    return f"{entity.code}|{entity.sector}|{entity.identifier_text or ''}"
