"""Exports of the event store in the formats analysts already read.

- ``plover-jsonl``: one PLOVER JSON record per event (``event`` and ``actor``/``recipient`` as
  lists, as in PLOVER), with the story's metadata and detente's evidence under ``detente``;
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

FORMATS = ("plover-jsonl", "polecat-tsv", "csv", "parquet")
_ARTICLE_COLUMNS = ("a.title", "a.source", "a.url", "a.published", "a.language", "a.source_id")

POLECAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Event ID", "e.event_id"),
    ("Event Date", "e.date_value"),
    ("Event Type", "e.event"),
    ("Event Mode", "e.mode"),
    ("Contexts", "e.context"),
    ("Intensity", "e.event_scale"),
    ("Quad Code", "e.quad_code"),
    ("Actor Name", "coalesce(e.actor_name, e.actor_text)"),
    ("Actor Name Raw", "e.actor_text"),
    ("Actor Country", "e.actor_code"),
    ("Primary Actor Sector", "e.actor_sector"),
    ("Actor Sectors", "e.actor_sector"),
    ("Actor Title", "e.actor_office"),
    ("Wikipedia Actor ID", "e.actor_qid"),
    ("Recipient Name", "coalesce(e.recipient_name, e.recipient_text)"),
    ("Recipient Name Raw", "e.recipient_text"),
    ("Recipient Country", "e.recipient_code"),
    ("Primary Recipient Sector", "e.recipient_sector"),
    ("Recipient Sectors", "e.recipient_sector"),
    ("Recipient Title", "e.recipient_office"),
    ("Wikipedia Recipient ID", "e.recipient_qid"),
    ("Placename", "e.place"),
    ("Raw Placename", "e.place_extracted"),
    ("Country", "e.place_country"),
    ("Latitude", "e.lat"),
    ("Longitude", "e.lon"),
    ("GeoNames ID", "e.geonameid"),
    ("Feature Type", "e.feature_code"),
    ("Event Text", "e.sentence"),
    ("Story ID", "e.article_id"),
    ("Headline", "a.title"),
    ("Source", "a.source"),
    ("Publication Date", "a.published"),
    ("Language", "a.language"),
    ("Version", "e.coder"),
)


def _select(columns: str, where: EventFilter, with_text: bool) -> tuple[str, list[Any]]:
    clause, params = where.sql()
    text = ", a.text AS article_text" if with_text else ""
    query = (
        f"SELECT {columns}{text} FROM events e JOIN articles a USING (article_id) "
        f"WHERE {clause} ORDER BY e.event_date, e.article_id, e.sentence_seq, e.event_id"
    )
    return query, params


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


def plover_record(record: dict[str, Any], story: dict[str, Any]) -> dict[str, Any]:
    """detente's event record → PLOVER's JSON shape, detente's own fields under ``detente``."""
    own = ("cameo", "modality", "confidence", "evidence", "quote", "group_id", "target_date", "model")
    return {
        "id": record["event_id"],
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


def export(
    con: duckdb.DuckDBPyConnection, fmt: str, out: IO[str] | str, where: EventFilter | None = None, with_text: bool = False
) -> int:
    """Write the events of ``where`` (default: all modalities) in ``fmt``; returns the row count.

    ``out`` is a text stream, or a path (required for parquet).
    """
    where = where or EventFilter(modalities=())
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if not isinstance(out, str):
            raise ValueError("parquet is a binary format: give an output file (--output events.parquet)")
        query, params = _select("e.* EXCLUDE (record), " + ", ".join(_ARTICLE_COLUMNS), where, with_text)
        relation = con.sql(query, params=params)
        relation.write_parquet(out)
        return int(con.sql(f"SELECT count(*) FROM read_parquet('{out.replace(chr(39), chr(39) * 2)}')").fetchall()[0][0])
    if isinstance(out, str):
        with open(out, "w", encoding="utf-8", newline="") as stream:
            return export(con, fmt, stream, where, with_text)
    if fmt == "plover-jsonl":
        query, params = _select("e.record, e.article_id, " + ", ".join(_ARTICLE_COLUMNS), where, with_text)
        n = 0
        for row in _rows(con, query, params):
            story = {"story_id": row[1], "headline": row[2], "source": row[3], "url": row[4],
                     "publication_date": row[5].isoformat() if row[5] else None, "language": row[6], "source_id": row[7]}
            if with_text:
                story["text"] = row[8]
            out.write(json.dumps(plover_record(json.loads(row[0]), story), ensure_ascii=False) + "\n")
            n += 1
        return n
    if fmt == "polecat-tsv":
        header = [name for name, _ in POLECAT_COLUMNS] + (["Story Text"] if with_text else [])
        query, params = _select(", ".join(expr for _, expr in POLECAT_COLUMNS), where, with_text)
        out.write("\t".join(header) + "\n")
        n = 0
        for row in _rows(con, query, params):
            out.write("\t".join(_cell(v) for v in row) + "\n")
            n += 1
        return n
    query, params = _select("e.* EXCLUDE (record), " + ", ".join(_ARTICLE_COLUMNS), where, with_text)
    cur = con.execute(query, params)
    writer = csv.writer(out)
    writer.writerow([d[0] for d in cur.description])
    n = 0
    while batch := cur.fetchmany(2048):
        writer.writerows(batch)
        n += len(batch)
    return n
