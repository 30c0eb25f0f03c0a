"""Resolve a noun phrase in the parse to PLOVER actors, with document-level memory.

One ``ActorResolver`` per article. It knows the article's date (roles change over time), the
knowledge base, and every actor mentioned so far, so that pronouns ("he"), definite
descriptions ("the minister", "the pilot", "the two countries") and surnames resolve to the
nearest compatible earlier actor, and a role stated in the text ("the captured Ukrainian pilot
Nadiya Savchenko") wins over the knowledge base for the rest of the article.

>>> resolver = ActorResolver(load_kb(), date(2016, 3, 24))         # doctest: +SKIP
>>> [e.label for e in resolver.resolve(doc[5], offset=0)]          # "John Kerry"  # doctest: +SKIP
['USA GOV (John Kerry)']
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Token

from detente.actors.coref import SPEAKER_PRONOUNS, Group, MemoryMixin, Mention
from detente.actors.kb import KnowledgeBase, Person
from detente.actors.offices import equivalent_offices
from detente.actors.phrases import (
    ARMED_SECTORS,
    BACKER_PARTICIPLES,
    BODY_NOUNS,
    DESIGNATION,
    LEADER_PARTICIPLES,
    PLATFORM_NOUNS,
    QUANTITY,
    TIE_WORDS,
    coordinated,
    entity_span,
    regional,
    singular,
    strip_the,
)
from detente.records import Entity, Span

_RELATIVE = {"who", "whom", "which", "that", "whose"}


def _stance_prefixed(token: Token) -> bool:
    """ "anti-Syria", "pro-Russian", "anti-American": the name follows a stance prefix."""
    doc = token.doc
    if token.lower_.startswith(("anti-", "pro-")):
        return True
    return token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ in ("anti", "pro")


# person nouns that take their sector from the body a modifier names ("rebel leaders")
_MEMBER_NOUNS = {"leader", "official", "member", "commander", "spokesman", "spokeswoman", "spokesperson",
                 "representative", "delegate", "negotiator", "chief", "head", "figure", "activist", "envoy"}
# role nouns whose adjective means something else: "official talks", "a public hearing"
_ADJECTIVE_SENSES = {"official", "public", "private", "popular", "civil", "national", "general"}
_MODIFIER_DEPS = ("compound", "amod", "nmod", "poss", "appos")
# places named after the people they house: "a camp for refugees", "a shelter for migrants"
_SHELTERS = {"camp", "shelter", "centre", "center", "settlement", "home", "hostel", "orphanage"}


@dataclass(slots=True)
class ActorResolver(MemoryMixin):
    kb: KnowledgeBase
    published: date | None
    history: list[Mention] = field(default_factory=list)
    stated_roles: dict[str, Entity] = field(default_factory=dict)  # name or surname → stated role
    groups: list[Group] = field(default_factory=list)
    sentence: int = 0
    place_hint: frozenset[str] = frozenset()  # countries the current sentence names (resolve_place)
    reporting_verbs: frozenset[str] = frozenset()  # "say", "tell": whose reports bind "he" (coref)

    # ------------------------------------------------------------------ entry points
    def resolve(self, token: Token, offset: int, speaker: list[Entity] | None = None) -> list[Entity]:
        """Actors denoted by the phrase headed by ``token``, coordinated phrases included."""
        found: list[Entity] = []
        for head in coordinated(token):
            for entity in self._resolve_head(head, offset, speaker):
                if not any(entity.same_actor(e) for e in found):
                    found.append(entity)
        if token.dep_ != "conj":  # "Ukraine, Germany and France" inside a longer list is no group
            self.remember_group(offset + token.idx, found)
        return found

    def observe(self, token: Token, offset: int) -> None:
        """Register a mention without using it (names in sentences that hold no event)."""
        self.resolve(token, offset)

    def remember_group(self, start: int, members: list[Entity], joint: bool = False) -> None:
        if len(members) < 2:
            return
        if joint:  # the parties of a joint act replace the plain mention of the same phrase
            self.groups = [g for g in self.groups if g.start != start]
        if not any(g.start == start for g in self.groups):
            self.groups.append(Group(start, self.sentence, members, joint))
            self.groups.sort(key=lambda g: g.start)

    # ------------------------------------------------------------------ one head
    def _resolve_head(self, token: Token, offset: int, speaker: list[Entity] | None) -> list[Entity]:
        lower = token.lower_
        if lower in _RELATIVE and token.head.dep_ in ("relcl", "acl"):
            return self.resolve(token.head.head, offset, speaker)
        if token.lemma_.lower() in QUANTITY:
            of = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
            if of:
                return self.resolve(of[0], offset, speaker)
        # "US" is the country, not the pronoun "us"
        if (token.pos_ == "PRON" or lower in SPEAKER_PRONOUNS) and not (token.is_upper and token.ent_type_):
            return self._pronoun(token, offset, speaker)
        appos = [c for c in token.children if c.dep_ == "appos" and c.ent_type_ in ("PERSON", "ORG")]
        if token.ent_type_ == "" and appos:
            # "his Russian counterpart Sergei Lavrov", "Iran's leader, Ayatollah Khomeini": the name
            # if the knowledge base knows it, else the role the head noun states, with the name
            named = self._resolve_head(appos[0], offset, speaker)
            if any(e.code for e in named):
                return named
            described = self._described(token, offset)
            if described is not None and named:
                return [replace(described, identifier_text=named[0].entity_text, resolution="stated-role")]
            return named or ([described] if described else [])
        if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC") or (
                token.pos_ == "PROPN" and self._misspelt(token, token.text)):  # "Ethopia", which NER missed
            entity = self._named(token, offset)
        else:
            group = self._group_description(token, offset) or self._members(token, offset)
            if group:
                return group  # "the two ministers": the last pair, not two unknown ministers
            entity = self._described(token, offset)
            if entity is not None and entity.code:
                return [entity, *self._coordinated_nationalities(token, entity)]
        return [entity] if entity else []

    def _coordinated_nationalities(self, token: Token, entity: Entity) -> list[Entity]:
        """ "British and French troops", "US and Iraqi forces": one actor per country named in a
        coordinated modifier of a plural noun, each with the noun's sector."""
        if token.tag_ not in ("NNS", "NNPS"):
            return []
        out = []
        for mod in (c for c in token.children if c.dep_ in ("amod", "compound", "nmod")):
            for other in (c for c in mod.children if c.dep_ == "conj"):
                key = next((k for k in self.kb.surface.get(other.text, ()) if k.startswith(("demonym:", "country:"))), None)
                code = key.partition(":")[2] if key else None
                if code and code != entity.code and all(e.code != code for e in out):
                    out.append(replace(entity, code=code, resolution="coordinated-nationality"))
        return out

    def _misspelt(self, token: Token, text: str) -> list[str]:
        """A one-word proper noun that misspells a country or its adjective ("Ethopia"). The
        model often tags such a word as a person's name: no common name is one letter from a
        country's (``KnowledgeBase.misspelt_country`` leaves out the common ones)."""
        if not text.isalpha() or not text[0].isupper():
            return []
        key = self.kb.misspelt_country(text)
        return [key] if key else []

    def _named(self, token: Token, offset: int) -> Entity | None:
        ent = entity_span(token)
        text = ent.text if ent is not None else token.text
        span_start = offset + (ent.start_char if ent is not None else token.idx)
        span = Span(span_start, span_start + len(text), text)
        form = ent.ent_id_ if ent is not None and ent.ent_id_ else text
        stated = self._stated_role(token, offset)
        entity: Entity | None = None
        keys = self.kb.surface.get(form, ()) or self.kb.surface.get(strip_the(text), ()) or self._misspelt(token, text)
        for key in _by_date(keys, self.kb, self.published):
            kind, _, name = key.partition(":")
            if kind == "person":
                entity = self._person(self.kb.people[name], text, span)
            elif kind == "org":
                org = self.kb.organization(name, self.published)
                if org:
                    entity = Entity(org.code, org.sector, text, org.qid, org.name, None, span, "kb-organization")
            elif kind == "capital":
                entity = Entity(name, "GOV", text, None, None, None, span, "capital-metonym")
            elif kind in ("country", "demonym"):
                if kind == "demonym" and token.dep_ in ("amod", "compound", "nmod") and token.head.pos_ in ("NOUN", "PROPN"):
                    return None  # "Russian court": the adjective belongs to the head noun's actor
                if kind == "demonym" and regional(token):
                    return None
                entity = Entity(name, None, text, None, self.kb.countries[name].name, None, span, kind)
                if kind == "demonym":
                    entity = self._people_of(token, entity, text, span, offset)
            if entity:
                break
        if entity is None and token.ent_type_ == "PERSON":
            entity = self._remembered_person(text, span)
            if entity is None and stated is None:
                stated = self._stated_role(token, offset, titles=True)
        if stated is not None:
            base = entity or Entity(None, None, text, None, text if token.ent_type_ == "PERSON" else None, None, span)
            entity = replace(base, code=stated.code or base.code, sector=stated.sector,
                             office=stated.office or base.office, resolution="stated-role")
            if token.ent_type_ == "PERSON":
                for key in {text, text.split()[-1]}:
                    self.stated_roles[key] = entity
        if entity is None and token.ent_type_ == "ORG" and self._noun_role(token) is not None:
            return self._described(token, offset)  # "Estonian MEP": a role noun the NER took for a name
        if entity is None and token.ent_type_ in ("PERSON", "ORG"):
            # A name the knowledge base does not know: kept with its text, so that the event
            # still says who acted (and a user overlay can code the name later).
            entity = Entity(None, None, text, None, None, None, span, "unresolved-name")
        if entity is None or (entity.code is None and entity.sector is None and entity.resolution != "unresolved-name"):
            return None
        self._remember(entity, token, offset, is_person=token.ent_type_ == "PERSON")
        return entity

    def _members(self, token: Token, offset: int) -> list[Entity]:
        """ "The leaders of Russia, Ukraine, Germany and France", "ministers from 17 countries,
        including Iran and Saudi Arabia": one actor per country named, in the role of the noun."""
        if token.tag_ not in ("NNS", "NNPS") or token.pos_ not in ("NOUN", "PROPN"):
            return []
        places = [g for c in token.rights if c.dep_ == "prep" and c.lower_ in ("of", "from")
                  for g in c.children if g.dep_ == "pobj"]
        # "from 17 countries, including Iran and Saudi Arabia": the countries listed
        places += [g for p in places for c in p.children if c.dep_ == "prep" and c.lower_ in ("including", "like")
                   for g in c.children if g.dep_ == "pobj"]
        named = [t for p in places for t in coordinated(p) if t.ent_type_ in ("GPE", "NORP")]
        if len(named) < 2:
            return []
        role = self._noun_role(token)
        if role is None:
            return []
        sector, office, _ = role
        members: list[Entity] = []
        for place in named:
            country = self._named(place, offset)
            if country is None or not country.code or any(m.code == country.code for m in members):
                continue
            ent = entity_span(place)
            name = ent.text if ent is not None else place.text
            start = offset + (ent.start_char if ent is not None else place.idx)
            span = Span(start, start + len(name), name)
            holder = self._office_holder(country.code, office)
            members.append(replace(self._person(holder, name, span), resolution="office-holder") if holder
                           else Entity(country.code, sector, name, None, None, office, span, "description"))
        return members if len(members) >= 2 else []

    def _people_of(self, token: Token, entity: Entity, text: str, span: Span, offset: int) -> Entity | None:
        """A people named by a demonym: "Bosnian Serbs" are of Bosnia; "ethnic Albanians" are
        of no state the word names (the event's place may tell)."""
        lefts = list(token.lefts)
        if any(t.lower_ == "ethnic" for t in lefts):
            home = self._home_place(token)  # "ethnic Albanians in Serbia"
            return Entity(home, "CVL", text, None, None, None, span, "ethnic-group")
        country = self._country_of(token, offset)
        if country is not None and country[0] != entity.code:
            return replace(entity, code=country[0], identifier_text=self.kb.countries[country[0]].name
                           if country[0] in self.kb.countries else None)
        return entity

    def _person(self, person: Person, text: str, span: Span) -> Entity:
        remembered = self.stated_roles.get(person.name) or self.stated_roles.get(text)
        if remembered:
            return replace(remembered, entity_text=text, span=span)
        role = person.role_on(self.published)
        if role is None:
            return Entity(None, None, text, person.qid, person.name, None, span, "kb-person")
        return Entity(role.country, role.sector or None, text, person.qid, person.name,
                      role.office or None, span, "kb-person")

    def _remembered_person(self, text: str, span: Span) -> Entity | None:
        for key in (text, text.split()[-1]):
            if key in self.stated_roles:
                return replace(self.stated_roles[key], entity_text=text, span=span, resolution="same-name")
        return None

    # ------------------------------------------------------------------ common nouns
    def _noun_role(self, token: Token) -> tuple[str, str | None, str] | None:
        """(sector, office, noun) for the head noun, trying multiword forms first."""
        lemma = token.lemma_.lower()
        if token.pos_ == "PROPN":
            lemma = singular(lemma)  # capitalised nouns keep their plural lemma: "Armed Forces"
        # the modifier words before the head, nested ones included: "foreign policy chief"
        mods = [t for t in token.subtree if t.i < token.i and t.dep_ in ("compound", "amod")
                and t.ent_type_ not in ("NORP", "GPE", "PERSON")]
        candidates = []
        for prep in (c for c in token.rights if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                candidates.append(f"{lemma} of {obj.lemma_.lower()}")  # "secretary of state"
        words = [m.lemma_.lower() for m in mods]
        candidates += [" ".join([*words[k:], lemma]) for k in range(len(words))]  # longest first
        candidates.append(lemma)
        if lemma in PLATFORM_NOUNS and any(DESIGNATION.match(t.text) for t in token.lefts):
            return "MIL", None, lemma  # "an F-16 fighter", "a Su-24 bomber": the aircraft, not a rebel
        for form in candidates[:-1]:
            noun = self.kb.sector_nouns.get(form)
            if noun:
                return noun.sector, noun.office, form
        if lemma in _MEMBER_NOUNS:
            # "rebel leaders", "opposition officials", "militia commanders": a member of the body
            # the modifier names belongs to its sector, whatever the head alone would say
            for word in reversed(words):
                body = self.kb.sector_nouns.get(word)
                if body is not None and body.office is None:
                    return body.sector, None, f"{word} {lemma}"
        noun = self.kb.sector_nouns.get(lemma)
        return (noun.sector, noun.office, lemma) if noun else None

    def _country_of(self, token: Token, offset: int) -> tuple[str, Span] | None:
        """Country stated by a modifier: "Russian court", "US secretary", "Russia's army", "army of Syria"."""
        candidates = [c for c in token.children if c.dep_ in _MODIFIER_DEPS]
        for prep in (c for c in token.rights if c.dep_ == "prep" and c.lower_ in ("of", "from")):
            candidates.extend(c for c in prep.children if c.dep_ == "pobj")
        # "companies linked to Iran's missile programme", "militias loyal to Tehran"
        candidates.extend(g for acl in token.rights if acl.dep_ in ("acl", "amod") and acl.lemma_.lower() in TIE_WORDS
                          for p in acl.children if p.dep_ == "prep" and p.lower_ in ("to", "with")
                          for g in p.children if g.dep_ == "pobj")
        for mod in list(candidates):
            candidates.extend(c for c in mod.children if c.dep_ in ("compound", "amod", "poss"))
            if mod.dep_ == "amod" and self._backer_names_side(mod, token):
                candidates.extend(c for c in mod.children if c.dep_ in ("npadvmod", "nmod", "compound"))
        for mod in candidates:
            if mod.dep_ == "poss" and mod.pos_ == "PRON" and mod.lower_ in ("its", "their"):
                # "its embassy in Tehran": the country the pronoun stands for
                # "X cut ties with Y after protesters stormed its embassy": X's, the sentence's subject
                owner = self.thing_antecedent(offset + mod.idx)
                owner = owner or self._antecedent(offset + mod.idx, lambda m: not m.is_person and bool(m.entity.code))
                if owner is not None and owner.entity.code:
                    return owner.entity.code, Span(mod.idx, mod.idx + len(mod.text), mod.text)
                continue
            if _stance_prefixed(mod):
                continue  # "an anti-Syria journalist", "pro-Russian separatists": a stance, not a nationality
            ent = entity_span(mod)
            if ent is not None and ent.label_ == "PERSON":
                person = self.kb.person(ent.ent_id_ or ent.text)  # "the Obama administration"
                role = person.role_on(self.published) if person else None
                if role is not None and role.country:
                    return role.country, Span(ent.start_char, ent.end_char, ent.text)
                continue
            if (ent is None or len(ent) == 1) and mod.dep_ in ("amod", "compound"):
                for key in self._misspelt(mod, mod.text):  # "Isreali troops"
                    return key.partition(":")[2], Span(mod.idx, mod.idx + len(mod.text), mod.text)
            if ent is None or ent.label_ not in ("GPE", "NORP", "ORG", "LOC", "FAC") or regional(mod):
                continue
            form = ent.ent_id_ or ent.text
            for key in self.kb.surface.get(form, ()):
                kind, _, code = key.partition(":")
                if kind in ("country", "demonym", "capital"):
                    return code, Span(ent.start_char, ent.end_char, ent.text)
                if kind == "org":
                    org = self.kb.organization(code, self.published)
                    if org and org.code:
                        return org.code, Span(ent.start_char, ent.end_char, ent.text)
            if mod.dep_ == "compound" and ent.label_ in ("GPE", "LOC", "FAC"):
                from detente.attributes.places import resolve_place  # the gazetteer, shared with event places

                place = resolve_place(ent.text, None, self.place_hint)  # "Darfur rebels", "Gaza militants"
                if place is not None and place.country_code:
                    return place.country_code, Span(ent.start_char, ent.end_char, ent.text)
        return None

    def _backer_names_side(self, participle: Token, token: Token) -> bool:
        """ "the Saudi-led coalition", "Houthi-controlled territory", "Armenian-backed forces": the
        participle's modifier names the side; a backed *government* stays its own country's."""
        lemma = participle.lemma_.lower()
        if lemma in LEADER_PARTICIPLES:
            return True
        if lemma not in BACKER_PARTICIPLES:
            return False
        role = self._noun_role(token)
        return role is not None and role[0] in ARMED_SECTORS

    def _stated_role(self, token: Token, offset: int, titles: bool = False) -> Entity | None:
        """A role the text gives a name: "captured Ukrainian pilot Nadiya Savchenko".

        With ``titles`` (names the knowledge base does not know), capitalised titles count too:
        "Lebanon's new President Elias Hrawi", "Defence Minister Pierre Joxe".
        """
        # lefts/rights, not children: spaCy walks the whole subtree span for children
        for mod in (*token.lefts, *(r for r in token.rights if r.dep_ == "appos")):
            allowed = ("NOUN", "PROPN") if titles else ("NOUN",)
            # a title the NER swallowed into the name ("King Abdullah II") counts when asked for titles
            outside = mod.ent_type_ == "" or (titles and mod.ent_iob_ == "B" and mod.i < token.i)
            if mod.dep_ in ("compound", "appos", "nmod") and outside and mod.pos_ in allowed:
                role = self._noun_role(mod)
                if role:
                    country = self._country_of(mod, offset) or self._country_of(token, offset)
                    former = any(c.lower_ in ("former", "ex") for c in mod.lefts)
                    sector = "ELI" if former else role[0]
                    return Entity(country[0] if country else None, sector, mod.text, office=role[1])
        return None

    def _described(self, token: Token, offset: int) -> Entity | None:
        if token.pos_ not in ("NOUN", "PROPN") and not (token.pos_ == "ADJ" and token.dep_ == "amod"):
            return None  # an adjective counts only as a modifier role: "terrorist attacks"
        if token.pos_ == "ADJ" and token.lemma_.lower() in _ADJECTIVE_SENSES:
            return None  # "a general strike" is no general's
        if token.lemma_.lower() == "counterpart":
            return self._counterpart(token, offset)
        if token.lemma_.lower() in _SHELTERS:
            # "a camp for Congolese refugees": an attack on it is an attack on them
            served = [g for p in token.children if p.dep_ == "prep" and p.lower_ == "for"
                      for g in p.children if g.dep_ == "pobj"]
            found = [e for g in served for e in self.resolve(g, offset) if e.code or e.sector]
            if found:
                return found[0]
        role = self._noun_role(token)
        if role is None:
            # "a Syrian army checkpoint", "a police station": the body that owns the place
            # but "official contact" is formal contact, not contact by an official
            role = next((r for c in token.children if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ")
                         and not (c.pos_ == "ADJ" and c.lemma_.lower() in _ADJECTIVE_SENSES)
                         for r in [self._noun_role(c)] if r), None)
        country = self._country_of(token, offset)
        span = Span(offset + token.left_edge.idx, offset + token.idx + len(token.text),
                    token.doc.text[token.left_edge.idx : token.idx + len(token.text)])
        if role is None:
            # "the al-Qaeda network", "the Hamas leadership": the organisation the noun belongs to
            # (not for event nouns: "the Islamic State bombing" is an act, coded as such)
            owners = (c for c in token.lefts if c.dep_ in ("compound", "nmod", "poss") and c.ent_type_ == "ORG")
            for mod in (owners if token.lemma_.lower() in BODY_NOUNS else ()):
                owned = self._named(mod, offset)
                if owned is not None and owned.code:
                    return replace(owned, entity_text=span.text, span=span)
            if country is not None and token.tag_ in ("NNS", "NNPS") and any(
                    k.partition(":")[0] in ("demonym", "country") for k in self.kb.surface.get(country[1].text, ())):
                # "Algerian landowners", "Palestinian youths": people of a stated country whose
                # noun the knowledge base has no sector for; their country is still a fact
                return Entity(country[0], None, span.text, None, None, None, span, "nationality")
            return None
        sector, office, noun = role
        if country is not None:
            holder = self._office_holder(country[0], office)
            if holder is not None and token.tag_ not in ("NNS", "NNPS"):
                entity = replace(self._person(holder, span.text, span), resolution="office-holder")
            else:
                entity = Entity(country[0], sector, span.text, None, None, office, span, "description")
            self._remember(entity, token, offset, is_person=office is not None)
            return entity
        if token.tag_ not in ("NNS", "NNPS") and token.dep_ not in ("amod", "compound"):
            antecedent = self._antecedent(offset + token.idx, lambda m: noun in m.nouns or (m.entity.office or "").endswith(noun))
            if antecedent is not None:
                return replace(antecedent.entity, entity_text=span.text, span=span, resolution="definite-description")
        # "gunmen", "terrorist attacks", "police": a typed actor of unstated nationality; the
        # place it is said to be in gives it one ("the rebels in Darfur"), else the coder may
        # give it the country where the event happened.
        home = self._home_place(token)
        return Entity(home, sector, span.text, None, None, office, span, "description+place" if home else "description")

    def _home_place(self, token: Token) -> str | None:
        from detente.attributes.places import resolve_place  # the gazetteer, shared with event places

        for prep in (c for c in token.rights if c.dep_ == "prep" and c.lower_ in ("in", "from", "of")):
            for obj in (c for c in prep.children if c.dep_ == "pobj" and c.ent_type_ in ("GPE", "LOC", "FAC")):
                ent = entity_span(obj)
                place = resolve_place(ent.text if ent is not None else obj.text, None, self.place_hint)
                if place is not None and place.country_code:
                    return place.country_code
        return None

    def _counterpart(self, token: Token, offset: int) -> Entity | None:
        """ "Lavrov met his Iranian counterpart": the holder of Lavrov's office in Iran."""
        owners = [c for c in token.children if c.dep_ == "poss"]
        if not owners:
            return None
        owner = next(iter(self._resolve_head(owners[0], offset, None)), None)
        country = self._country_of(token, offset)
        if owner is None or owner.office is None or country is None:
            return None
        span = Span(offset + token.left_edge.idx, offset + token.idx + len(token.text),
                    token.doc.text[token.left_edge.idx : token.idx + len(token.text)])
        holder = self._office_holder(country[0], owner.office)
        if holder is not None:
            return replace(self._person(holder, span.text, span), resolution="office-holder")
        return Entity(country[0], owner.sector, span.text, None, None, owner.office, span, "description")

    def _office_holder(self, country: str, office: str | None) -> Person | None:
        if office is None:
            return None
        for title in equivalent_offices(office):
            person = self.kb.holder(country, title, self.published)
            if person is not None:
                return person
        return None

def _by_date(keys: list[str], kb: KnowledgeBase, when: date | None) -> list[str]:
    """Candidates for a name, the one in office on the date first ("Assad" in 2016 is Bashar,
    in 1995 Hafez); then the one whose last office is the most recent before it."""
    people = [k for k in keys if k.startswith("person:")]
    if len(people) < 2:
        return keys

    def rank(key: str) -> tuple[int, date]:
        person = kb.people[key[7:]]
        role = person.role_on(when)
        in_office = role is not None and role.sector not in ("ELI", "") and (when is None or role.holds_on(when))
        latest = max(((o.start or date.min) for o in person.offices if when is None or (o.start or date.min) <= when),
                     default=date.min)
        return (0 if in_office else 1), -latest.toordinal()

    return sorted(people, key=rank) + [k for k in keys if not k.startswith("person:")]
