"""Who is the actor and who the recipient of a trigger: the syntactic constructions.

Works on the dependency parse only. For each role it returns *options*, in order of
preference, each a construction name and the phrase heads it points at; the coder takes the
first option whose phrases resolve to actors (``detente.actors.resolve``). So "new sanctions
on Russia" tries the adjective "new" as an actor, finds nobody, and falls back to the subject
of "imposed". The construction that won ends up in the event's ``evidence.rule``.

>>> roles = find_roles(TriggerMatch(entry_meet, doc[1]), lexicon)   # "Kerry met Putin"  # doctest: +SKIP
>>> roles.actor_options, roles.recipient_options                     # doctest: +SKIP
([('active', [Kerry])], [[Putin]])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Token

from detente.events.lexicon import Lexicon, TriggerMatch, governing_light_verb

_SUBJECTS = ("nsubj", "csubj")
_CONTROL_DEPS = ("xcomp", "conj", "advcl", "ccomp")
# prepositions whose gerund shares the main clause's subject and is asserted with it; not
# "without" ("left without meeting the minister" did not meet him)
_GERUND_PREPS = {"by", "after", "before", "while", "upon", "on", "since", "in"}
_NOMINAL_ACTOR_PREPS = ("by", "of", "from")
_XCOMP_RECIPIENT_PREPS = {"to", "with", "on", "against", "from", "into"}

# An attack named as the subject of these verbs hits their object: "missile strikes hit Gaza".
_HIT_VERBS = {"hit", "target", "strike", "destroy", "damage", "kill", "wound", "injure", "pound", "level", "flatten"}

# Nouns for a decision or document through which its owner acts: "X's decision to expel ...".
_ACT_NOUNS = {"decision", "decree", "order", "plan", "move", "step", "bid", "law", "resolution", "measure", "policy",
              "attempt", "effort", "ultimatum", "proposal", "offer", "vote", "ruling", "directive", "package", "programme",
              "program", "announcement", "determination", "readiness", "willingness", "commitment", "pledge", "promise"}
# Verbs that issue an act in a document or decision: "signed a decree imposing ...".
_ISSUING_VERBS = {"sign", "issue", "announce", "adopt", "approve", "pass", "make", "take", "unveil", "order",
                  "enact", "publish", "declare", "endorse"}

Option = tuple[str, list[Token]]


@dataclass(slots=True)
class Roles:
    actor_options: list[Option] = field(default_factory=list)
    recipient_options: list[list[Token]] = field(default_factory=list)
    content: list[Token] = field(default_factory=list)  # what was requested/refused: "X's release"
    reciprocal_group: bool = False  # "talks between X and Y"
    clause_heads: list[Token] = field(default_factory=list)  # verbs whose date and place are the event's
    no_actor: str = "none"  # the construction's name when no actor option exists
    embedded_options: list[list[Token]] = field(default_factory=list)  # recipients inside an embedded clause

    def all_tokens(self) -> list[Token]:
        return [t for _, ts in self.actor_options for t in ts] + [t for ts in self.recipient_options for t in ts]


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _prep_objects(token: Token, prep_lemmas: set[str]) -> list[Token]:
    out = []
    for prep in _children(token, "prep", "agent", "dative", "prt"):
        if prep.lower_ in prep_lemmas or prep.lemma_.lower() in prep_lemmas:
            out.extend(_children(prep, "pobj", "pcomp"))
            for inner in _children(prep, "prep"):  # "along with", "on behalf of"
                out.extend(_children(inner, "pobj"))
    return out


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )


def clause_subject(verb: Token, depth: int = 0) -> tuple[list[Token], str]:
    """The subject of a verb, inherited through control and coordination when it has none.

    "X agreed to meet Y": *meet* takes X; "X urged Y to leave": *leave* takes Y (object control);
    "X met Y and discussed Z": *discussed* takes X. A passive without a *by* phrase has no
    known actor: "cooperation was frozen" is not an act of whoever reports it.
    """
    if depth > 4:
        return [], "none"
    if is_passive(verb):
        agents = _prep_objects(verb, {"by"})
        return (agents, "passive-agent") if agents else ([], "passive-no-agent")
    subjects = _children(verb, *_SUBJECTS) or _misattached_subject(verb)
    if subjects:
        return subjects, "active"
    if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.dep_ == "acomp":
        return clause_subject(verb.head.head, depth + 1)  # "X is prepared to impose martial law"
    if verb.dep_ == "xcomp" and _children(verb.head, "dobj"):
        return _children(verb.head, "dobj"), "object-control"
    if verb.dep_ == "conj" and is_passive(verb.head) and _children(verb.head, "nsubjpass"):
        # "the prime minister has been indicted by the court and will resign": the shared
        # subject is the passive's, not its agent
        return _children(verb.head, "nsubjpass"), "inherited"
    if verb.dep_ in _CONTROL_DEPS and verb.head.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
        found, how = clause_subject(verb.head, depth + 1)
        return found, ("inherited" if found else how)
    if verb.dep_ == "acomp" and verb.head.pos_ in ("VERB", "AUX"):  # "X is ready to ..."
        return clause_subject(verb.head, depth + 1)
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.lower_ in _GERUND_PREPS \
            and verb.head.head.pos_ in ("VERB", "AUX"):
        # "Japan responded by sending warships", "after meeting the minister, Lavrov flew on"
        found, how = clause_subject(verb.head.head, depth + 1)
        return found, ("inherited" if found else how)
    if verb.dep_ == "acl" and verb.head.lemma_.lower() in _ACT_NOUNS:
        return _act_owner(verb.head)
    return [], "none"


def _misattached_subject(verb: Token) -> list[Token]:
    """ "USAID provided shelter to ...": a name opening the sentence that the parser hung on the
    verb as an adverb is the main verb's subject."""
    if verb.dep_ != "ROOT":
        return []
    return [c for c in verb.children if c.dep_ in ("advmod", "npadvmod") and c.i < verb.i and c.pos_ in ("PROPN", "ADV")
            and c.ent_type_ in ("ORG", "GPE", "NORP", "PERSON") and c.is_sent_start and c.text[:1].isupper()][:1]


