"""The canonical event of a cluster of mentions: the type, dyad, date and place most reports
support, how widely it was reported, and a confidence that rises with independent sources.

>>> summarise("c1", [mention])["n_sources"]        # doctest: +SKIP
1
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

import pyarrow as pa


def _mode(values: Iterable[Any]) -> Any:
    # a plain dict, not a Counter: this runs ~9 times for each of half a million clusters of 2-3
    counts: dict[Any, int] = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    if len(counts) <= 1:
        return next(iter(counts), None)
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)  # ties: the smallest, for stable output


def _best_date(rows: Sequence[dict[str, Any]]) -> tuple[str | None, str | None]:
    """The most precise date the most reports give, text dates before publication dates."""
    for granularity in ("day", "month", "year"):
        stated = [r["date_value"] for r in rows if r["date_source"] == "text" and r["date_granularity"] == granularity]
        if stated:
            return _mode(stated), granularity
    fallback = sorted(r["date_value"] for r in rows if r["date_value"])
    return (fallback[0], _mode(r["date_granularity"] for r in rows)) if fallback else (None, None)


def _best_dyad(rows: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """The (actor, recipient) codes most reports support: a report with an unknown side supports
    every dyad that agrees on its known side; ties go to the more specific dyad, then the first
    in alphabetical order (for stable output)."""
    dyads = {(r["actor_code"] or "", r["recipient_code"] or "") for r in rows}
    if len(dyads) == 1:  # most clusters: nothing to weigh
        return next(iter(dyads))

    def backing(dyad: tuple[str, str]) -> int:
        return sum(
            all(not side or side == want for side, want in zip((r["actor_code"], r["recipient_code"]), dyad, strict=True))
            for r in rows
        )

    return min(dyads, key=lambda d: (-backing(d), -sum(bool(code) for code in d), d))


def _alone(cluster_id: str, r: dict[str, Any]) -> dict[str, Any]:
    """The canonical event of a single mention (half of all clusters): its own fields."""
    return {
        "cluster_id": cluster_id, "event": r["event"], "mode": r["mode"],
        "actor_code": r["actor_code"], "actor_sector": r["actor_sector"], "actor_name": r["actor_name"],
        "recipient_code": r["recipient_code"], "recipient_sector": r["recipient_sector"],
        "recipient_name": r["recipient_name"], "date_value": r["date_value"], "date_granularity": r["date_granularity"],
        "place": r["place"], "place_country": r["place_country"],
        "lat": r["lat"] if r["place"] else None, "lon": r["lon"] if r["place"] else None,
        "quad_code": r["quad_code"], "event_scale": r["event_scale"], "cameo": r["cameo"], "modality": "asserted",
        "confidence": rounded_confidence(r["confidence"]), "n_mentions": 1, "n_articles": 1, "n_sources": 1,
        "n_outlets": 1, "reciprocal": False, "first_reported": r["published"], "last_reported": r["published"],
        "article_id": r["article_id"], "event_id": r["event_id"], "sentence": r["sentence"],
        "trigger_text": r["trigger_text"],
    }


# _alone in SQL, with with_date's event_date, for the single-mention clusters of a rebuild: no
# Python object per mention. ``{source}`` names the mentions (``m``, columns as in _alone's
# ``r``) and gives ``rounded``, the confidence already rounded as _alone rounds it (Python's
# round is half-even, DuckDB's half away from zero). The cluster id is cluster_id_for's.
ALONE_SQL = """
    SELECT 'c' || substr(sha1(m.event_id), 1, 19) AS cluster_id, m.event, m.mode,
           m.actor_code, m.actor_sector, m.actor_name, m.recipient_code, m.recipient_sector, m.recipient_name,
           m.date_value, m.date_granularity, m.place, m.place_country,
           CASE WHEN m.place <> '' THEN m.lat END AS lat, CASE WHEN m.place <> '' THEN m.lon END AS lon,
           m.quad_code, m.event_scale, m.cameo, 'asserted' AS modality, rounded AS confidence,
           1 AS n_mentions, 1 AS n_articles, 1 AS n_sources, 1 AS n_outlets, false AS reciprocal,
           m.published AS first_reported, m.published AS last_reported,
           m.article_id, m.event_id, m.sentence, m.trigger_text,
           CASE WHEN m.date_value <> '' THEN make_date(
               string_split(m.date_value, '-')[1]::INTEGER, coalesce(string_split(m.date_value, '-')[2]::INTEGER, 1),
               coalesce(string_split(m.date_value, '-')[3]::INTEGER, 1)) END AS event_date
    FROM {source}
"""


def rounded_confidence(confidence: float | None) -> float:
    """A single mention's confidence as its canonical event carries it."""
    return round(min(confidence or 0.0, 0.99), 4)


