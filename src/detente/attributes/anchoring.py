"""Which date and which place of a sentence belong to an event.

A date or place expression belongs to the event whose clause it hangs from in the parse
("a Russian court *on March 22* sentenced ..."; "talks *in the Kremlin*"), not merely to the
sentence: "X, who met Y on Monday, said on Tuesday that ..." gives each event its own date.
Without a date of its own an event takes a date that modifies the sentence's reporting verb,
and failing that the publication date (marked ``source="publication"``).

>>> event_date(sentence, list(sentence.ents), {trigger}, offset, date(2016, 3, 24), "past", reporting)    # doctest: +SKIP
EventDate(value='2016-03-22', granularity=<Granularity.DAY: 'day'>, source='text', ...)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from detente.attributes.dates import resolve_date_text
from detente.attributes.places import resolve_place
from detente.records import EventDate, Granularity, Location, Span

_PLACE_LABELS = ("GPE", "LOC", "FAC", "ORG")
# Not "on": "talks on Syria" are about Syria, not in it.
# nouns that name a place by an "of" phrase: "the city of Basra", "the outskirts of Aleppo"
_PLACE_NOUNS = {"city", "town", "village", "province", "region", "district", "capital", "port", "area",
                "outskirt", "outskirts", "suburb", "suburbs", "centre", "center", "state", "county", "island", "enclave"}
_PLACE_PREPS = {"in", "at", "near", "outside", "inside", "across", "throughout", "around", "into", "within"}
_TARGET_WORDS = {"target", "deadline", "by", "until", "before", "aim", "goal"}
_MAX_CLIMB = 8


def attached(token: Token, heads: Collection[Token]) -> bool:
    """Whether ``token`` hangs from one of ``heads`` without crossing another clause."""
    node = token
    for _ in range(_MAX_CLIMB):
        if node in heads:
            return True
        if node.i != token.i and node.pos_ in ("VERB", "AUX"):
            return False
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _span(ent: SpacySpan, offset: int) -> Span:
    return Span(offset + ent.start_char, offset + ent.end_char, ent.text)


def _as_event_date(ent: SpacySpan, offset: int, published: date | None, prefer: str) -> EventDate | None:
    found = resolve_date_text(ent.text, published, prefer)
    if found is None:
        # The NER sometimes glues a date to a duration: "Tuesday to 22 years"; keep the head part.
        cut = next((t.i for t in ent[1:] if t.pos_ == "ADP"), None)
        if cut is None:
            return None
        ent = ent.doc[ent.start : cut]
        found = resolve_date_text(ent.text, published, prefer)
        if found is None:
            return None
    value, granularity = found
    return EventDate(value, granularity, "text", _span(ent, offset))


def _since(ent: SpacySpan) -> bool:
    """A date that starts a period or a comparison, not the event: "negotiating *since 2012*",
    "the first visit *since 1928*", "arrests *since a failed coup last month*"."""
    if ent[0].lower_ == "since":
        return True
    node = ent.root
    for _ in range(_MAX_CLIMB):
        if node.lower_ == "since" and node.dep_ in ("prep", "mark"):
            return True
        if node.head.i == node.i or node.pos_ in ("VERB", "AUX"):
            return False
        node = node.head
    return False


def event_date(
    sentence: SpacySpan,
    ents: Sequence[SpacySpan],
    heads: Collection[Token],
    offset: int,
    published: date | None,
    prefer: str,
    reporting_verbs: frozenset[str],
) -> EventDate | None:
    """The event's own date, else the report's date in the sentence, else the publication date."""
    dates = [e for e in ents if e.label_ == "DATE" and not _since(e)]
    for ent in dates:
        if attached(ent.root, heads):
            found = _as_event_date(ent, offset, published, prefer)
            if found:
                return found
    for ent in dates:
        verb = next((a for a in ent.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if verb is not None and verb.lemma_.lower() in reporting_verbs:
            found = _as_event_date(ent, offset, published, "past")  # the report is past, whatever it reports
            if found:
                return found
    if published is None:
        return None
    return EventDate(published.isoformat(), Granularity.DAY, "publication")


def target_date(
    ents: Sequence[SpacySpan], trigger: Token, offset: int, published: date | None
) -> EventDate | None:
    """A commitment's target ("the target is August", "by the end of 2016"): a date in the
    trigger's subtree introduced by a target word, or one that lies after publication."""
    subtree = set(trigger.subtree)
    for ent in (e for e in ents if e.label_ == "DATE" and e.root in subtree):
        context = {t.lemma_.lower() for t in ent.root.ancestors} | {t.lemma_.lower() for t in ent.root.head.children}
        future = _as_event_date(ent, offset, published, "future")
        if future is None:
            continue
        after = published is not None and future.first_day > published
        if context & _TARGET_WORDS or after:
            return future
    return None


def place_candidates(sentence: SpacySpan, ents: Sequence[SpacySpan]) -> list[SpacySpan]:
    """The phrases of a sentence that may name a place (computed once per sentence).

    Named entities come first; a proper noun after a preposition that the NER missed ("near
    Aleppo") is a candidate too, since the gazetteer knows more places than the model.
    """
    candidates = [e for e in ents if e.label_ in _PLACE_LABELS]
    # the model takes some towns for groups ("near the town of Samarra" as NORP): after a
    # preposition such a name is a candidate too; a real group name resolves to no place
    candidates += [e for e in ents if e.label_ == "NORP" and e.root.dep_ == "pobj" and e.root.pos_ == "PROPN"]
    covered = {t.i for e in ents for t in e}
    candidates += [sentence.doc[t.left_edge.i : t.i + 1] for t in sentence
                   if t.pos_ == "PROPN" and t.dep_ == "pobj" and t.i not in covered]
    return candidates


def event_place(
    candidates: Sequence[SpacySpan],
    heads: Collection[Token],
    offset: int,
    exclude: Collection[Token] = (),
    through_objects: bool = True,
    hint: frozenset[str] = frozenset(),
) -> Location | None:
    """A place the event's clause names: "in Moscow", "at the Kremlin", "the Brussels attacks".

    ``candidates`` come from ``place_candidates``. With ``through_objects`` a place may hang
    from the event's object ("bombed positions near Aleppo"); for talk it may not ("discussed
    the war in Syria" did not happen in Syria). ``hint``: the countries the sentence names, to
    choose between towns of one name (``resolve_place``).
    """
    for ent in candidates:
        if ent.root in exclude:
            continue
        root = ent.root
        while root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in _PLACE_NOUNS:
            root = root.head.head  # "outside the city of Basra", "near the town of Samarra"
        prep = root.head
        via_prep = root.dep_ == "pobj" and prep.lower_ in _PLACE_PREPS and (
            attached(root, heads) if through_objects else prep.head in heads
        )
        as_modifier = root.dep_ in ("compound", "nmod", "amod") and root.head in heads
        # "shelled the outskirts of Aleppo": a place noun as the object of the act
        as_object = through_objects and root is not ent.root and root.dep_ == "dobj" and root.head in heads
        if not (via_prep or as_modifier or as_object):
            continue
        location = resolve_place(ent.text, _span(ent, offset), hint)
        if location is not None:
            return location
    return None
