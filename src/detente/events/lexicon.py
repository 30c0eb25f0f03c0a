"""The trigger lexicon (``events/data/triggers.yaml``) and the matcher that finds triggers.

>>> lex = load_lexicon()
>>> [e.id for e in lex.by_lemma["meet"]]
['meet.v']
>>> [(m.entry.id, m.token.text) for m in find_triggers(nlp("Kerry met Putin."), lex)]  # doctest: +SKIP
[('meet.v', 'met')]
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from spacy.tokens import Span, Token

from detente.ontology import Ontology, load_ontology

LEXICON_ENV = "DETENTE_LEXICON"
# the spaCy parts of speech an entry of each `pos` fits (the fast nlp mode reads it too)
ENTRY_POS = {"verb": {"VERB"}, "noun": {"NOUN", "PROPN"}, "adj": {"ADJ"}}
_DEFAULT_RECIPIENT = {"verb": ("dobj", "dative"), "noun": ("with", "against", "on", "between"), "adj": ()}
_EMBEDS = {None, "future", "negated", "speculative", "alleged"}


# "a new round of talks", "a wave of arrests": the event noun behind a quantity noun
_QUANTITY_NOUNS = {"round", "series", "wave", "spate", "string", "set", "number", "flurry", "campaign", "day", "week",
                   "state"}  # "declared a state of emergency"
# "claimed responsibility for the attack", "took credit for the bombing": the claimed act is the
# object of the claiming verb
_CLAIM_NOUNS = {"responsibility", "credit", "blame"}
# "went on strike", "entered into talks": not "lodged a protest over the visit"
# nouns for organisations: their compounds say what they do, not what they are
_BODIES = {"agency", "office", "organization", "organisation", "commission", "mission", "body", "council",
           "committee", "company", "firm", "union", "association", "ministry", "department", "bureau",
           "authority", "group", "centre", "center", "institute", "foundation", "network", "channel", "station"}
# nouns that measure what a verb moves: the thing given is in their "of" phrase
_MEASURES = {"tonne", "ton", "kilogram", "kg", "kilo", "worth", "lot", "amount", "batch", "load", "truckload",
             "planeload", "shipload", "package", "crate", "box", "quantity", "dozen", "hundred", "thousand",
             "million", "billion", "consignment", "shipment", "supply", "cargo", "litre", "liter", "barrel"}
_LIGHT_PREPS = {"on", "into", "in", "under"}  # "put under investigation", "came under attack"


class LexiconError(ValueError):
    """The trigger lexicon is malformed: names the file, the entry and the problem."""


@dataclass(frozen=True, slots=True)
class TriggerEntry:
    id: str
    lemma: str
    pos: str
    event: str
    mode: str | None
    context: str | None
    cameo: str | None
    prep: tuple[str, ...] = ()
    object: tuple[str, ...] = ()
    modifier: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    reciprocal: bool = False
    governed: bool = False
    plural: bool = False
    embeds: str | None = None
    actor_sector: str | None = None
    transitive: bool = False
    unless_object: tuple[str, ...] = ()
    actor_words: tuple[str, ...] = ()
    governor: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # the trigger's own phrase names one of these lemmas
    untargeted: tuple[str, str | None, str | None] | None = None  # (event, mode, cameo) without a recipient
    by_armed: tuple[str, str | None, str | None] | None = None  # (event, mode, cameo) when armed forces act
    example: str | None = None


@dataclass(slots=True)
class Lexicon:
    entries: list[TriggerEntry]
    light_verbs: frozenset[str]
    reporting_verbs: frozenset[str]
    by_lemma: dict[str, list[TriggerEntry]] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    entry: TriggerEntry
    token: Token


def _tuple(value: object, where: str = "") -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str | bool) else list(value)  # type: ignore[call-overload]
    if any(isinstance(v, bool) for v in values):
        # YAML 1.1 reads a bare on/off/yes/no as a boolean: "on" must be quoted.
        raise LexiconError(f"{where}: a list holds a boolean: quote on/off/yes/no, e.g. [\"on\"]")
    return tuple(str(v) for v in values)


def _vocabularies(data: dict[str, object], source: str) -> dict[str, tuple[str, ...]]:
    raw = data.get("vocabularies") or {}
    if not isinstance(raw, dict):
        raise LexiconError(f"{source}: vocabularies must be a mapping of name → word list")
    return {str(name): _tuple(words, f"{source}: vocabularies.{name}") for name, words in raw.items()}


def _words(value: object, vocabularies: dict[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    """A word list in which ``$name`` stands for the named vocabulary ("$aid_goods")."""
    out: list[str] = []
    for word in _tuple(value, where):
        if word.startswith("$"):
            if word[1:] not in vocabularies:
                raise LexiconError(f"{where}: unknown vocabulary {word!r} (known: {', '.join(sorted(vocabularies))})")
            out.extend(vocabularies[word[1:]])
        else:
            out.append(word)
    return tuple(dict.fromkeys(out))


def parse_lexicon(data: object, source: str) -> Lexicon:
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{source}: expected a mapping with an 'entries' list")
    onto = load_ontology()
    vocabularies = _vocabularies(data, source)
    entries: list[TriggerEntry] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["entries"], 1):
        where = f"{source}: entry {n} ({raw.get('id', '?') if isinstance(raw, dict) else raw!r})"
        if not isinstance(raw, dict):
            raise LexiconError(f"{where}: not a mapping")
        missing = [k for k in ("id", "lemma", "pos", "event") if not raw.get(k)]
        if missing:
            raise LexiconError(f"{where}: missing {', '.join(missing)}")
        if raw["id"] in seen:
            raise LexiconError(f"{where}: duplicate id")
        seen.add(raw["id"])
        if raw["pos"] not in ENTRY_POS:
            raise LexiconError(f"{where}: pos must be one of {sorted(ENTRY_POS)}")
        if raw["event"] not in onto.event_types:
            raise LexiconError(f"{where}: unknown PLOVER event type {raw['event']!r}")
        if raw.get("mode") and not onto.is_valid_mode(raw["event"], raw["mode"]):
            raise LexiconError(f"{where}: {raw['event']} has no mode {raw['mode']!r}")
        if raw.get("embeds") not in _EMBEDS:
            raise LexiconError(f"{where}: embeds must be one of future, negated, speculative, alleged")
        recipient = raw.get("recipient")
        untargeted = _alternative(raw.get("untargeted"), onto, f"{where}: untargeted")
        by_armed = _alternative(raw.get("by_armed"), onto, f"{where}: by_armed")
        entries.append(
            TriggerEntry(
                id=raw["id"], lemma=str(raw["lemma"]).lower(), pos=raw["pos"], event=raw["event"],
                mode=raw.get("mode"), context=raw.get("context"),
                cameo=str(raw["cameo"]) if raw.get("cameo") is not None else None,
                prep=_tuple(raw.get("prep"), where), object=_words(raw.get("object"), vocabularies, where),
                modifier=_tuple(raw.get("modifier"), where),
                recipient=_tuple(recipient, where) if recipient is not None else _DEFAULT_RECIPIENT[raw["pos"]],
                reciprocal=bool(raw.get("reciprocal")), governed=bool(raw.get("governed")),
                plural=bool(raw.get("plural")), embeds=raw.get("embeds"),
                actor_sector=raw.get("actor_sector"), example=raw.get("example"),
                transitive=bool(raw.get("transitive")), unless_object=_words(raw.get("unless_object"), vocabularies, where),
                actor_words=_tuple(raw.get("actor_words"), where), governor=_tuple(raw.get("governor"), where),
                mentions=_tuple(raw.get("mentions"), where),
                untargeted=untargeted, by_armed=by_armed,
            )
        )
    for key in ("light_verbs", "reporting_verbs"):
        bad = [w for w in _tuple(data.get(key), f"{source}: {key}") if " " in w.strip()]
        if bad:  # a missing comma in a YAML flow list joins two lemmas: "put conclude"
            raise LexiconError(f"{source}: {key} holds {bad!r}: one lemma per item (a comma missing?)")
    lexicon = Lexicon(
        entries=entries,
        light_verbs=frozenset(_tuple(data.get("light_verbs"))),
        reporting_verbs=frozenset(_tuple(data.get("reporting_verbs"))),
        source=source,
    )
    for entry in entries:
        lexicon.by_lemma.setdefault(entry.lemma, []).append(entry)
    for candidates in lexicon.by_lemma.values():
        # Constrained entries first: "air strike" and "hunger strike" before a plain "strike".
        candidates.sort(key=lambda e: -(bool(e.prep) + bool(e.object) + bool(e.modifier) + bool(e.transitive)
                                        + bool(e.actor_words) + bool(e.governor) + bool(e.mentions)))
    return lexicon


def _alternative(value: object, onto: Ontology, where: str) -> tuple[str, str | None, str | None] | None:
    """``untargeted: {event: MOBILIZE, mode: weapons, cameo: "150"}``: what the entry codes in
    another situation ("fired missiles into the sea" is a show of force, not an attack)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value.get("event"):
        raise LexiconError(f"{where} must be a mapping with an event")
    event, mode = str(value["event"]), value.get("mode")
    if event not in onto.event_types:
        raise LexiconError(f"{where}: unknown PLOVER event type {event!r}")
    if mode and not onto.is_valid_mode(event, mode):
        raise LexiconError(f"{where}: {event} has no mode {mode!r}")
    return event, mode, str(value["cameo"]) if value.get("cameo") is not None else None