def _act_owner(noun: Token) -> tuple[list[Token], str]:
    """Who acts through a decision or a document: "Saudi Arabia's decision to break off
    relations" (its possessor), "Putin signed a decree imposing measures" (who issued it)."""
    owners = _children(noun, "poss")
    if owners:
        return owners, "act-owner"
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _ISSUING_VERBS:
        subjects, how = clause_subject(noun.head, 3)
        return subjects, ("act-issuer" if subjects else how)
    return [], "none"


def _recipient_options(trigger: Token, spec: tuple[str, ...], passive: bool) -> tuple[list[list[Token]], list[Token]]:
    """Recipient options following the entry's preferences, and the content phrases seen."""
    options: list[list[Token]] = []
    content: list[Token] = []
    for source in spec:
        if source == "dobj":
            options.append(_children(trigger, "nsubjpass") if passive
                           else _children(trigger, "dobj") or _shifted_object(trigger) or _shared_object(trigger))
        elif source == "dative":
            options.append([o for d in _children(trigger, "dative") for o in (_children(d, "pobj") or [d])])
        elif source == "xobj":  # "refused to extradite X to Britain": X, then Britain
            for x in _children(trigger, "xcomp", "acl"):
                content.append(x)
                options.append(_children(x, "dobj", "nsubjpass"))
                options.append(_prep_objects(x, _XCOMP_RECIPIENT_PREPS))
                for obj in _children(x, "dobj"):  # "refusing to lift the curfew on Palestinians"
                    options.append(_prep_objects(obj, _XCOMP_RECIPIENT_PREPS))
        elif source == "poss":
            options.append(_children(trigger, "poss"))
        else:
            options.append(_prep_objects(trigger, {source}))
            # "severed ties with Iran", "imposed sanctions on X"; for a noun its "of" object:
            # "a suspension of air links with Libya"
            objects = _children(trigger, "dobj") + (_prep_objects(trigger, {"of"}) if trigger.pos_ == "NOUN" else [])
            for obj in objects:
                options.append(_prep_objects(obj, {source}))
    return [o for o in options if o], content


def _shared_object(verb: Token) -> list[Token]:
    """ "rejected and condemned the Israeli decision": the object of the next conjoined verb,
    when that verb has no subject of its own, is this verb's too."""
    if _children(verb, "xcomp", "ccomp", "dobj", "dative", "prep", "attr", "oprd"):
        return []  # "refused to deploy troops and urged its citizens to leave": a complement of its own
    return [o for c in _children(verb, "conj") if c.pos_ == "VERB" and not _children(c, *_SUBJECTS)
            for o in _children(c, "dobj")]


def _shifted_object(verb: Token) -> list[Token]:
    """The object moved past an "as" phrase, which the parser hangs on that phrase as an
    apposition: "denounced as an ugly crime *Serbia's suppression* of the unrest"."""
    return [a for p in _children(verb, "prep") if p.lower_ == "as" for o in _children(p, "pobj") for a in _children(o, "appos")]


