"""Who is the actor and who the recipient of a trigger: the syntactic constructions.

Works on the dependency parse only and returns tokens (phrase heads); turning them into
actors is ``detente.actors.resolve``'s job. Each result names the construction that fired,
which ends up in the event's ``evidence.rule``.

>>> roles = find_roles(TriggerMatch(entry_meet, doc[1]), lexicon)   # "Kerry met Putin"  # doctest: +SKIP
>>> [t.text for t in roles.actor], [t.text for t in roles.recipient], roles.construction  # doctest: +SKIP
(['Kerry'], ['Putin'], 'active')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from detente.events.lexicon import Lexicon, TriggerMatch, governing_light_verb

_SUBJECTS = ("nsubj", "csubj")
_CONTROL_DEPS = ("xcomp", "conj", "advcl", "ccomp")
_NOMINAL_ACTOR_PREPS = ("by", "of", "from")


@dataclass(slots=True)
class Roles:
    actor: list[Token] = field(default_factory=list)
    recipient: list[Token] = field(default_factory=list)
    content: list[Token] = field(default_factory=list)  # what was requested/refused: "X's release"
    construction: str = "active"
    reciprocal_group: bool = False  # "talks between X and Y"


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _prep_objects(token: Token, prep_lemmas: set[str]) -> list[Token]:
    out = []
    for prep in _children(token, "prep", "agent", "dative", "prt"):
        if prep.lower_ in prep_lemmas or prep.lemma_.lower() in prep_lemmas:
            out.extend(_children(prep, "pobj", "pcomp"))
            # "along with", "on behalf of": one level deeper
            for inner in _children(prep, "prep"):
                out.extend(_children(inner, "pobj"))
    return out


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )


def clause_subject(verb: Token, depth: int = 0) -> tuple[list[Token], str]:
    """The subject of a verb, inherited through control and coordination when it has none.

    "X agreed to meet Y": *meet* takes X; "X urged Y to leave": *leave* takes Y (object control);
    "X met Y and discussed Z": *discussed* takes X.
    """
    if depth > 4:
        return [], "none"
    if is_passive(verb):
        agents = _prep_objects(verb, {"by"})
        if agents:
            return agents, "passive-agent"
        return [], "passive-no-agent"  # "cooperation was frozen": the agent is unknown, not the governing subject
    subjects = _children(verb, *_SUBJECTS)
    if subjects:
        return subjects, "active"
    if verb.dep_ == "xcomp" and _children(verb.head, "dobj"):
        return _children(verb.head, "dobj"), "object-control"
    if verb.dep_ in _CONTROL_DEPS and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
        found, how = clause_subject(verb.head, depth + 1)
        return found, ("inherited" if found else how)
    if verb.dep_ == "acomp" and verb.head.pos_ in ("VERB", "AUX"):  # "X is ready to ..."
        return clause_subject(verb.head, depth + 1)
    return [], "none"


def _recipient_by_spec(trigger: Token, spec: tuple[str, ...], passive: bool) -> tuple[list[Token], list[Token]]:
    """(recipients, content) following the entry's recipient preferences."""
    content: list[Token] = []
    for source in spec:
        if source == "dobj":
            found = _children(trigger, "nsubjpass") if passive else _children(trigger, "dobj")
        elif source == "dative":
            found = _children(trigger, "dative")
            found = [o for d in found for o in (_children(d, "pobj") or [d])]
        elif source == "xobj":
            found = []
            for x in _children(trigger, "xcomp", "acl"):
                content.append(x)
                found.extend(_children(x, "dobj", "nsubjpass") or _prep_objects(x, {"to", "with", "on", "against"}))
        elif source == "poss":
            found = _children(trigger, "poss")
        else:
            found = _prep_objects(trigger, {source})
        if found:
            return found, content
    return [], content


def find_roles(match: TriggerMatch, lexicon: Lexicon) -> Roles:
    """Actor, recipient and content heads of a trigger, with the construction's name."""
    entry, trigger = match.entry, match.token
    if entry.pos == "noun":
        return _nominal_roles(match, lexicon)
    if entry.pos == "adj":  # "Moscow is open to talks with Kiev"
        actors, how = clause_subject(trigger.head) if trigger.dep_ == "acomp" else ([], "none")
        recipients, content = _recipient_by_spec(trigger, entry.recipient, False)
        return Roles(actors, recipients, content, f"adjective-{how}")
    passive = is_passive(trigger)
    actors, how = clause_subject(trigger)
    recipients, content = _recipient_by_spec(trigger, entry.recipient, passive)
    if trigger.dep_ == "acl" and passive and not recipients:
        recipients, how = [trigger.head], f"{how}-participle"  # "servicemen held by Ukraine"
    elif passive and not recipients:
        recipients = _children(trigger, "nsubjpass")
    content.extend(_children(trigger, "dobj") if not passive else [])
    content.extend(_prep_objects(trigger, set(entry.prep)) if entry.prep else [])
    if trigger.dep_ == "relcl" and not recipients and not passive:
        # "Savchenko, whom a court sentenced": the relative pronoun is the object
        pron = [c for c in trigger.children if c.dep_ in ("dobj",) and c.lower_ in ("who", "whom", "which", "that")]
        recipients = pron
    return Roles(actors, recipients, content, ("passive-" if passive else "") + how)


def _nominal_roles(match: TriggerMatch, lexicon: Lexicon) -> Roles:
    entry, noun = match.entry, match.token
    roles = Roles(construction="nominal")
    between = _prep_objects(noun, {"between", "among"})
    if between:
        roles.actor, roles.reciprocal_group, roles.construction = between, True, "nominal-between"
    recipient_spec = tuple(s for s in entry.recipient if s != "between")
    roles.recipient, roles.content = _recipient_by_spec(noun, recipient_spec, False)
    if not roles.actor:
        poss = _children(noun, "poss")
        if poss and "poss" not in entry.recipient:
            roles.actor, roles.construction = poss, "nominal-possessive"
    if not roles.actor:
        preps = {p for p in _NOMINAL_ACTOR_PREPS if p not in entry.recipient}
        by = _prep_objects(noun, preps)
        if by:
            roles.actor, roles.construction = by, "nominal-prepositional"
    if not roles.actor:
        mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ in ("NORP", "GPE", "ORG", "PERSON")]
        mods += [c for c in noun.children if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ") and not c.ent_type_]
        if mods:
            roles.actor, roles.construction = mods, "nominal-modifier"
    verb = governing_light_verb(noun, lexicon)
    if verb is not None:
        if not roles.actor:
            roles.actor, how = clause_subject(verb)
            roles.construction = f"light-verb-{how}"
        if not roles.recipient:
            roles.recipient, _ = _recipient_by_spec(verb, recipient_spec + ("dative",), False)
    return roles
