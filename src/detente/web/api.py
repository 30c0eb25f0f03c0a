"""The REST API: events (canonical and mentions), one event with its evidence, articles, actors,
panels and the series the dashboard draws, summary counts, and reviews.

Every list is paginated (``limit``, ``offset``; the answer carries ``total``) and filterable like
``detente events``. Every query runs on its own DuckDB cursor (a connection is not meant to be
shared between threads) with parameters, never with values pasted into SQL.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

import duckdb
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from detente.query.filters import EventFilter, FilterError
from detente.query.panel import EVENT_SOURCE, count_sql, events_sql, once_sql, panel_sql

router = APIRouter(prefix="/api")
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such item"},
    422: {"description": "A parameter is missing or malformed"},
}
Level = Literal["event", "mention"]


def cursor(request: Request) -> Any:
    """A DuckDB cursor of the server's store, closed after the request."""
    cur = request.app.state.store.con.cursor()
    try:
        yield cur
    finally:
        cur.close()


Cursor = Annotated[duckdb.DuckDBPyConnection, Depends(cursor)]


class Filters(BaseModel):
    """The filters every event query accepts (see ``detente events --help``)."""

    actor: str | None = Field(None, max_length=40, description="USA, USA:GOV or :MIL")
    recipient: str | None = Field(None, max_length=40)
    dyad: str | None = Field(None, max_length=20, description="ACTOR-RECIPIENT, e.g. USA-RUS")
    undirected: bool = False
    type: list[str] = Field(default_factory=list, description="PLOVER event types")
    quad: int | None = Field(None, ge=1, le=4)
    since: date | None = None
    until: date | None = None
    text: str | None = Field(None, max_length=200)
    modality: str = Field("asserted", max_length=80, description="comma-separated modalities, or 'any'")
    min_confidence: float | None = Field(None, ge=0, le=1)

    def event_filter(self) -> EventFilter:
        modalities = () if self.modality.strip().lower() in ("any", "all", "") else tuple(
            m.strip() for m in self.modality.split(",") if m.strip()
        )
        return EventFilter(
            actor=self.actor, recipient=self.recipient, dyad=self.dyad, undirected=self.undirected,
            types=tuple(t.upper() for t in self.type), quad=self.quad, since=self.since, until=self.until,
            text=self.text, modalities=modalities, min_confidence=self.min_confidence,
        )


FilterQuery = Annotated[Filters, Query()]


def _where(filters: Filters) -> EventFilter:
    try:
        where = filters.event_filter()
        where.sql()  # validate now, so that a bad value is a 422 and not a failure mid-query
    except FilterError as err:
        raise HTTPException(422, str(err)) from None
    return where