@functools.cache
def _load(path: str | None) -> Lexicon:
    if path:
        file = Path(path)
        text, source = file.read_text(encoding="utf-8"), str(file)
    else:
        res = resources.files("detente.events") / "data" / "triggers.yaml"
        text, source = res.read_text(encoding="utf-8"), "triggers.yaml"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise LexiconError(f"{source}: not valid YAML: {err}") from None
    return parse_lexicon(data, source)


def load_lexicon(path: str | os.PathLike[str] | None = None) -> Lexicon:
    """The packaged lexicon, or another file named by ``path`` or ``$DETENTE_LEXICON``."""
    chosen = path if path is not None else os.environ.get(LEXICON_ENV) or None
    return _load(str(chosen) if chosen else None)


def _child_lemmas(token: Token, deps: tuple[str, ...]) -> set[str]:
    return {c.lemma_.lower() for c in token.children if c.dep_ in deps}


def governing_light_verb(token: Token, lexicon: Lexicon) -> Token | None:
    """The verb whose object this noun is ("held talks", "talks were held", "imposed sanctions on")."""
    node = token
    # "a series of sanctions", "new rounds of talks": climb through quantity nouns.
    while node.dep_ == "pobj" and node.head.dep_ == "prep" and (
            (node.head.lemma_ == "of" and node.head.head.lemma_.lower() in _QUANTITY_NOUNS)
            or (node.head.lemma_ == "for" and node.head.head.lemma_.lower() in _CLAIM_NOUNS)):
        node = node.head.head
    if node.dep_ in ("dobj", "nsubjpass", "attr", "conj") and node.head.pos_ in ("VERB", "AUX"):
        if node.dep_ == "conj":
            return governing_light_verb(node.head, lexicon)
        # not "put down a coup", "turned down the offer": the particle makes it another verb
        if node.head.lemma_.lower() in lexicon.light_verbs and not any(
                c.dep_ == "prt" and c.lower_ == "down" for c in node.head.children):
            return node.head
    if (node.dep_ == "pobj" and node.head.dep_ in ("prep", "prt") and node.head.lower_ in _LIGHT_PREPS
            and node.head.head.pos_ == "VERB" and node.head.head.lemma_.lower() in lexicon.light_verbs):
        return node.head.head  # "went on strike", "stepped up cooperation"
    return None


