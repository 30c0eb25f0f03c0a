"""Modality: is the event asserted as fact, negated, speculative, future/intended or alleged?

Scope comes from the dependency parse: a cue counts when it sits on the trigger's own clause
(its auxiliaries, negation, conditional marker) or on a clause that governs the trigger through
a complement ("refused to *release*", "speculation that the pilot could be *released*",
"agreed to *resume* talks"). A relative clause or a reporting verb does not pass cues down.

>>> modality_of(doc[release_index], sentence_triggers, cues)   # doctest: +SKIP
(<Modality.SPECULATIVE: 'speculative'>, 'speculation')
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import yaml
from spacy.tokens import Token

from detente.events.lexicon import TriggerEntry, claimed
from detente.records import Modality

_COMPLEMENTS = ("xcomp", "ccomp", "acl", "pcomp", "advcl", "conj", "pobj", "prep", "dobj", "attr", "acomp", "oprd")
_MAX_CLIMB = 8
_AWAITED_MARKS = {"until", "till", "once", "before"}


@dataclass(frozen=True, slots=True)
class ModalityCues:
    speculative_aux: frozenset[str]
    future_aux: frozenset[str]
    deontic_aux: frozenset[str]
    negators: frozenset[str]
    negating_verbs: frozenset[str]
    denying_verbs: frozenset[str]
    cancelling_verbs: frozenset[str]
    intention_verbs: frozenset[str]
    attempt_verbs: frozenset[str]
    intention_adjectives: frozenset[str]
    ability_adjectives: frozenset[str]
    speculation_nouns: frozenset[str]
    conditional_marks: frozenset[str]
    alleged_adverbs: frozenset[str]
    alleged_verbs: frozenset[str]
    allegation_nouns: frozenset[str]


@functools.cache
def load_cues() -> ModalityCues:
    text = (resources.files("detente.attributes") / "data" / "modality.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return ModalityCues(**{k: frozenset(str(v).lower() for v in data[k]) for k in ModalityCues.__slots__})


def _own_clause(token: Token, cues: ModalityCues) -> tuple[Modality, str] | None:
    """Cues on the clause headed by ``token``: negation, modal auxiliaries, condition, hedges."""
    children = list(token.children)
    for child in children:  # negation first: "will not accept" is a refusal, not a plan
        if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
            return Modality.NEGATED, child.lower_
        if child.dep_ in ("nsubjpass", "dobj") and any(g.dep_ == "det" and g.lower_ == "no" for g in child.children):
            return Modality.NEGATED, "no"  # "no troops would be sent", "received no request"
    for child in children:
        lower = child.lower_
        if child.dep_ in ("aux", "auxpass"):
            if lower in cues.speculative_aux:
                return Modality.SPECULATIVE, lower
            if lower in cues.future_aux or lower in cues.deontic_aux:
                return Modality.FUTURE, lower
        if child.dep_ == "mark" and lower in cues.conditional_marks:
            return Modality.SPECULATIVE, lower
        if child.dep_ == "advmod" and lower in cues.alleged_adverbs:
            return Modality.ALLEGED, lower
    return None


def _particle(verb: Token, word: str) -> bool:
    return any(c.dep_ == "prt" and c.lower_ == word for c in verb.children)


def _reported(clause: Token, reporting_verbs: frozenset[str]) -> bool:
    node = clause
    for _ in range(_MAX_CLIMB):
        if node.dep_ in ("ccomp", "xcomp", "conj") and node.head.lemma_.lower() in reporting_verbs:
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def refusal_aux_in_clause(token: Token, cues: ModalityCues | None = None) -> bool:
    """Whether the clause headed by ``token`` has an auxiliary that makes its negation a refusal:
    future ("will not accept", "would not") or present ability ("cannot accept", "can't")."""
    cues = cues or load_cues()
    return any(c.dep_ == "aux" and (c.lower_ in cues.future_aux or c.lower_ in ("would", "can", "ca"))
               for c in token.children)


def modality_of(
    trigger: Token,
    triggers: Mapping[int, TriggerEntry],
    reporting_verbs: frozenset[str],
    cues: ModalityCues | None = None,
    clause_head: Token | None = None,
) -> tuple[Modality, str | None]:
    """The trigger's modality and the cue word that decided it (None when asserted).

    ``triggers`` maps token index → lexicon entry for the other triggers of the sentence, so
    that an event embedded under another trigger takes that trigger's ``embeds`` modality.
    ``clause_head`` is the verb that carries a nominal trigger ("did not *hold* talks").
    """
    cues = cues or load_cues()
    heads = [trigger] + ([clause_head] if clause_head is not None and clause_head.i != trigger.i else [])
    for head in heads:
        found = _own_clause(head, cues)
        if found:
            if found == (Modality.SPECULATIVE, "would") and _reported(head, reporting_verbs):
                return Modality.FUTURE, "would"  # "Iraq said it would allow ...": future in the past
            return found
    node = heads[-1]
    for _ in range(_MAX_CLIMB):
        if node.dep_ in ("ROOT", "relcl") or node.head.i == node.i:
            break
        rel, parent = node.dep_, node.head
        lemma = parent.lemma_.lower()
        if rel not in _COMPLEMENTS:
            break
        infinitive = rel == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
        if parent.i in triggers and parent.i != trigger.i and (
                rel in ("xcomp", "ccomp", "acl", "pobj", "prep", "dobj", "pcomp") or infinitive):
            embeds = triggers[parent.i].embeds
            if embeds:
                return Modality(embeds), lemma
        if parent.pos_ in ("VERB", "AUX"):
            if rel == "ccomp" and lemma in cues.denying_verbs:
                return Modality.NEGATED, lemma  # "denied it had carried out any strike"
            if rel == "ccomp" and lemma == "claim" and not claimed(node):
                return Modality.ALLEGED, lemma  # "Syria claimed Israel had attacked": an allegation
            if lemma in reporting_verbs:
                break  # "X said Y attacked Z": the report does not change Y's act
            if rel == "xcomp" and lemma in cues.negating_verbs:
                return Modality.NEGATED, lemma
            if rel == "dobj" and (lemma in cues.cancelling_verbs or (lemma == "call" and _particle(parent, "off"))):
                return Modality.NEGATED, lemma  # "cancelled his summit with Kim"
            if rel == "xcomp" and lemma in cues.attempt_verbs:
                found = _own_clause(parent, cues)
                if found:
                    return found
                node = parent
                continue
            # "vowed to fight" (the parser sometimes makes the infinitive an adverbial clause)
            if (rel in ("xcomp", "ccomp") or infinitive) and lemma in cues.intention_verbs:
                return Modality.FUTURE, lemma
            if rel in ("xcomp", "ccomp", "prep", "pcomp") and lemma in cues.alleged_verbs:
                return Modality.ALLEGED, lemma
        if parent.pos_ == "ADJ" and rel == "xcomp" and lemma in cues.intention_adjectives:
            return Modality.FUTURE, lemma  # "is prepared to impose martial law"
        if parent.pos_ == "ADJ" and rel in ("xcomp", "prep") and lemma in cues.ability_adjectives:
            return Modality.SPECULATIVE, lemma  # "hackers capable of launching attacks"
        if parent.pos_ == "NOUN" and lemma in cues.speculation_nouns and rel in ("acl", "ccomp", "prep", "pcomp", "pobj"):
            return Modality.SPECULATIVE, lemma
        if parent.pos_ == "NOUN" and lemma in cues.allegation_nouns and rel in ("acl", "ccomp"):
            return Modality.ALLEGED, lemma  # "denied charges that it tortured a priest", "reports that jets bombed"
        if rel in ("xcomp", "ccomp", "acl", "advcl"):
            found = _own_clause(parent, cues)
            mark = next((c.lower_ for c in node.children if c.dep_ == "mark" and c.lower_ in _AWAITED_MARKS), None)
            if rel == "advcl" and mark and found and found[0] in (Modality.NEGATED, Modality.FUTURE):
                # "will not lift the ban until Warsaw provides guarantees": the awaited act is a
                # condition, neither refused nor promised
                return Modality.SPECULATIVE, mark
            if found and found[0] is not Modality.ALLEGED:
                return found
        node = parent
    return Modality.ASSERTED, None