def _embedded_options(verb: Token, depth: int = 0) -> list[list[Token]]:
    """Recipients inside the clause a verb embeds: "demanded that *the US* cancel the sale",
    "offered to negotiate with *Armenia*", "is willing to send aid to help defend *Saudi Arabia*"."""
    if depth > 3:
        return []
    options: list[list[Token]] = []
    # a noun's clause too: "its demand that *Israel* ease the restrictions"
    clauses = _children(verb, "ccomp", "xcomp") + (_children(verb, "acl") if verb.pos_ == "NOUN" else [])
    # a purpose: "send material *to help defend Saudi Arabia*"
    clauses += [c for c in _children(verb, "advcl") if any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
    # "threatened to strike unless *Israel* rescinded the annexation": the condition's subject is
    # the party the threat or offer is addressed to
    options += [_children(c, "nsubj", "nsubjpass") for c in _children(verb, "advcl")
                if any(m.dep_ == "mark" and m.lower_ in _CONDITIONS for m in c.children)]
    for clause in clauses:
        if clause.pos_ not in ("VERB", "AUX"):
            continue
        # "demanded that the US cancel", "a deadline *for Iran* to accept the terms"
        own_subject = clause.dep_ in ("ccomp", "acl") or any(m.dep_ == "mark" and m.lower_ == "for" for m in clause.children)
        options.append(_children(clause, "nsubj", "nsubjpass") if own_subject else [])
        # not "its troops" in "pledged to withdraw its troops from Georgia": the actor's own
        options.append([o for o in _children(clause, "dobj", "dative") if not _own(o)])
        options.append(_prep_objects(clause, _XCOMP_RECIPIENT_PREPS))
        options.extend(_embedded_options(clause, depth + 1))
    return [o for o in options if o]


_CONDITIONS = {"unless", "if"}
# Prepositions inside an object phrase that lead to the party it concerns: "an offer *from*
# Kabul", "an aid programme *for* Bosnia", "restrictions *against* German goods".
_PHRASE_PREPS = {"of", "from", "for", "against", "to", "with", "on", "over", "into", "toward", "towards", "by"}
# "from" names a sender only after what is sent: "an offer from Kabul"; "refugees from Greece"
# are of Greek origin, and rejecting them is no act towards Greece.
_SENT_NOUNS = {"offer", "call", "request", "demand", "proposal", "appeal", "invitation", "plea", "bid", "pressure",
               "criticism", "warning", "threat", "message", "letter", "ultimatum", "initiative", "suggestion", "plan"}
_PHRASE_OWNERS = ("poss", "compound", "amod", "nmod")
# "called for Savchenko's release": the person is what is asked for; the call is addressed to
# whoever holds her (``document.implicit_recipients``), so the search does not enter these.
_HELD_PERSON_NOUNS = {"release", "freedom", "return", "handover", "extradition", "custody", "detention", "pardon"}
_PHRASE_DEPTH = 3


def _own(token: Token) -> bool:
    """ "its peacekeepers", "their borders": the actor's own, not another party."""
    return any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in token.children)


_STANCE_NOUNS = {"defiance", "protest", "opposition"}  # "in defiance of Chinese authorities"


def opposed_parties(trigger: Token) -> list[Token]:
    """Whom an act defies: "declined to resign *despite pressure by the anti-corruption
    commission*", "blocked streets *in defiance of Chinese authorities*"."""
    found: list[Token] = []
    # the phrase may hang on the refused act: "declined [to resign despite pressure by X]"
    for prep in _children(trigger, "prep") + [p for x in _children(trigger, "xcomp") for p in _children(x, "prep")]:
        for obj in _children(prep, "pobj"):
            lemma = obj.lemma_.lower()
            if prep.lower_ == "despite" and lemma in _SENT_NOUNS:
                found += _children(obj, "poss") + _prep_objects(obj, {"by", "from"})
            elif prep.lower_ == "in" and lemma in _STANCE_NOUNS:
                found += _prep_objects(obj, {"of", "against", "at", "to"})
    return found