def summarise(cluster_id: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The canonical event of a cluster of mentions: best-supported type, dyad, date, place."""
    return _alone(cluster_id, rows[0]) if len(rows) == 1 else _combined(cluster_id, rows)


def _combined(cluster_id: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    event = _mode(r["event"] for r in rows)
    of_event = [r for r in rows if r["event"] == event]
    dyad = _best_dyad(of_event)
    agreeing = [r for r in of_event if (r["actor_code"] or "", r["recipient_code"] or "") == dyad]
    date_value, granularity = _best_date(rows)
    place = _mode(r["place"] for r in rows)
    located = next((r for r in rows if r["place"] == place), None) if place else None
    by_group: dict[str, float] = {}
    for r in rows:
        by_group[r["dup_group"]] = max(by_group.get(r["dup_group"], 0.0), r["confidence"] or 0.0)
    confidence = 1 - math.prod(1 - min(c, 0.99) for c in by_group.values())
    # the representative mention: the earliest report that agrees with the cluster, most confident first
    lead = min(agreeing, key=lambda r: (r["published"] or date.max, -(r["confidence"] or 0), r["event_id"]))
    published = [r["published"] for r in rows if r["published"] is not None]
    return {
        "cluster_id": cluster_id,
        "event": event,
        "mode": _mode(r["mode"] for r in agreeing),
        "actor_code": dyad[0] or None,
        "actor_sector": _mode(r["actor_sector"] for r in agreeing),
        "actor_name": _mode(r["actor_name"] for r in agreeing),
        "recipient_code": dyad[1] or None,
        "recipient_sector": _mode(r["recipient_sector"] for r in agreeing),
        "recipient_name": _mode(r["recipient_name"] for r in agreeing),
        "date_value": date_value,
        "date_granularity": granularity,
        "place": place,
        "place_country": located["place_country"] if located else _mode(r["place_country"] for r in rows),
        "lat": located["lat"] if located else None,
        "lon": located["lon"] if located else None,
        "quad_code": lead["quad_code"],
        "event_scale": lead["event_scale"],
        "cameo": lead["cameo"],
        "modality": "asserted",
        "confidence": round(confidence, 4),
        "n_mentions": len(rows),
        "n_articles": len({r["article_id"] for r in rows}),
        "n_sources": len(by_group),
        "n_outlets": len({r["source"] or r["dup_group"] for r in rows}),
        # a joint action (a meeting, an agreement) is reported both ways: count it for both directions
        "reciprocal": dyad[0] != dyad[1] and any(
            (r["actor_code"] or "", r["recipient_code"] or "") == (dyad[1], dyad[0]) for r in of_event
        ),
        "first_reported": min(published) if published else None,
        "last_reported": max(published) if published else None,
        "article_id": lead["article_id"],
        "event_id": lead["event_id"],
        "sentence": lead["sentence"],
        "trigger_text": lead["trigger_text"],
    }


def cluster_id_for(members: Iterable[str]) -> str:
    return "c" + hashlib.sha1(min(members).encode("utf-8")).hexdigest()[:19]


def with_date(cluster: dict[str, Any]) -> dict[str, Any]:
    """Add ``event_date``, the first day of ``date_value`` (for range queries and panels)."""
    value = cluster["date_value"]
    if value:
        parts = [int(p) for p in value.split("-")] + [1, 1]
        cluster["event_date"] = date(parts[0], parts[1], parts[2])
    else:
        cluster["event_date"] = None
    return cluster


def summarise_table(mentions: pa.Table, schema: pa.Schema) -> pa.Table:
    """``summarise`` over many clusters at once: ``mentions`` has a ``_cluster`` column first,
    then the mention fields, in mention-id order; the canonical events come back as a table of
    ``schema``'s types (``event_clusters``), with their ``event_date``."""
    names = mentions.column_names[1:]
    cluster_ids = mentions.column(0).to_pylist()
    columns = [_pylist(mentions.column(i)) for i in range(1, mentions.num_columns)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for cid, values in zip(cluster_ids, zip(*columns), strict=True):
        groups.setdefault(cid, []).append(dict(zip(names, values, strict=True)))
    del columns
    summaries = [with_date(summarise(cid, rows)) for cid, rows in groups.items()]
    if not summaries:
        return schema.empty_table()
    keys = list(summaries[0])
    # column by column, in the table's own types: inferring them from half a million dicts costs seconds
    columns = list(zip(*map(itemgetter(*keys), summaries), strict=True))
    return pa.table({key: pa.array(values, schema.field(key).type) for key, values in zip(keys, columns, strict=True)})


def _pylist(column: pa.ChunkedArray) -> list[Any]:
    """A column as Python values; dates through their few distinct values (a date object per
    row is most of the cost of the whole conversion)."""
    if not pa.types.is_date(column.type):
        return column.to_pylist()
    encoded = column.combine_chunks().dictionary_encode()
    values = encoded.dictionary.to_pylist()
    return [None if i is None else values[i] for i in encoded.indices.to_pylist()]
