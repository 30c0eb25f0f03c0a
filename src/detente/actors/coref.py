"""Document memory for actor resolution: mentions, pronouns, descriptions, groups.

Mixed into ``ActorResolver``: a pronoun ("he", "it", "they"), a definite description ("the
minister", "the pilot") or a group description ("the two countries", "both sides") resolves to
the nearest compatible earlier mention of the article, within a few sentences; a possessive in a
fronted phrase points forward to the main clause's subject ("In his talks with Lavrov, Kerry ...").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

from spacy.tokens import Token

from detente.records import Entity, Span

_PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person",
             "hers": "person", "they": "group", "them": "group", "their": "group", "it": "thing", "its": "thing"}
SPEAKER_PRONOUNS = {"i", "me", "my", "we", "us", "our"}
_GROUP_WORDS = {"side", "country", "state", "leader", "nation", "party", "minister", "chief", "government", "power"}
_PRONOUN_WINDOW = 3  # sentences back that a pronoun may reach


@dataclass(slots=True)
class Mention:
    entity: Entity
    start: int  # article character offset: order of mention
    sentence: int
    nouns: frozenset[str]  # words that describe it: "pilot", "minister", "ministry"
    is_person: bool
    plural: bool = False
    subject: bool = False


class Group(NamedTuple):
    """Actors named together: "Kerry and Lavrov", or the parties of a joint act ("X and Y signed")."""

    start: int  # article character offset
    sentence: int
    members: list[Entity]
    joint: bool = False  # the parties of a joint action, which "the two sides" refers back to first


class MemoryMixin:
    """Coreference over the mentions an ``ActorResolver`` has seen (its ``history``/``groups``)."""

    __slots__ = ()
    history: list[Mention]
    groups: list[Group]
    sentence: int
    reporting_verbs: frozenset[str]

    def _group_description(self, token: Token, offset: int) -> list[Entity]:
        """ "the two countries", "both sides", "the sides": the latest group of actors."""
        if token.tag_ not in ("NNS", "NNPS") or token.lemma_.lower() not in _GROUP_WORDS:
            return []
        markers = {c.lower_ for c in token.children}
        if not (markers & {"two", "both"} or (token.lemma_.lower() == "side" and "the" in markers)):
            return []
        before = [g for g in self.groups if g.start < offset + token.idx]
        if markers & {"two", "both"}:
            # "the two sides": the latest pair that acted together, else the latest pair named;
            # never a longer list ("the leaders of A, B, C and D")
            pairs = [g for g in before if len(g.members) == 2]
            before = [g for g in pairs if g.joint] or pairs
        return list(before[-1].members) if before else []

    # ------------------------------------------------------------------ pronouns
    def _pronoun(self, token: Token, offset: int, speaker: list[Entity] | None) -> list[Entity]:
        lower = token.lower_
        if lower in SPEAKER_PRONOUNS:
            return list(speaker or [])
        kind = _PERSONAL.get(lower)
        here = offset + token.idx
        if kind == "person":
            cataphor = self._cataphora(token, offset) or self._reporter(token, offset)
            if cataphor:
                return cataphor
            found = self._antecedent(here, lambda m: m.is_person)
            return [replace(found.entity, entity_text=token.text, resolution="pronoun")] if found else []
        if kind == "group":
            recent = [(g.sentence, g.members) for g in self.groups if g.start < here]
            if recent and self.sentence - recent[-1][0] <= 1:
                return list(recent[-1][1])
            found = self._antecedent(here, lambda m: m.plural) or self._antecedent(here, lambda m: not m.is_person)
            return [replace(found.entity, entity_text=token.text, resolution="pronoun")] if found else []
        if kind == "thing":
            if _expletive(token):
                return []  # "It was the first time that ...", "it is unclear whether ..."
            found = self.thing_antecedent(here)
            return [replace(found.entity, entity_text=token.text, resolution="pronoun")] if found else []
        return []

    def thing_antecedent(self, here: int) -> Mention | None:
        """What "it"/"its" stands for: a state or organisation named just before, never further
        back than the previous sentence. "Syria says it will not ...": this sentence's subject
        first, a possessor counting as one ("Saudi Arabia's decision ... over an attack on its
        embassy"); then the previous sentence's subject ("The administration expelled 35
        diplomats. It also closed ..."); then any singular state or organisation."""
        def thing(m: Mention) -> bool:
            return not m.is_person and not m.plural and bool(m.entity.code)

        return (self._antecedent(here, lambda m: thing(m) and m.subject and m.sentence == self.sentence)
                or self._antecedent(here, lambda m: thing(m) and m.subject and self.sentence - m.sentence == 1)
                or self._antecedent(here, lambda m: thing(m) and self.sentence - m.sentence <= 1))

    def _reporter(self, token: Token, offset: int) -> list[Entity]:
        """ "Katsav refused to meet the king, saying he would only welcome him in Jerusalem": the
        subject of a clause a person reports is that person, not the nearer name. Someone else's
        pronoun ("him") and a report by a thing ("the ministry said he") keep the usual search."""
        if token.dep_ != "nsubj" or token.head.dep_ != "ccomp":
            return []
        verb = token.head.head
        if verb.lemma_.lower() not in self.reporting_verbs:
            return []
        reporters = [c for c in verb.children if c.dep_ == "nsubj"]
        if not reporters and (verb.dep_ == "conj" or (verb.dep_ == "advcl" and verb.tag_ == "VBG")):
            reporters = [c for c in verb.head.children if c.dep_ == "nsubj"]  # "..., saying he would"
        if len(reporters) != 1 or reporters[0].ent_type_ != "PERSON":
            return []
        found = [e for e in self._resolve_head(reporters[0], offset, None) if e.identifier_text or e.code]
        here = Span(offset + token.idx, offset + token.idx + len(token.text), token.text)
        return [replace(e, entity_text=token.text, span=here, resolution="pronoun") for e in found[:1]]

    def _cataphora(self, token: Token, offset: int) -> list[Entity]:
        """ "In his talks with Lavrov, Kerry said ...": a possessive in a phrase fronted before
        the main clause's subject points forward to that subject when it names a person."""
        if token.dep_ != "poss":
            return []
        root = token
        while root.head.i != root.i:  # Token.sent would rebuild every sentence of the doc
            root = root.head
        subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > token.i]
        if not subjects or token.i >= subjects[0].left_edge.i or subjects[0].ent_type_ != "PERSON":
            return []
        found = [e for e in self._resolve_head(subjects[0], offset, None) if e.identifier_text or e.code]
        return [replace(e, entity_text=token.text, span=Span(offset + token.idx, offset + token.idx + len(token.text), token.text),
                        resolution="pronoun") for e in found]

    def _antecedent(self, before: int, accept: Callable[[Mention], bool]) -> Mention | None:
        for mention in reversed(self.history):
            if mention.start >= before:
                continue
            if self.sentence - mention.sentence > _PRONOUN_WINDOW:
                return None
            if accept(mention):
                return mention
        return None

    def _remember(self, entity: Entity, token: Token, offset: int, is_person: bool) -> None:
        nouns = {t.lemma_.lower() for t in token.subtree if t.pos_ == "NOUN"}
        if entity.office:
            nouns.update(entity.office.split())
        start = offset + token.idx
        if any(m.start == start for m in self.history):
            return
        plural = token.tag_ in ("NNS", "NNPS") and token.ent_type_ not in ("GPE", "ORG")
        # a possessor is the agent of its noun: "Saudi Arabia's decision to break off relations"
        subject = token.dep_ in ("nsubj", "nsubjpass") or (token.dep_ == "poss" and token.head.pos_ == "NOUN")
        self.history.append(Mention(entity, start, self.sentence, frozenset(nouns), is_person, plural, subject))
        self.history.sort(key=lambda m: m.start)


def _expletive(token: Token) -> bool:
    """ "It" as a dummy subject of "be" with a clause: "It was the first time that Iran had been
    invited", "It is likely that ...". Not "It was a deliberate attack"."""
    verb = token.head
    if token.lower_ != "it" or token.dep_ != "nsubj" or verb.lemma_ != "be":
        return False
    return any(c.dep_ in ("ccomp", "csubj", "xcomp") for c in verb.children) or any(
        g.dep_ in ("relcl", "acl") for c in verb.children if c.dep_ in ("attr", "acomp") for g in c.children)
