"""Parse-level helpers for noun phrases, shared by actor resolution and the event coder.

Word tables that decide what a phrase's modifiers say about its actor ("the Saudi-led
coalition", "an F-16 fighter", "Latin American leaders"), and walks over the parse
(entity spans, coordination).

>>> [t.text for t in coordinated(doc[0])]      # "Britain, France and Germany ..."  # doctest: +SKIP
['Britain', 'France', 'Germany']
"""

from __future__ import annotations

import re

from spacy.tokens import Span as _SpacySpan
from spacy.tokens import Token

# "thousands of Brazilians", "a group of rebels": the actor is the "of" phrase.
QUANTITY = {"thousand", "hundred", "dozen", "ten", "million", "score", "group", "number", "majority",
            "crowd", "band", "unit", "contingent", "delegation", "team", "member", "handful", "some", "many", "most"}

# Nouns for a part or form of an organisation: "the al-Qaeda network", "the Hamas leadership".
BODY_NOUNS = {"network", "group", "faction", "leadership", "wing", "movement", "organisation", "organization",
              "cell", "branch", "affiliate", "unit", "command", "council", "militia", "fighter", "member", "office"}

# A type designation ("F-16", "Su-24", "MiG-29") before these nouns names a military aircraft.
DESIGNATION = re.compile(r"^[A-Z][A-Za-z]{0,3}-\d+[A-Za-z0-9]*$")
PLATFORM_NOUNS = {"fighter", "bomber", "interceptor", "gunship"}

# "the Saudi-led coalition", "Houthi-controlled territory": the participle's modifier names the
# side the phrase belongs to; so it does for armed groups that a state backs ("Armenian-backed
# forces"), but not for a backed government ("the US-backed government" is still its country's).
LEADER_PARTICIPLES = {"lead", "led", "control", "controlled", "hold", "held", "run"}
BACKER_PARTICIPLES = {"back", "backed", "support", "supported", "sponsor", "sponsored", "arm", "armed", "fund", "funded"}
ARMED_SECTORS = {"MIL", "REB", "PRM", "UAF"}
TIE_WORDS = {"link", "linked", "tie", "tied", "connect", "connected", "affiliate", "affiliated", "loyal", "close",
             "allied", "belong", "belonging"}


def entity_span(token: Token) -> _SpacySpan | None:
    """The entity span around a token, from its IOB tags (doc.ents rebuilds every span)."""
    if token.ent_iob_ not in ("B", "I"):
        return None
    doc, start, end = token.doc, token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return _SpacySpan(doc, start, end, label=doc[start].ent_type_, span_id=doc[start].ent_id_ or 0)


_REGION_WORDS = {"latin", "south", "north", "central", "east", "west", "southeast", "northeast"}


def regional(token: Token) -> bool:
    """ "Latin American leaders", "Central African states": a continent's adjective, not the
    country whose demonym ends it (the tagger splits off "Latin"; "South Korean" stays whole)."""
    ent = entity_span(token)
    start = ent.start if ent is not None else token.i
    return start > 0 and token.doc[start - 1].lower_ in _REGION_WORDS


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def coordinated(token: Token) -> list[Token]:
    """``token`` and its conjuncts: "Kerry and Putin", "Britain, France and Germany"."""
    out = [token]
    # "U.S. President Barack Obama and Cuban President Raul Castro": the model hangs the second
    # name on the first one's apposition
    stack = [c for c in token.children if c.dep_ == "conj"] + [
        c for a in token.children if a.dep_ == "appos" and a.ent_type_ == "PERSON" for c in a.children if c.dep_ == "conj"]
    while stack:
        conj = stack.pop(0)
        out.append(conj)
        stack.extend(c for c in conj.children if c.dep_ == "conj")
    return out
