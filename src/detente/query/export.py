"""Exports of the event store in the formats analysts already read.

Each format comes at two levels: canonical events (default: each real event once, with the
number of mentions, articles and independent sources that report it) or mentions (every coded
record, each with ``link``, the id of the canonical event it reports).

- ``plover-jsonl``: one PLOVER JSON record per event (``event`` and ``actor``/``recipient`` as
  lists, as in PLOVER), with the story's metadata and detente's evidence under ``detente``;
  canonical events list their ``mentions``;
- ``polecat-tsv``: POLECAT's column names, so existing R/Python code for POLECAT reads it;
- ``csv`` / ``parquet``: the flat events table joined with its article's metadata.

Article text is left out unless ``with_text``: users rarely hold the right to redistribute it.

>>> export(store.con, "polecat-tsv", sys.stdout, EventFilter(modalities=()))   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

import duckdb

from detente.query.filters import EventFilter
from detente.query.panel import EVENT_SOURCE

FORMATS = ("plover-jsonl", "polecat-tsv", "csv", "parquet")
_ARTICLE_COLUMNS = ("a.title", "a.source", "a.url", "a.published", "a.language", "a.source_id")

# (POLECAT column, expression over a mention row, expression over a canonical-event row)
POLECAT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Event ID", "e.event_id", "e.cluster_id"),
    ("Event Date", "e.date_value", "e.date_value"),
    ("Event Type", "e.event", "e.event"),
    ("Event Mode", "e.mode", "e.mode"),
    ("Contexts", "e.context", "NULL"),
    ("Intensity", "e.event_scale", "e.event_scale"),
    ("Quad Code", "e.quad_code", "e.quad_code"),
    ("Actor Name", "coalesce(e.actor_name, e.actor_text)", "e.actor_name"),
    ("Actor Name Raw", "e.actor_text", "NULL"),
    ("Actor Country", "e.actor_code", "e.actor_code"),
    ("Primary Actor Sector", "e.actor_sector", "e.actor_sector"),
    ("Actor Sectors", "e.actor_sector", "e.actor_sector"),
    ("Actor Title", "e.actor_office", "NULL"),
    ("Wikipedia Actor ID", "e.actor_qid", "NULL"),
    ("Recipient Name", "coalesce(e.recipient_name, e.recipient_text)", "e.recipient_name"),
    ("Recipient Name Raw", "e.recipient_text", "NULL"),
    ("Recipient Country", "e.recipient_code", "e.recipient_code"),
    ("Primary Recipient Sector", "e.recipient_sector", "e.recipient_sector"),
    ("Recipient Sectors", "e.recipient_sector", "e.recipient_sector"),
    ("Recipient Title", "e.recipient_office", "NULL"),
    ("Wikipedia Recipient ID", "e.recipient_qid", "NULL"),
    ("Placename", "e.place", "e.place"),
    ("Raw Placename", "e.place_extracted", "NULL"),
    ("Country", "e.place_country", "e.place_country"),
    ("Latitude", "e.lat", "e.lat"),
    ("Longitude", "e.lon", "e.lon"),
    ("GeoNames ID", "e.geonameid", "NULL"),
    ("Feature Type", "e.feature_code", "NULL"),
    ("Event Text", "e.sentence", "e.sentence"),
    ("Story ID", "e.article_id", "e.article_id"),
    ("Headline", "a.title", "a.title"),
    ("Source", "a.source", "a.source"),
    ("Publication Date", "a.published", "a.published"),
    ("Language", "a.language", "a.language"),
    ("Version", "e.coder", "a.coder"),
    # detente's own: the canonical event a mention belongs to, and how widely an event was reported
    ("Canonical Event ID", "mc.cluster_id", "e.cluster_id"),
    ("Mentions", "1", "e.n_mentions"),
    ("Articles", "1", "e.n_articles"),
    ("Independent Sources", "1", "e.n_sources"),
)


def _select(columns: str, where: EventFilter, with_text: bool, level: str) -> tuple[str, list[Any]]:
    clause, params = where.sql()
    text = ", a.text AS article_text" if with_text else ""
    if level == "event":
        # the flipped copies of reciprocal events only matter to a filter that has a direction
        source, once = (EVENT_SOURCE, "QUALIFY row_number() OVER (PARTITION BY e.cluster_id ORDER BY e.flipped) = 1 ") \
            if where.directional else ("(SELECT *, false AS flipped FROM event_clusters)", "")
        return (
            f"SELECT {columns}{text} FROM {source} e JOIN articles a USING (article_id) "
            f"WHERE {clause} {once}ORDER BY e.event_date, e.first_reported, e.cluster_id"
        ), params
    return (
        f"SELECT {columns}{text} FROM events e JOIN articles a USING (article_id) "
        "LEFT JOIN mention_clusters mc ON mc.event_id = e.event_id AND mc.article_id = e.article_id "
        f"WHERE {clause} ORDER BY e.event_date, e.article_id, e.sentence_seq, e.event_id"
    ), params


def _rows(con: duckdb.DuckDBPyConnection, query: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    cur = con.execute(query, params)
    while batch := cur.fetchmany(2048):
        yield from batch


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\t", " ").replace("\n", " ")


def _plover_entity(entity: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not entity:
        return []
    return [{k: v for k, v in entity.items() if k != "span"}]


def plover_record(record: dict[str, Any], story: dict[str, Any], link: str | None = None) -> dict[str, Any]:
    """A mention's event record → PLOVER's JSON shape, detente's own fields under ``detente``;
    ``link`` is the canonical event it reports."""
    own = ("cameo", "modality", "confidence", "evidence", "quote", "group_id", "target_date", "model")
    return {
        "id": record["event_id"],
        "link": link,
        "date": record["date"]["value"] if record.get("date") else None,
        "event": [record["event"]],
        "mode": record.get("mode"),
        "context": record.get("context"),
        "actor": _plover_entity(record.get("actor")),
        "recipient": _plover_entity(record.get("recipient")),
        "event_loc": record.get("event_loc"),
        "event_text": record["evidence"]["sentence"],
        "text_info": record.get("text_info"),
        "quad_code": record.get("quad_code"),
        "event_scale": record.get("event_scale"),
        "coder": record.get("coder"),
        "story": story,
        "detente": {k: record.get(k) for k in own} | {"date": record.get("date")},
    }


def canonical_record(row: dict[str, Any], story: dict[str, Any], mentions: list[dict[str, str]]) -> dict[str, Any]:
    """A canonical event → PLOVER's JSON shape, with the mentions that report it."""

    def entity(prefix: str) -> list[dict[str, Any]]:
        if row[f"{prefix}_code"] is None and row[f"{prefix}_name"] is None:
            return []
        return [{"code": row[f"{prefix}_code"], "sector": row[f"{prefix}_sector"], "identifier_text": row[f"{prefix}_name"]}]

    place = None
    if row["place"] or row["place_country"]:
        place = {"resolved_place": row["place"], "country_code": row["place_country"], "lat": row["lat"], "lon": row["lon"]}
    return {
        "id": row["cluster_id"],
        "date": row["date_value"],
        "event": [row["event"]],
        "mode": row["mode"],
        "actor": entity("actor"),
        "recipient": entity("recipient"),
        "event_loc": place,
        "event_text": row["sentence"],
        "quad_code": row["quad_code"],
        "event_scale": row["event_scale"],
        "story": story,
        "mentions": mentions,
        "detente": {k: row[k] for k in ("cameo", "confidence", "date_granularity", "n_mentions", "n_articles",
                                        "n_sources", "n_outlets", "reciprocal")}
        | {"first_reported": _iso(row["first_reported"]), "last_reported": _iso(row["last_reported"])},
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _story(row: dict[str, Any], with_text: bool) -> dict[str, Any]:
    story = {"story_id": row["article_id"], "headline": row["title"], "source": row["source"], "url": row["url"],
             "publication_date": _iso(row["published"]), "language": row["language"], "source_id": row["source_id"]}
    if with_text:
        story["text"] = row["article_text"]
    return story


def _dict_rows(con: duckdb.DuckDBPyConnection, query: str, params: list[Any]) -> Iterator[dict[str, Any]]:
    cur = con.execute(query, params)
    names = [d[0] for d in cur.description]
    while batch := cur.fetchmany(2048):
        for row in batch:
            yield dict(zip(names, row, strict=True))


def _mentions_of(con: duckdb.DuckDBPyConnection, cluster_ids: list[str]) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for cid, event_id, article_id in con.execute(
        "SELECT cluster_id, event_id, article_id FROM mention_clusters WHERE cluster_id IN (SELECT unnest(?::VARCHAR[])) "
        "ORDER BY cluster_id, article_id, event_id",
        [cluster_ids],
    ).fetchall():
        found.setdefault(cid, []).append({"id": event_id, "story_id": article_id})
    return found


def _write_plover(con: duckdb.DuckDBPyConnection, out: IO[str], where: EventFilter, with_text: bool, level: str) -> int:
    n = 0
    article = ", ".join(_ARTICLE_COLUMNS)
    if level == "mention":
        query, params = _select(f"e.record, e.article_id, mc.cluster_id AS link, {article}", where, with_text, level)
        for row in _dict_rows(con, query, params):
            out.write(json.dumps(plover_record(json.loads(row["record"]), _story(row, with_text), row["link"]), ensure_ascii=False) + "\n")
            n += 1
        return n
    query, params = _select(f"e.* EXCLUDE (flipped), {article}", where, with_text, level)
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        mentions = _mentions_of(con, [r["cluster_id"] for r in batch])
        for r in batch:
            out.write(json.dumps(canonical_record(r, _story(r, with_text), mentions.get(r["cluster_id"], [])),
                                 ensure_ascii=False, default=_iso) + "\n")
        batch.clear()

    for row in _dict_rows(con, query, params):
        batch.append(row)
        n += 1
        if len(batch) >= 1000:
            flush()
    flush()
    return n


def export(
    con: duckdb.DuckDBPyConnection, fmt: str, out: IO[str] | str, where: EventFilter | None = None,
    with_text: bool = False, level: str = "event",
) -> int:
    """Write the events of ``where`` in ``fmt``: canonical events (``level="event"``) or mentions
    (default filter: every modality); returns the number of records. ``out`` is a text stream or
    a path (required for parquet)."""
    where = where or EventFilter(modalities=())
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    if level not in ("event", "mention"):
        raise ValueError(f"level {level!r}: use event or mention")
    flat = (
        "e.* EXCLUDE (flipped), " if level == "event" else "e.* EXCLUDE (record), mc.cluster_id AS link, "
    ) + ", ".join(_ARTICLE_COLUMNS)
    if fmt == "parquet":
        if not isinstance(out, str):
            raise ValueError("parquet is a binary format: give an output file (--output events.parquet)")
        query, params = _select(flat, where, with_text, level)
        con.sql(query, params=params).write_parquet(out)
        return int(con.sql(f"SELECT count(*) FROM read_parquet('{out.replace(chr(39), chr(39) * 2)}')").fetchall()[0][0])
    if isinstance(out, str):
        with open(out, "w", encoding="utf-8", newline="") as stream:
            return export(con, fmt, stream, where, with_text, level)
    if fmt == "plover-jsonl":
        return _write_plover(con, out, where, with_text, level)
    if fmt == "polecat-tsv":
        column = 1 if level == "mention" else 2
        header = [c[0] for c in POLECAT_COLUMNS] + (["Story Text"] if with_text else [])
        query, params = _select(", ".join(c[column] for c in POLECAT_COLUMNS), where, with_text, level)
        out.write("\t".join(header) + "\n")
        n = 0
        for row in _rows(con, query, params):
            out.write("\t".join(_cell(v) for v in row) + "\n")
            n += 1
        return n
    query, params = _select(flat, where, with_text, level)
    cur = con.execute(query, params)
    writer = csv.writer(out)
    writer.writerow([d[0] for d in cur.description])
    n = 0
    while batch := cur.fetchmany(2048):
        writer.writerows(batch)
        n += len(batch)
    return n