_OTHER_CLAUSES = {"relcl", "ccomp", "advcl", "conj", "parataxis"}


def _own_phrase_lemmas(token: Token) -> set[str]:
    """Lemmas of the trigger's phrase without the clauses hanging from it: "sent troops to the
    UN peacekeeping force" names peacekeeping; "sent troops to Syria, where peacekeepers serve"
    does not."""
    out, stack = set(), list(token.children)
    while stack:
        node = stack.pop()
        if node.dep_ in _OTHER_CLAUSES:
            continue
        out.add(node.lemma_.lower())
        stack.extend(node.children)
    return out


def claimed(trigger: Token) -> bool:
    """ "claimed responsibility for the attack", "the Houthis claimed they had attacked the
    airport": the act is reported through its actor's own claim. A claim about someone else's
    act ("Syria claimed Israel had attacked") is not one."""
    if trigger.pos_ == "VERB":
        claim = trigger.head
        if trigger.dep_ != "ccomp" or claim.lemma_.lower() != "claim":
            return False
        doer = next((c for c in trigger.children if c.dep_ == "nsubj"), None)
        claimant = next((c for c in claim.children if c.dep_ == "nsubj"), None)
        return doer is not None and claimant is not None and (
            doer.lower_ in _SELF_PRONOUNS or doer.lemma_.lower() == claimant.lemma_.lower())
    return trigger.lemma_.lower() in _CLAIM_NOUNS or (
        trigger.dep_ == "pobj" and trigger.head.lemma_ == "for" and trigger.head.head.lemma_.lower() in _CLAIM_NOUNS)