def object_phrase_levels(trigger: Token, own_object: bool = False) -> list[list[Token]]:
    """Tokens inside the trigger's object phrases, nearest first, level by level: the party an
    act concerns when no construction names it. "rejected a fresh offer *from Afghanistan*",
    "denounced *Serbia's* suppression of the unrest", "agreed to *US* mediation", "hacked into
    the computers *of South Korean army officers*". Clauses inside the phrase (relative or
    participial) are not entered: what they say is another event's business. With ``own_object``
    the direct object is the actor's own means ("mobilized *army* reservists for a war against
    Iraq"): its modifiers name no party, its prepositional phrases still may.
    """
    start = _children(trigger, "dobj", "attr") + [o for p in _children(trigger, "prep", "dative")
                                                  if p.lower_ in _PHRASE_PREPS for o in _children(p, "pobj")]
    for clause in _children(trigger, "xcomp"):  # "refused to lift the curfew"
        start += _children(clause, "dobj")
    # the prepositional objects themselves are a level too ("rejected a proposal from Baku", where
    # the parser hangs "from Baku" on the verb); the direct object was the entry's own option
    level0 = [t for t in start if t.dep_ == "pobj" and t.lemma_.lower() not in _HELD_PERSON_NOUNS and not _own(t)]
    levels: list[list[Token]] = [level0] if level0 else []
    frontier = [t for t in start if t.lemma_.lower() not in _HELD_PERSON_NOUNS]
    for _ in range(_PHRASE_DEPTH):
        nxt: list[Token] = []
        for head in frontier:
            # not a possessive pronoun: "its peacekeeping forces" are the actor's own, not a party
            if not (own_object and head.dep_ == "dobj" and head.head.i == trigger.i):
                nxt += [c for c in head.children if c.dep_ in _PHRASE_OWNERS and c.pos_ in ("PROPN", "NOUN", "ADJ")]
            nxt += [o for p in head.children if p.dep_ == "prep" and p.lower_ in _PHRASE_PREPS
                    and (p.lower_ != "from" or head.lemma_.lower() in _SENT_NOUNS) for o in _children(p, "pobj")]
            nxt += [c for c in head.children if c.dep_ == "conj"]
        nxt = [t for t in nxt if t.lemma_.lower() not in _HELD_PERSON_NOUNS and not _own(t)]
        if not nxt:
            break
        levels.append(nxt)
        frontier = nxt
    return levels


def find_roles(match: TriggerMatch, lexicon: Lexicon) -> Roles:
    """Actor and recipient options of a trigger, with the constructions' names."""
    entry, trigger = match.entry, match.token
    if entry.pos == "noun":
        return _nominal_roles(match, lexicon)
    if entry.pos == "adj":  # "Moscow is open to talks with Kiev"
        verb = trigger.head if trigger.dep_ == "acomp" else None
        actors, how = clause_subject(verb) if verb is not None else ([], "none")
        recipients, content = _recipient_options(trigger, entry.recipient, False)
        return Roles([(f"adjective-{how}", actors)], recipients, content, clause_heads=[verb] if verb is not None else [],
                     embedded_options=_embedded_options(trigger))
    passive = is_passive(trigger)
    actors, how = clause_subject(trigger)
    recipients, content = _recipient_options(trigger, entry.recipient, passive)
    if trigger.dep_ == "acl" and passive:
        recipients.append([trigger.head])  # "servicemen held by Ukraine"
        how += "-participle"
    elif passive:
        recipients.append(_children(trigger, "nsubjpass"))
    if trigger.dep_ == "relcl" and not passive:
        # "Savchenko, whom a court sentenced": the relative pronoun is the object
        recipients.append([c for c in _children(trigger, "dobj") if c.lower_ in ("who", "whom", "which", "that")])
    content.extend(_children(trigger, "dobj") if not passive else [])
    content.extend(_prep_objects(trigger, set(entry.prep)) if entry.prep else [])
    construction = ("passive-" if passive and not how.startswith("passive") else "") + how
    embedded = _embedded_options(trigger) if entry.embeds else []
    return Roles([(construction, actors)], [r for r in recipients if r], content, embedded_options=embedded)


# "came under fire", "fell under suspicion": the subject undergoes the act
_UNDERGO_VERBS = {"come", "fall"}
# passive in form, active in meaning: "forces were engaged in ethnic cleansing" did it
_STATIVE_PASSIVES = {"engage", "involve"}


