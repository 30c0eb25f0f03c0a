"""Nationality the text implies for actors it types but does not place.

A phrase such as "opposition leaders", "the ousted president" or "a roadside bomb" gives an
actor a sector but no country. The coder already places such actors where the event's own
clause names a place ("protesters in Cairo": ``dyads.located``). The functions here cover
what is left, each a convention analysts know from ICEWS and POLECAT:

- the sentence's setting: when every place the sentence names lies in one country, typed
  actors without a country belong to it ("opposition leaders agreed to postpone the rally in
  Baku": Azerbaijani opposition);
- unidentified attackers: an attack by nobody named, in a known country, is that country's
  unidentified actor (ICEWS's "Unidentified Gunmen (Iraq)"; PLOVER's sector UNK);
- courts and police acting on a country's officials: "a judge opened investigations against
  Chilean officials" is a Chilean judge; rebels and protesters facing a state's government are
  its own ("rebels dismissed an appeal from the Malian president"), and a government acting on
  one country's people is theirs.

>>> opposition = Entity(None, "OPP", "opposition leaders")
>>> placed_in_setting([opposition], "AZE")[0].code
'AZE'
>>> unidentified_in(Entity(None, "UNK", "", resolution="unknown"), "IRQ").code
'IRQ'
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from detente.attributes import resolve_place
from detente.records import Entity, Event, make_event_id

# Sectors whose members answer to their own state: a court or police force without a stated
# country that investigates or arrests a country's officials is that country's.
_STATE_AGENCIES = frozenset({"COP", "JUD"})
# where someone is, not where they go or come from ("took her to Russia" says nothing of who
# the captors are); "of" for "the city of Basra"
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout", "around", "within", "of"})
_CIVIL_SECTORS = frozenset({"CVL", "OPP", "REB", "LAB", "PTY", "JRN", "EDU", "MED", "REL", "AGR", "BUS", "REF"})
_CHALLENGERS = frozenset({"REB", "OPP", "CVL"})
_STATE = frozenset({"GOV", "MIL", "COP", "JUD", "LEG"})
_POLITICAL = frozenset({"GOV", "LEG", "OPP", "PTY", "JUD", "ELI"})


def named_countries(ents: Sequence[SpacySpan], surface: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The countries a sentence names by name or demonym ("Lebanon", "Lebanese"), from the
    knowledge base's ``surface`` forms: a hint for places of ambiguous name."""
    codes = set()
    for ent in ents:
        if ent.label_ in ("GPE", "NORP"):
            for key in surface.get(ent.ent_id_ or ent.text, ()):
                kind, _, code = key.partition(":")
                if kind in ("country", "demonym"):
                    codes.add(code)
    return frozenset(codes)


def setting_country(places: Sequence[SpacySpan], trigger: Token, triggers: Collection[Token] = (),
                    exclude: Collection[Token] = (), reporting: Collection[Token] = (),
                    hint: frozenset[str] = frozenset()) -> str | None:
    """The one country every place of the sentence lies in, or None when there is none or several.

    Each span is one of the sentence's place candidates (``attributes.place_candidates``). Only
    places the sentence names as places count ("in Baku", "the capital, Kabul"), not names used
    as modifiers ("a U.S. soldier", "Cairo's security chief"), nor the event's own participants
    (``exclude``), nor where the reporters are ("relief officials in Nairobi said": the
    ``reporting`` verbs' subjects), nor the place of another event of the sentence ("recalled its
    ambassador from Iraq after an attack on its embassy": the first trigger above the place, among
    ``triggers``, must be ``trigger`` or one it governs).
    """
    countries = set()
    for span in places:
        if span.root in exclude or not _names_a_place(span.root, reporting) \
                or not _in_clause_of(span.root, trigger, triggers):
            continue
        location = resolve_place(span.text, None, hint)
        if location is not None and location.country_code:
            countries.add(location.country_code)
    return countries.pop() if len(countries) == 1 else None


def _names_a_place(root: Token, reporting: Collection[Token]) -> bool:
    """A place after a preposition of place, or in apposition ("the capital, Kabul");
    not "a border with Bulgaria", and not inside a reporting verb's subject."""
    head = root
    while head.dep_ == "appos":
        head = head.head
    if head.dep_ != "pobj" or head.head.lower_ not in _PLACE_PREPS:
        return False
    for ancestor in head.ancestors:
        if ancestor.dep_ in ("nsubj", "nsubjpass") and ancestor.head in reporting:
            return False
    return True


def _in_clause_of(token: Token, trigger: Token, triggers: Collection[Token]) -> bool:
    others = {t.i for t in triggers}  # spaCy makes a new Token object on every access: compare indices
    for ancestor in token.ancestors:
        if ancestor.i == trigger.i:
            return True
        if ancestor.i in others:
            return trigger.is_ancestor(ancestor)
    return True


def placed_in_setting(entities: Sequence[Entity], country: str) -> list[Entity]:
    """Typed entities without a country take the sentence's setting (``+setting``, weighed
    like a located actor); named persons and unidentified actors keep what they have."""
    return [
        replace(e, code=country, resolution=f"{e.resolution}+setting")
        if not e.code and e.sector and e.sector != "UNK" and e.resolution != "unresolved-name" else e
        for e in entities
    ]


def unidentified_in(entity: Entity, country: str) -> Entity:
    """An unidentified actor (sector UNK or none) of a material-conflict event in ``country``."""
    if entity.code or (entity.sector not in (None, "UNK")):
        return entity
    return replace(entity, code=country, sector="UNK", resolution=f"{entity.resolution}+location")


def agency_home(actors: Sequence[Entity], recipients: Sequence[Entity]) -> list[Entity]:
    """The country of a lone actor of no stated country, from whom it acts on (``+target-home``):
    a court or police force acting on one country's officials or politicians is that country's;
    rebels, the opposition or protesters facing one state's government or forces are its own."""
    if len(actors) != 1 or actors[0].code or actors[0].resolution == "unresolved-name":
        return list(actors)
    actor = actors[0]
    if actor.sector in _STATE_AGENCIES:
        homes = {r.code for r in recipients if r.code and r.sector in _POLITICAL}
    elif actor.sector == "GOV":  # "President Mwanawasa reneged on his commitment to the Zambian people"
        homes = {r.code for r in recipients if r.code and r.sector in _CIVIL_SECTORS}
    elif actor.sector in _CHALLENGERS:
        homes = {r.code for r in recipients if r.code and r.sector in _STATE}
    else:
        return list(actors)
    if len(homes) != 1:
        return list(actors)
    return [replace(actor, code=homes.pop(), resolution=f"{actor.resolution}+target-home")]


def victims_placed(events: list[Event]) -> list[Event]:
    """One sentence's events, with uncoded victims of violence given the country its attack hit:
    "rebels shelled Juba, killing about 20 people" — the people were in Juba. Only when every
    coded target of the sentence's material conflict is in one country (``+sentence-target``)."""
    targets = {e.recipient.code for e in events if e.quad_code == 4 and e.recipient is not None and e.recipient.code}
    if len(targets) != 1:
        return events
    country = targets.pop()
    out = []
    for event in events:
        victim = event.recipient
        if event.quad_code == 4 and victim is not None and not victim.code and victim.sector in _CIVIL_SECTORS \
                and victim.resolution != "unresolved-name":
            victim = replace(victim, code=country, resolution=f"{victim.resolution}+sentence-target")
            event = replace(event, recipient=victim, event_id=make_event_id(
                event.doc_id, event.text_info.sequence, event.evidence.trigger, event.actor, victim))
        out.append(event)
    return out

