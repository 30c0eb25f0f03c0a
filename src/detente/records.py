"""Typed records passed between detente's stages.

Field names follow the PLOVER JSON record format wherever PLOVER names a field (``event``,
``mode``, ``context``, ``actor``, ``recipient``, ``code``, ``sector``, ``entity_text``,
``identifier_id``, ``identifier_text``, ``office``, ``date``, ``quad_code``, ``event_scale``,
``event_loc``, ``text_info``). detente's own additions carry plain names (``doc_id``,
``event_id``, ``cameo``, ``modality``, ``confidence``, ``quote``, ``evidence``).

Character offsets are always into ``Article.text``, the text exactly as the caller gave it,
so that any span can be highlighted in the original document.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Granularity(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Modality(StrEnum):
    """How the text presents an event. Only ASSERTED events are facts for counting."""

    ASSERTED = "asserted"
    NEGATED = "negated"  # "did not meet"
    SPECULATIVE = "speculative"  # "could be released", "there is speculation that"
    FUTURE = "future"  # "will visit", "agreed to resume talks" (the resumption)
    ALLEGED = "alleged"  # "reportedly attacked", "accused of shelling" (the shelling)


class SectionKind(StrEnum):
    HEADLINE = "headline"
    SUBHEAD = "subhead"
    BYLINE = "byline"
    DATELINE = "dateline"
    BODY = "body"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the article text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    """One layout block of an article (headline, byline, a body paragraph...)."""

    kind: SectionKind
    start: int
    end: int


@dataclass(slots=True)
class Article:
    """A document to code. ``published`` anchors relative dates ("on Tuesday")."""

    doc_id: str
    text: str
    title: str | None = None
    published: date | None = None
    url: str | None = None
    source: str | None = None
    sections: list[Section] = field(default_factory=list)
    published_from: str | None = None  # "caller", "dateline", "html-metadata", "feed" or None
    language: str | None = None  # ISO 639-1, set by ingestion's language detector
    source_id: str | None = None  # the id the source gave it, when doc_id is detente's own
    origin: str | None = None  # where it was read: "path", "path:line", "feed.xml#3", a URL

    def body_sections(self) -> list[Section]:
        return [s for s in self.sections if s.kind is SectionKind.BODY]


@dataclass(slots=True)
class Entity:
    """A political actor as PLOVER's entity object, plus where it was found.

    ``code`` is an ISO 3166-1 alpha-3 country code or one of PLOVER's international codes
    (UNO, EUR, IGO, NGO, IMG, ISM, MNC); ``sector`` a PLOVER sector code.
    """

    code: str | None
    sector: str | None
    entity_text: str
    identifier_id: str | None = None  # Wikidata QID, only when the knowledge base is certain
    identifier_text: str | None = None  # canonical name ("Vladimir Putin")
    office: str | None = None
    span: Span | None = None
    resolution: str = "text"  # how it was resolved: kb-person, kb-org, country, description, pronoun...

    @property
    def label(self) -> str:
        """``USA GOV (John Kerry)`` style label for people."""
        parts = [self.code or "---", self.sector or "---"]
        base = " ".join(parts)
        return f"{base} ({self.identifier_text})" if self.identifier_text else base

    def same_actor(self, other: Entity) -> bool:
        return (self.code, self.sector, self.identifier_text) == (
            other.code,
            other.sector,
            other.identifier_text,
        )


@dataclass(frozen=True, slots=True)
class EventDate:
    """An event date with its granularity: ``2016-03-22`` (day), ``2014-03`` (month), ``2015``."""

    value: str
    granularity: Granularity
    source: str  # "text" (a date expression in the sentence) or "publication"
    span: Span | None = None

    @property
    def first_day(self) -> date:
        parts = [int(p) for p in self.value.split("-")] + [1, 1]
        return date(parts[0], parts[1], parts[2])


@dataclass(frozen=True, slots=True)
class Location:
    """Where an event took place, with PLOVER/GeoNames location fields."""

    extracted_place: str
    resolved_place: str
    country_code: str | None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    feature_code: str | None = None
    resolution: int = 4  # PLOVER: 5 sub-city, 4 city, 3 district, 2 province, 1 country
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class TextInfo:
    """PLOVER ``text_info``: which sentence, and its character offsets."""

    sequence: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """The speaker to whom the text attributes the event ("..., Kerry said")."""

    speaker: str
    span: Span
    direct: bool  # inside quotation marks


@dataclass(slots=True)
class Evidence:
    """Why detente believes the event: the sentence and the spans that fired."""

    sentence: str
    trigger: Span
    rule: str  # lexicon entry id and construction, e.g. "sentence.v/relative-clause"
    actor: Span | None = None
    recipient: Span | None = None
    date: Span | None = None
    place: Span | None = None


@dataclass(slots=True)
class Event:
    """One coded event: one record per ordered dyad.

    Compound and reciprocal actors expand into several records sharing ``group_id``.
    """

    event_id: str
    doc_id: str
    group_id: str
    event: str
    mode: str | None
    context: str | None
    actor: Entity
    recipient: Entity | None
    date: EventDate | None
    event_loc: Location | None
    quad_code: int
    event_scale: float
    cameo: str | None
    modality: Modality
    confidence: float
    text_info: TextInfo
    evidence: Evidence
    quote: Quote | None = None
    target_date: EventDate | None = None
    coder: str = ""
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def make_event_id(
    doc_id: str, sentence: int, trigger: Span, actor: Entity | None, recipient: Entity | None
) -> str:
    """Deterministic id: the same document coded twice (or by another engine) gives the same id.

    The actors' names are part of the key: "Davutoglu met Tusk and Juncker" is two records
    with the same trigger and the same codes (TUR GOV → EUR GOV), and each needs its own id.
    """

    def actor_key(e: Entity | None) -> str:
        return f"{e.code or ''}{e.sector or ''}:{e.identifier_text or e.entity_text}" if e else ""

    key = "|".join(
        [doc_id, str(sentence), f"{trigger.start}-{trigger.end}", actor_key(actor), actor_key(recipient)]
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}
_UNSEEN: Any = object()  # a type not looked up yet
_PLAIN = (str, int, float, bool, type(None))


def to_jsonable(obj: Any) -> Any:
    """Records → plain JSON types (dates as ISO strings, enums as their values)."""
    kind = type(obj)
    if kind in _PLAIN:
        return obj
    # this runs for every field of every event stored: a type's field names (None when it is not a
    # dataclass) are looked up once, since dataclasses.fields() and is_dataclass() are slow
    names = _FIELD_NAMES.get(kind, _UNSEEN)
    if names is _UNSEEN:
        is_record = dataclasses.is_dataclass(obj) and not isinstance(obj, type)
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(obj)) if is_record else None
    if names is not None:
        return {name: to_jsonable(getattr(obj, name)) for name in names}
    if isinstance(obj, StrEnum):
        return obj.value
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    return obj


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be read or coded: where it was and why.

    ``where`` names the file, and the line or record inside it when there is one,
    e.g. ``corpus.jsonl:17``.
    """

    where: str
    reason: str
    stage: str = "ingest"

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"