_SELF_PRONOUNS = {"it", "they", "we", "he", "she"}


def _preps(token: Token) -> set[str]:
    """Prepositions and particles of a token, but not those of a date: "fired *on Monday*"."""
    return {c.lemma_.lower() for c in token.children if c.dep_ in ("prep", "prt", "agent", "advmod")
            and not any(g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in c.children)}


def actor_phrases(noun: Token, lexicon: Lexicon) -> list[Token]:
    """Where a nominal trigger's actor may be named: its possessor, its "by" phrase, and the
    subject of the verb that governs it ("teachers began a strike")."""
    found = [c for c in noun.children if c.dep_ == "poss"]
    found += [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "by" for g in c.children if g.dep_ == "pobj"]
    verb = governing_light_verb(noun, lexicon)
    for _ in range(3):  # "workers threatened to go on strike": the subject of the controlling verb
        if verb is None:
            break
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            found += subjects
            break
        verb = verb.head if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i else None
    return found


def _fits(entry: TriggerEntry, token: Token, lexicon: Lexicon) -> bool:
    if token.pos_ not in ENTRY_POS[entry.pos]:
        return False
    # "stepped down": the small model often tags the particle as an adverb
    if entry.prep and not (_preps(token) & set(entry.prep)):
        # "opened a hearing into X": the parser often hangs the noun's preposition on the light verb
        verb = governing_light_verb(token, lexicon) if entry.pos == "noun" else None
        if verb is None or not (_preps(verb) & set(entry.prep)):
            return False
    if entry.object:
        objects = _child_lemmas(token, ("dobj", "nsubjpass", "dative", "oprd", "xcomp", "ccomp", "npadvmod", "attr"))
        # "provided the army with aircraft": the thing given comes after "with"
        with_objects = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "with"
                        for g in c.children if g.dep_ == "pobj"]
        objects |= {t.lemma_.lower() for g in with_objects for t in (g, *(c for c in g.children if c.dep_ == "conj"))}
        # "ended mediation efforts", "lifted travel restrictions": the object's compound counts too
        # but "the UN refugee agency" is an agency, not refugees
        objects |= {c.lemma_.lower() for o in token.children if o.dep_ == "dobj" and o.lemma_.lower() not in _BODIES
                    for c in o.children if c.dep_ == "compound"}
        # "handed over two tonnes of medicine", "delivered $50,000 worth of goods": what is measured
        objects |= {g.lemma_.lower() for o in token.children if o.dep_ == "dobj" and o.lemma_.lower() in _MEASURES
                    for p in o.children if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj"}
        if not objects & set(entry.object):
            return False
    if entry.transitive and not _child_lemmas(token, ("dobj",)):
        return False
    # "released a statement", "declined to comment": the object, or the infinitive's verb
    if entry.unless_object and _child_lemmas(token, ("dobj", "xcomp")) & set(entry.unless_object):
        return False
    if entry.modifier and not (_child_lemmas(token, ("compound", "amod", "nmod")) & set(entry.modifier)):
        return False
    if entry.mentions and not (_own_phrase_lemmas(token) & set(entry.mentions)):
        return False
    if entry.plural and token.tag_ not in ("NNS", "NNPS"):
        return False
    if entry.governed and governing_light_verb(token, lexicon) is None:
        return False
    if entry.governor:
        verb = governing_light_verb(token, lexicon)
        if verb is None or verb.lemma_.lower() not in entry.governor:
            return False
    if entry.actor_words and not any(
        t.lemma_.lower() in entry.actor_words for a in actor_phrases(token, lexicon) for t in a.subtree
    ):
        return False
    return True


def find_triggers(sentence: Span, lexicon: Lexicon) -> list[TriggerMatch]:
    """Every token of the sentence that a lexicon entry fits; the first fitting entry wins.

    For one lemma, entries with constraints (prep, object, modifier) are tried before those
    without, then in lexicon order.
    """
    matches = []
    for token in sentence:
        for entry in lexicon.by_lemma.get(token.lemma_.lower(), ()):
            if _fits(entry, token, lexicon):
                matches.append(TriggerMatch(entry, token))
                break
    return matches