def _records(cur: duckdb.DuckDBPyConnection, query: str, params: list[Any]) -> list[dict[str, Any]]:
    result = cur.execute(query, params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _page(
    cur: duckdb.DuckDBPyConnection, query: str, params: list[Any], limit: int, offset: int,
    count: tuple[str, list[Any]] | None = None,
) -> dict[str, Any]:
    count_query, count_params = count or (f"SELECT count(*) FROM ({query})", params)
    total = cur.execute(count_query, count_params).fetchall()[0][0]
    items = _records(cur, f"{query} LIMIT {int(limit)} OFFSET {int(offset)}", params)
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get("/summary", responses=ERRORS)
def summary(cur: Cursor) -> dict[str, Any]:
    """How much the store holds."""
    row = cur.execute(
        """SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM articles WHERE status = 'coded'),
                  (SELECT count(*) FROM events), (SELECT count(*) FROM event_clusters),
                  (SELECT count(*) FROM failures), (SELECT count(*) FROM reviews),
                  (SELECT min(event_date) FROM event_clusters), (SELECT max(event_date) FROM event_clusters)"""
    ).fetchall()[0]
    keys = ("articles", "coded_articles", "mentions", "events", "failures", "reviews", "first_date", "last_date")
    return dict(zip(keys, row, strict=True))


@router.get("/events", responses=ERRORS)
def list_events(
    cur: Cursor, filters: FilterQuery, level: Level = "event",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Events matching the filters, oldest first: canonical events (default) or mentions."""
    where = _where(filters)
    query, params = events_sql(where, level=level)
    return _page(cur, query, params, limit, offset, count=count_sql(where, level))


def _mention_details(cur: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> list[dict[str, Any]]:
    rows = _records(
        cur,
        f"""SELECT e.event_id, e.article_id, mc.cluster_id, e.event, e.mode, e.modality, e.confidence, e.rule,
                   e.actor_code, e.actor_sector, e.actor_name, e.actor_text, e.recipient_code, e.recipient_sector,
                   e.recipient_name, e.recipient_text, e.date_value, e.date_source, e.place, e.place_country,
                   e.sentence, e.sentence_start, e.sentence_end, e.trigger_text, e.quad_code,
                   json_extract(e.record, '$.evidence') AS evidence,
                   a.title, a.source, a.url, a.published
            FROM events e JOIN articles a USING (article_id)
            LEFT JOIN mention_clusters mc ON mc.event_id = e.event_id AND mc.article_id = e.article_id
            WHERE {where} ORDER BY a.published, e.article_id, e.sentence_seq""",
        params,
    )
    for row in rows:  # DuckDB hands JSON back as text: send it as an object
        row["evidence"] = json.loads(row["evidence"]) if row["evidence"] else None
    return rows


@router.get("/events/{event_id}", responses=ERRORS)
def event_detail(cur: Cursor, event_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    """A canonical event (cluster id) or a mention (event id), with the evidence of every mention:
    its sentence, the character spans of trigger, actor, recipient, date and place, the rule that
    fired, the article that reports it, and the reviews."""
    from detente.review import reviews_for

    cluster = _records(cur, "SELECT * FROM event_clusters WHERE cluster_id = ?", [event_id])
    if cluster:
        mentions = _mention_details(cur, "mc.cluster_id = ?", [event_id])
        return {"level": "event", "event": cluster[0], "mentions": mentions,
                "reviews": reviews_for(cur, [m["event_id"] for m in mentions])}
    mentions = _mention_details(cur, "e.event_id = ?", [event_id])
    if not mentions:
        raise HTTPException(404, f"no event or mention {event_id!r}")
    return {"level": "mention", "event": mentions[0], "mentions": mentions, "reviews": reviews_for(cur, [event_id])}


@router.get("/articles", responses=ERRORS)
def list_articles(
    cur: Cursor, q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Stored articles (newest first), optionally those whose title or text contains ``q``."""
    where, params = ("TRUE", []) if not q else ("(title ILIKE ? OR text ILIKE ?)", [f"%{q}%", f"%{q}%"])
    query = (
        "SELECT article_id, source_id, title, source, url, published, language, status, n_events, ingested_at "
        f"FROM articles WHERE {where} ORDER BY published DESC NULLS LAST, article_id"
    )
    return _page(cur, query, params, limit, offset)


@router.get("/articles/{article_id}", responses=ERRORS)
def article_detail(cur: Cursor, article_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    """One article with its full text and every mention coded in it (offsets into the text)."""
    rows = _records(cur, "SELECT * EXCLUDE (content_hash) FROM articles WHERE article_id = ?", [article_id])
    if not rows:
        raise HTTPException(404, f"no article {article_id!r}")
    copies = _records(
        cur, "SELECT article_id, source, url FROM articles WHERE content_hash = "
        "(SELECT content_hash FROM articles WHERE article_id = ?) AND article_id <> ?", [article_id, article_id]
    )
    return {"article": rows[0], "copies": copies, "mentions": _mention_details(cur, "e.article_id = ?", [article_id])}


@router.get("/actors", responses=ERRORS)
def actors(
    request: Request, q: Annotated[str, Query(min_length=2, max_length=100)],
    on: Annotated[date | None, Query(description="the role held on this date")] = None,
) -> dict[str, Any]:
    """What the actor knowledge base knows of a name: people with their offices over time,
    organisations, countries."""
    kb = request.app.state.kb()
    found: list[dict[str, Any]] = []
    for key in kb.surface.get(q, []):
        kind, _, ident = key.partition(":")
        if kind == "person":
            person = kb.people[ident]
            role = person.role_on(on) if on else None
            found.append({
                "kind": "person", "name": person.name, "qid": person.qid,
                "role": {"country": role.country, "sector": role.sector, "office": role.office} if role else None,
                "offices": [
                    {"country": o.country, "sector": o.sector, "office": o.office, "start": o.start, "end": o.end}
                    for o in sorted(person.offices, key=lambda o: o.start or date.min)
                ],
            })
        elif kind == "org":
            found.extend({"kind": "organization", "name": o.name, "code": o.code, "sector": o.sector,
                          "start": o.start, "end": o.end} for o in kb.organizations[ident])
        elif kind in ("country", "demonym", "capital"):
            country = kb.countries[ident]
            found.append({"kind": kind, "name": country.name, "code": country.code})
    return {"query": q, "on": on, "items": found}


@router.get("/panel", responses=ERRORS)
def panel(
    cur: Cursor, filters: FilterQuery, level: Level = "event",
    unit: Literal["dyad", "actor", "recipient", "country", "place"] = "dyad",
    freq: Literal["day", "week", "month", "year"] = "month",
    measure: Literal["count", "intensity", "quad-counts"] = "count",
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """The zero-filled unit × period panel (see ``detente panel``)."""
    query, params = panel_sql(_where(filters), unit=unit, freq=freq, measure=measure, level=level)
    return _page(cur, query, params, limit, offset)


def _source(level: Level) -> str:
    return EVENT_SOURCE if level == "event" else "events"


@router.get("/series", responses=ERRORS)
def series(
    cur: Cursor, filters: FilterQuery, level: Level = "event",
    freq: Literal["day", "week", "month", "year"] = "month",
) -> dict[str, Any]:
    """Events per period stacked by quad class: the dashboard's timeline."""
    source, params = once_sql(_where(filters), level, "e.event_date, e.quad_code")
    rows = cur.execute(
        f"""SELECT date_trunc('{freq}', e.event_date)::DATE AS period, e.quad_code AS quad, count(*) AS events
            FROM {source} e WHERE e.event_date IS NOT NULL
            GROUP BY ALL ORDER BY period, quad""",
        params,
    ).fetchall()
    return {"freq": freq, "items": [{"period": p, "quad": q, "events": n} for p, q, n in rows]}


@router.get("/network", responses=ERRORS)
def network(
    cur: Cursor, filters: FilterQuery, level: Level = "event",
    limit: Annotated[int, Query(ge=1, le=5000)] = 300,
) -> dict[str, Any]:
    """Countries as nodes and directed dyads as edges, weighted by events and split into
    cooperation (quads 1–2) and conflict (quads 3–4)."""
    clause, params = _where(filters).sql()
    edges = _records(
        cur,
        f"""SELECT e.actor_code AS source, e.recipient_code AS target, count(*) AS events,
                   count(*) FILTER (WHERE e.quad_code IN (1, 2)) AS cooperation,
                   count(*) FILTER (WHERE e.quad_code IN (3, 4)) AS conflict
            FROM {_source(level)} e WHERE {clause} AND e.actor_code IS NOT NULL AND e.recipient_code IS NOT NULL
              AND e.actor_code <> e.recipient_code
            GROUP BY ALL ORDER BY events DESC, source, target LIMIT ?""",
        [*params, limit],
    )
    nodes: dict[str, int] = {}
    for edge in edges:
        for side in ("source", "target"):
            nodes[edge[side]] = nodes.get(edge[side], 0) + edge["events"]
    return {"nodes": [{"id": k, "events": v} for k, v in sorted(nodes.items())], "edges": edges}


@router.get("/map", responses=ERRORS)
def event_map(
    cur: Cursor, filters: FilterQuery, level: Level = "event",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 2000,
) -> dict[str, Any]:
    """Where events took place: places with coordinates and their event counts by quad class."""
    source, params = once_sql(_where(filters), level, "e.place, e.place_country, e.lat, e.lon, e.quad_code")
    points = _records(
        cur,
        f"""SELECT e.place, e.place_country AS country, round(e.lat, 3) AS lat, round(e.lon, 3) AS lon,
                   count(*) AS events, count(*) FILTER (WHERE e.quad_code IN (3, 4)) AS conflict
            FROM {source} e WHERE e.lat IS NOT NULL AND e.lon IS NOT NULL
            GROUP BY ALL ORDER BY events DESC, place LIMIT ?""",
        [*params, limit],
    )
    countries = _records(
        cur,
        f"""SELECT e.place_country AS country, count(*) AS events FROM {source} e
            WHERE e.place_country IS NOT NULL GROUP BY ALL ORDER BY events DESC""",
        params,
    )
    return {"points": points, "countries": countries}
