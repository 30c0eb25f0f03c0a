"""Records → table rows: how an article, its events and their actors are laid out in the store.

>>> assign_identity(Article(doc_id="a1", text="Kerry met Putin.", url="https://x.org/a1")).doc_id  # doctest: +SKIP
'5f0c...'  # SHA-1 of the URL and the content hash
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from detente.records import Article, Entity, Event, Failure

if TYPE_CHECKING:
    from detente.dedup.fingerprints import Fingerprint


def content_hash(text: str) -> str:
    """SHA-1 of the text with Unicode and whitespace normalised: equal for copies of one story
    that differ only in line breaks or composed accents."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()


def source_identity(article: Article) -> str:
    """Who published the article: its URL, else the source's name and its id for the article."""
    if article.url:
        return article.url.strip()
    return f"{article.source or ''}|{article.source_id or article.doc_id}"


def assign_identity(article: Article) -> Article:
    """Give the article its store id: source identity + content hash.

    The same text from another outlet is a different article (linked by ``content_hash``);
    the same text from the same source, read twice, is the same article, so re-ingesting is
    a no-op. The source's own id is kept in ``source_id``.
    """
    if article.source_id is None:
        article.source_id = article.doc_id
    key = f"{source_identity(article)}\n{content_hash(article.text)}"
    article.doc_id = hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]
    return article


def failure_id(failure: Failure) -> str:
    key = f"{failure.stage}\n{failure.where}\n{failure.reason}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def article_row(
    article: Article,
    *,
    status: str,
    n_events: int,
    coder: str | None,
    model: str | None,
    run_id: str,
    now: datetime,
    language_confidence: float | None = None,
) -> dict[str, Any]:
    coded = status == "coded"
    return {
        "article_id": article.doc_id,
        "source_id": article.source_id,
        "content_hash": content_hash(article.text),
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "origin": article.origin,
        "published": article.published,
        "published_from": article.published_from,
        "language": article.language,
        "language_confidence": language_confidence,
        "status": status,
        "n_events": n_events,
        "text": article.text,
        "coder": coder if coded else None,
        "model": model if coded else None,
        "ingested_at": now,
        "coded_at": now if coded else None,
        "run_id": run_id,
    }


def _actor_columns(prefix: str, entity: Entity | None) -> dict[str, Any]:
    if entity is None:
        return {f"{prefix}_{k}": None for k in ("code", "sector", "name", "text", "qid", "office")}
    return {
        f"{prefix}_code": entity.code,
        f"{prefix}_sector": entity.sector,
        f"{prefix}_name": entity.identifier_text,
        f"{prefix}_text": entity.entity_text,
        f"{prefix}_qid": entity.identifier_id,
        f"{prefix}_office": entity.office,
    }


def event_row(event: Event) -> dict[str, Any]:
    """One ``events`` row: queryable columns plus the full record as JSON."""
    loc, ev, when = event.event_loc, event.evidence, event.date
    return {
        "event_id": event.event_id,
        "article_id": event.doc_id,
        "group_id": event.group_id,
        "event": event.event,
        "mode": event.mode,
        "context": event.context,
        **_actor_columns("actor", event.actor),
        **_actor_columns("recipient", event.recipient),
        "event_date": when.first_day if when else None,
        "date_value": when.value if when else None,
        "date_granularity": when.granularity.value if when else None,
        "date_source": when.source if when else None,
        "target_date": event.target_date.value if event.target_date else None,
        "place": loc.resolved_place if loc else None,
        "place_extracted": loc.extracted_place if loc else None,
        "place_country": loc.country_code if loc else None,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "geonameid": loc.geonameid if loc else None,
        "feature_code": loc.feature_code if loc else None,
        "place_resolution": loc.resolution if loc else None,
        "quad_code": event.quad_code,
        "event_scale": event.event_scale,
        "cameo": event.cameo,
        "modality": event.modality.value,
        "confidence": event.confidence,
        "sentence_seq": event.text_info.sequence,
        "sentence_start": event.text_info.start,
        "sentence_end": event.text_info.end,
        "sentence": ev.sentence,
        "trigger_text": ev.trigger.text,
        "trigger_start": ev.trigger.start,
        "trigger_end": ev.trigger.end,
        "rule": ev.rule,
        "quote_speaker": event.quote.speaker if event.quote else None,
        "quote_direct": event.quote.direct if event.quote else None,
        "coder": event.coder,
        "model": event.model,
        # orjson writes the record dataclasses (enums, dates, nested records) itself, the same JSON
        # values as ``to_jsonable`` gives, in a quarter of the time: this runs once per stored event.
        "record": orjson.dumps(event, option=orjson.OPT_SORT_KEYS).decode("utf-8"),
    }


def entity_rows(event: Event) -> list[dict[str, Any]]:
    rows = []
    for role, entity in (("actor", event.actor), ("recipient", event.recipient)):
        if entity is None:
            continue
        rows.append({
            "article_id": event.doc_id,
            "event_id": event.event_id,
            "role": role,
            "code": entity.code,
            "sector": entity.sector,
            "name": entity.identifier_text,
            "text": entity.entity_text,
            "qid": entity.identifier_id,
            "office": entity.office,
            "resolution": entity.resolution,
            "span_start": entity.span.start if entity.span else None,
            "span_end": entity.span.end if entity.span else None,
        })
    return rows


def event_fingerprint(record_json: str) -> str:
    """What an event *says*, without the coder's version stamp: two codings of a text agree on
    an event when their fingerprints are equal."""
    record = json.loads(record_json)
    record.pop("coder", None)
    record.pop("model", None)
    return hashlib.sha1(json.dumps(record, sort_keys=True).encode("utf-8")).hexdigest()


def fingerprint_rows(article_id: str, fp: Fingerprint) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of ``article_fingerprints``, ``article_bands`` and ``article_terms`` for one article."""
    head = {"article_id": article_id, "minhash": list(fp.minhash), "credit": fp.credit}
    bands = [{"band": i, "bucket": key, "article_id": article_id} for i, key in enumerate(fp.bands)]
    terms = [{"article_id": article_id, "term": t, "weight": w} for t, w in zip(fp.terms, fp.weights, strict=True)]
    return head, bands, terms
