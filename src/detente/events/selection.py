"""Which of a sentence's triggers report an event of their own.

Some triggers are mentions of an event already coded, or of no event:

* a nominal trigger that is the object of a verb that is itself a trigger ("signed an
  *agreement*", "refused *talks*"): the verb says what happened;
* a participle naming an actor's backers ("forces *backed* by Russian warplanes"): a
  description of the actor, as "Russian-backed" is;
* a nominal trigger in a temporal or causal adjunct, with no participants or date of its own
  ("*following* the invasion", "*in the wake of* the attacks", "*during* a summit"): background
  to the sentence's event, often years old. Counting it would add an event dated at the
  article's publication. With its own participants or date it stays: "during Kerry's meeting
  with Putin", "after talks in the Kremlin on March 24".

Purpose clauses that restate their verb's event are part of it (``_restated_purposes``).

>>> [m.token.text for m in select(matches, lexicon)]      # doctest: +SKIP
['signed']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Token

from detente.events.lexicon import Lexicon, TriggerMatch, governing_light_verb

_BACKGROUND_PREPS = {"after", "following", "since", "before", "amid", "during", "despite", "over", "of"}
_BACKGROUND_HEADS = {"wake", "aftermath", "run-up", "eve", "anniversary", "wave", "series", "spate", "string"}
_OWN_PARTICIPANT_PREPS = {"between", "with", "by", "among", "against", "on"}


def _has_own_participants(noun: Token) -> bool:
    for child in noun.children:
        if child.dep_ == "poss":
            return True
        if child.dep_ == "prep" and child.lower_ in _OWN_PARTICIPANT_PREPS:
            return True
        if child.dep_ == "prep" and child.lower_ == "of" and any(
            g.ent_type_ in ("PERSON", "GPE", "NORP", "ORG") for g in child.subtree
        ):
            return True
    return False


def _has_own_date(noun: Token) -> bool:
    return any(t.ent_type_ == "DATE" for t in noun.subtree if t.i != noun.i)


def is_background(noun: Token) -> bool:
    """A nominal trigger hanging from a temporal or causal preposition, without participants or date."""
    if noun.dep_ != "pobj":
        return False
    prep = noun.head
    head_word = prep.head.lemma_.lower() if prep.head.pos_ == "NOUN" else ""
    background = prep.lower_ in _BACKGROUND_PREPS or head_word in _BACKGROUND_HEADS
    if prep.lower_ == "of" and head_word not in _BACKGROUND_HEADS:
        background = False  # "the case of X", "accused of X": not a time adjunct
    return background and not _has_own_participants(noun) and not _has_own_date(noun)


def _cooperative(match: TriggerMatch, quad: Callable[[str], int]) -> bool:
    return quad(match.entry.event) in (1, 2)


def select(matches: list[TriggerMatch], lexicon: Lexicon, quad: Callable[[str], int]) -> list[TriggerMatch]:
    """The triggers that code an event of their own (see the module docstring).

    A verb trigger with a governed nominal trigger as its object is one event: the verb's when
    both lean the same way ("signed an agreement": SUPPORT), the noun's when they do not ("struck
    a deal" is no assault: *strike* is a light verb there).
    """
    by_index = {m.token.i: m for m in matches}
    dropped: set[int] = set()
    for match in matches:
        if match.entry.event == "SUPPORT" and _describes_backing(match.token):
            dropped.add(match.token.i)
        if match.entry.pos != "noun":
            continue
        verb = governing_light_verb(match.token, lexicon)
        governing = by_index.get(verb.i) if verb is not None else None
        if governing is not None and governing.entry.pos != "noun":
            named = match.token.lemma_.lower() in governing.entry.object  # "lifted sanctions": the verb's
            same_way = _cooperative(governing, quad) == _cooperative(match, quad)
            # "will not lift the ban on deployments": the verb's own object names its event, and a
            # noun in a prepositional phrase beside it is that object's content
            own_object = match.token.dep_ == "pobj" and any(
                c.dep_ == "dobj" and c.lemma_.lower() in governing.entry.object for c in governing.token.children)
            dropped.add(match.token.i if same_way or named or own_object else governing.token.i)
        elif is_background(match.token):
            dropped.add(match.token.i)
    dropped |= _restated_purposes(matches, by_index, lexicon)
    kept = [m for m in matches if m.token.i not in dropped]
    return [refusal(m, by_index, quad) for m in kept]


def _describes_backing(verb: Token) -> bool:
    """ "government forces backed by Russian warplanes", "militias supported by Iran": a
    participle naming an actor's backers describes the actor, as "Russian-backed" does; the
    sentence reports something else."""
    return verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN")


def _restated_purposes(matches: list[TriggerMatch], by_index: dict[int, TriggerMatch], lexicon: Lexicon) -> set[int]:
    """Purpose clauses that restate their verb's event, or state what a protest demands.

    "summoned Niger's ambassador to complain" is one protest, the summons: read as object
    control, the clause would make the ambassador the complainant. "began a hunger strike to
    demand the return of their land" is one protest whose demand is its content, as CAMEO's
    "demonstrate for" codes say.
    """
    restated = set()
    for match in matches:
        token = match.token
        # a nominal trigger's purpose clause hangs on its light verb: "began a strike to demand"
        holder = (governing_light_verb(token, lexicon) if match.entry.pos == "noun" else None) or token
        for clause in holder.children:
            inner = by_index.get(clause.i)
            if inner is None or clause.dep_ not in ("xcomp", "advcl") or inner is match \
                    or any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children):
                continue
            purpose = any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
            if match.entry.event == "PROTEST" and inner.entry.event == "REQUEST" and purpose:
                restated.add(clause.i)
            elif match.entry.pos != "noun" and clause.dep_ == "xcomp" and inner.entry.event == match.entry.event \
                    and any(c.dep_ == "dobj" for c in token.children):
                restated.add(clause.i)
    return restated


_NEGATIONS = {"not", "never", "n't"}


def refusal(match: TriggerMatch, by_index: dict[int, TriggerMatch], quad: Callable[[str], int]) -> TriggerMatch:
    """A commitment never to cooperate is a refusal: "vowed never to return the Golan Heights"
    is REJECT, not AGREE. A promise not to attack stays a commitment (AGREE): only a negated
    complement that is itself a cooperative trigger turns the commitment round.

    ``by_index``: the sentence's triggers by token index.
    """
    entry = match.entry
    if entry.event != "AGREE" or entry.embeds != "future":
        return match
    for clause in match.token.children:
        inner = by_index.get(clause.i)
        if clause.dep_ == "xcomp" and inner is not None and _cooperative(inner, quad) and any(
                c.dep_ == "neg" and c.lower_ in _NEGATIONS for c in clause.children):
            return replace(match, entry=replace(entry, id=f"{entry.id}.refusal", event="REJECT", mode=None,
                                                context=None, cameo="120", embeds="negated"))
    return match