def _nominal_roles(match: TriggerMatch, lexicon: Lexicon) -> Roles:
    entry, noun = match.entry, match.token
    roles = Roles(no_actor="nominal-no-agent")
    between = _prep_objects(noun, {"between", "among"})
    if between:
        roles.actor_options.append(("nominal-between", between))
        roles.reciprocal_group = True
    recipient_spec = tuple(s for s in entry.recipient if s != "between")
    if "poss" in recipient_spec and _prep_objects(noun, {"of"}):
        # "China's detention of two Canadians": with an "of" phrase, the possessor is the agent
        recipient_spec = tuple(s for s in recipient_spec if s != "poss")
    roles.recipient_options, roles.content = _recipient_options(noun, recipient_spec, False)
    # "the first visit by a Japanese leader to Cuba": the model often hangs the recipient's phrase
    # on the agent of the "by" phrase
    preps = {s for s in recipient_spec if s not in ("dobj", "dative", "xobj", "poss", "of")}
    roles.recipient_options += [o for agent in _prep_objects(noun, {"by"}) if (o := _prep_objects(agent, preps))]
    if "poss" not in recipient_spec:
        roles.actor_options.append(("nominal-possessive", _children(noun, "poss")))
    preps = {p for p in _NOMINAL_ACTOR_PREPS if p not in entry.recipient}
    roles.actor_options.append(("nominal-prepositional", _prep_objects(noun, preps)))
    # "attacks claimed by the Islamic State group": the claimant
    roles.actor_options.append(("nominal-claimed", [a for c in _children(noun, "acl") if c.lemma_.lower() == "claim"
                                                    for a in _prep_objects(c, {"by"})]))
    mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")
            and (c.ent_type_ in ("NORP", "GPE", "ORG", "PERSON") or (c.pos_ in ("NOUN", "ADJ") and not c.ent_type_))]
    roles.actor_options.append(("nominal-modifier", mods))
    verb = governing_light_verb(noun, lexicon)
    if verb is not None and is_passive(verb) and verb.lemma_.lower() in _STATIVE_PASSIVES:
        roles.actor_options.append(("light-verb-active", _children(verb, "nsubjpass")))
        roles.clause_heads.append(verb)
    elif verb is not None and verb.lemma_.lower() in _UNDERGO_VERBS and noun.dep_ == "pobj" and noun.head.lower_ == "under":
        # "army checkpoints came under attack": the subject is the target, the attacker unnamed
        roles.recipient_options.append(_children(verb, "nsubj"))
        roles.clause_heads.append(verb)
    elif verb is not None:
        subject, how = clause_subject(verb)
        roles.actor_options.append((f"light-verb-{how}", subject))
        more, _ = _recipient_options(verb, recipient_spec + ("dative",), False)
        roles.recipient_options.extend(more)
        if is_passive(verb):  # "a British national was put under investigation": the subject undergoes it
            roles.recipient_options.append(_children(verb, "nsubjpass"))
        roles.clause_heads.append(verb)
    elif noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ in ("VERB", "AUX"):
        roles.clause_heads.append(noun.head)  # "talks resumed in Moscow on Monday"
        if noun.dep_ == "nsubj" and noun.head.lemma_.lower() in _HIT_VERBS:
            roles.recipient_options.append(_children(noun.head, "dobj"))  # "Israeli strikes hit Gaza"
    roles.actor_options = [(name, tokens) for name, tokens in roles.actor_options if tokens]
    if entry.embeds:
        roles.embedded_options = _embedded_options(noun)
    return roles


def on_trigger_line(roles: Roles, trigger: Token, breaks: list[int]) -> Roles:
    """Roles without phrases on another line of the text than the trigger: a headline line glued
    to the dateline ("Erdogan blames cleric\nISTANBUL — ...") is parsed as one sentence, but a
    line break never falls inside one event's clause. ``breaks``: token indices of line breaks
    in the trigger's sentence."""
    if not breaks:
        return roles

    def same_line(token: Token) -> bool:
        lo, hi = sorted((token.i, trigger.i))
        return not any(lo < b < hi for b in breaks)

    roles.actor_options = [(name, kept) for name, ts in roles.actor_options if (kept := [t for t in ts if same_line(t)])]
    roles.recipient_options = [kept for ts in roles.recipient_options if (kept := [t for t in ts if same_line(t)])]
    roles.embedded_options = [kept for ts in roles.embedded_options if (kept := [t for t in ts if same_line(t)])]
    return roles


# nouns for an act of violence or its weapon: as the subject of "killed" they name no perpetrator
_VIOLENT_NOUNS = frozenset({"attack", "explosion", "blast", "bombing", "bomb", "strike", "airstrike", "shelling",
                            "raid", "rocket", "missile", "shell", "mortar", "mine", "landmine", "grenade", "fire",
                            "gunfire", "ambush", "assault", "offensive", "clash", "fighting", "violence", "device"})


def unattributed_act(subjects: Sequence[Token]) -> bool:
    """Is the subject of a violent verb the violence itself ("an explosion killed", "a rocket
    attack that killed")? Then the act is coded with an unidentified actor, like a passive."""
    for token in subjects:
        relative = token.tag_ in ("WDT", "WP") and token.head.dep_ == "relcl"
        head = token.head.head if relative else token  # "the attack that killed": the pronoun's noun
        if head.lemma_.lower() in _VIOLENT_NOUNS:
            return True
    return False
