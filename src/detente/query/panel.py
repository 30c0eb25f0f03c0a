"""Event lists and the unit-period panel that most event-data analysis starts from.

>>> panel_sql(EventFilter(), unit="dyad", freq="month", measure="count")[0]   # doctest: +SKIP
'WITH ev AS (...) SELECT period, actor, recipient, events, articles FROM ...'

A panel is *tidy*: one row per unit and period, every period between the first and the last
(or ``since``/``until``) present for every unit, with zeros where nothing happened, and the
number of coded articles published in the period, so that counts can be normalised for the
volume of news (more articles → more events, whatever happened).
"""

from __future__ import annotations

from typing import Any

from detente.query.filters import EventFilter

LEVELS = ("event", "mention")
# Canonical events as filters and panels see them: a reciprocal event (a meeting of A and B) is
# stored once, A→B, and appears here a second time as B→A, so that directed dyads, actors and
# recipients count it on both sides; ``flipped`` tells the copies apart.
EVENT_SOURCE = """(
    SELECT *, false AS flipped FROM event_clusters
    UNION ALL
    SELECT * REPLACE (recipient_code AS actor_code, actor_code AS recipient_code,
                      recipient_sector AS actor_sector, actor_sector AS recipient_sector,
                      recipient_name AS actor_name, actor_name AS recipient_name), true AS flipped
    FROM event_clusters WHERE reciprocal
)"""
# what a row is: a canonical event (a cluster of mentions, dedup/clusters.py) or one mention
TABLES = {"event": EVENT_SOURCE, "mention": "events"}

MENTION_COLUMNS = (
    "e.event_id", "mc.cluster_id", "e.article_id", "e.date_value AS date", "e.event", "e.mode",
    "e.actor_code", "e.actor_sector", "coalesce(e.actor_name, e.actor_text) AS actor",
    "e.recipient_code", "e.recipient_sector", "coalesce(e.recipient_name, e.recipient_text) AS recipient",
    "e.place", "e.place_country", "e.quad_code", "e.event_scale", "e.cameo", "e.modality", "e.confidence",
    "e.trigger_text AS trigger", "e.sentence", "a.title", "a.source", "a.url", "a.published",
)
CLUSTER_COLUMNS = (
    "e.cluster_id", "e.date_value AS date", "e.event", "e.mode",
    "e.actor_code", "e.actor_sector", "e.actor_name AS actor",
    "e.recipient_code", "e.recipient_sector", "e.recipient_name AS recipient",
    "e.place", "e.place_country", "e.quad_code", "e.event_scale", "e.cameo", "e.confidence",
    "e.n_mentions", "e.n_articles", "e.n_sources", "e.reciprocal", "e.first_reported", "e.last_reported",
    "e.trigger_text AS trigger", "e.sentence", "e.article_id", "a.title", "a.source", "a.url",
)

UNITS = {
    "dyad": ("actor", "recipient"),
    "actor": ("actor",),
    "recipient": ("recipient",),
    "country": ("country",),
    "place": ("country",),
}
FREQUENCIES = ("day", "week", "month", "year")
MEASURES = ("count", "intensity", "quad-counts")

# An event dated only to its month cannot be put on a day: each frequency takes the events whose
# date is at least that precise.
_GRANULARITIES = {
    "day": ("day",), "week": ("day",), "month": ("day", "month"), "year": ("day", "month", "year"),
}


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"level {level!r}: use event (canonical events, each counted once) or mention")
    return level


def events_sql(where: EventFilter, limit: int | None = None, level: str = "event") -> tuple[str, list[Any]]:
    """Events (canonical, or every mention with its cluster) matching ``where``, oldest first."""
    clause, params = where.sql()
    order = "ORDER BY e.event_date, e.first_reported, e.cluster_id"
    if check_level(level) == "event" and not where.directional:
        query = f"SELECT {', '.join(CLUSTER_COLUMNS)} FROM event_clusters e JOIN articles a USING (article_id) WHERE {clause} {order}"
    elif level == "event":
        # find the matching copy of each event on narrow rows first, then fetch the wide ones
        query = (
            f"WITH hits AS (SELECT e.cluster_id, e.flipped FROM {EVENT_SOURCE} e WHERE {clause} "
            "QUALIFY row_number() OVER (PARTITION BY e.cluster_id ORDER BY e.flipped) = 1) "
            f"SELECT {', '.join(CLUSTER_COLUMNS)} FROM hits h "
            f"JOIN {EVENT_SOURCE} e ON e.cluster_id = h.cluster_id AND e.flipped = h.flipped "
            f"JOIN articles a USING (article_id) {order}"
        )
    else:
        query = (
            f"SELECT {', '.join(MENTION_COLUMNS)} FROM events e JOIN articles a USING (article_id) "
            f"LEFT JOIN mention_clusters mc ON mc.event_id = e.event_id AND mc.article_id = e.article_id "
            f"WHERE {clause} ORDER BY e.event_date, e.article_id, e.sentence_seq"
        )
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    return query, params


def count_sql(where: EventFilter, level: str = "event") -> tuple[str, list[Any]]:
    """How many events ``events_sql`` would list, computed on narrow rows."""
    clause, params = where.sql()
    if check_level(level) == "mention":
        return f"SELECT count(*) FROM events e WHERE {clause}", params
    if not where.directional:
        return f"SELECT count(*) FROM event_clusters e WHERE {clause}", params
    return f"SELECT count(DISTINCT e.cluster_id) FROM {EVENT_SOURCE} e WHERE {clause}", params


def once_sql(where: EventFilter, level: str, columns: str) -> tuple[str, list[Any]]:
    """A subquery of the filtered events with each canonical event once (the copy of a reciprocal
    event that matches a directional filter), with only ``columns`` (``e.``-qualified)."""
    clause, params = where.sql()
    if check_level(level) == "mention":
        return f"(SELECT {columns} FROM events e WHERE {clause})", params
    if not where.directional:
        return f"(SELECT {columns} FROM event_clusters e WHERE {clause})", params
    return (
        f"(SELECT {columns} FROM {EVENT_SOURCE} e WHERE {clause} "
        "QUALIFY row_number() OVER (PARTITION BY e.cluster_id ORDER BY e.flipped) = 1)"
    ), params


def _unit_rows(unit: str, table: str) -> str:
    """The events of the filter, with the panel unit as columns (``country``: each side once)."""
    base = "SELECT e.*, date_trunc('{freq}', e.event_date)::DATE AS period FROM %s e WHERE {where}" % table
    if unit == "dyad":
        return f"SELECT period, actor_code AS actor, recipient_code AS recipient, quad_code, event_scale FROM ({base}) WHERE actor_code IS NOT NULL AND recipient_code IS NOT NULL"
    if unit in ("actor", "recipient"):
        return f"SELECT period, {unit}_code AS {unit}, quad_code, event_scale FROM ({base}) WHERE {unit}_code IS NOT NULL"
    if unit == "place":
        return f"SELECT period, place_country AS country, quad_code, event_scale FROM ({base}) WHERE place_country IS NOT NULL"
    # country: every event involving the country, counted once even when it is on both sides
    return (
        f"SELECT period, actor_code AS country, quad_code, event_scale FROM ({base}) WHERE actor_code IS NOT NULL "
        f"UNION ALL SELECT period, recipient_code AS country, quad_code, event_scale FROM ({base}) "
        "WHERE recipient_code IS NOT NULL AND recipient_code IS DISTINCT FROM actor_code"
    )


def _measure_columns(measure: str) -> tuple[str, str]:
    """(aggregates over events, zero-filled output columns)."""
    if measure == "count":
        return "count(*) AS events", "coalesce(c.events, 0) AS events"
    if measure == "intensity":
        return (
            "count(*) AS events, sum(event_scale) AS intensity_sum, avg(event_scale) AS intensity_mean",
            "coalesce(c.events, 0) AS events, coalesce(c.intensity_sum, 0) AS intensity_sum, c.intensity_mean",
        )
    names = ("q1_verbal_coop", "q2_material_coop", "q3_verbal_conflict", "q4_material_conflict")
    aggregates = ", ".join(f"count(*) FILTER (WHERE quad_code = {i}) AS {n}" for i, n in enumerate(names, 1))
    output = ", ".join(f"coalesce(c.{n}, 0) AS {n}" for n in names)
    return f"count(*) AS events, {aggregates}", f"coalesce(c.events, 0) AS events, {output}"


def panel_sql(
    where: EventFilter, unit: str = "dyad", freq: str = "month", measure: str = "count", level: str = "event"
) -> tuple[str, list[Any]]:
    """SQL for the zero-filled panel of ``unit`` by ``freq`` (see the module docstring), counting
    canonical events (``level="event"``) or mentions."""
    if unit not in UNITS:
        raise ValueError(f"unit {unit!r}: use one of {', '.join(UNITS)}")
    if freq not in FREQUENCIES:
        raise ValueError(f"freq {freq!r}: use one of {', '.join(FREQUENCIES)}")
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r}: use one of {', '.join(MEASURES)}")
    clause, params = where.sql()
    precise = ", ".join(f"'{g}'" for g in _GRANULARITIES[freq])
    clause = f"{clause} AND e.event_date IS NOT NULL AND e.date_granularity IN ({precise})"
    table = TABLES[check_level(level)]
    if level == "event" and unit in ("country", "place"):
        table = "event_clusters"  # each side once: the reciprocal copy would count both sides twice
    rows = _unit_rows(unit, table).format(freq=freq, where=clause)
    if unit == "country":
        params = params + params  # the clause appears twice
    keys = UNITS[unit]
    key_list = ", ".join(keys)
    aggregates, outputs = _measure_columns(measure)
    low = f"date_trunc('{freq}', ?::DATE)::DATE" if where.since else "(SELECT min(period) FROM ev)"
    high = f"date_trunc('{freq}', ?::DATE)::DATE" if where.until else "(SELECT max(period) FROM ev)"
    bound_params = [p for p in (where.since, where.until) if p]
    query = f"""
        WITH ev AS ({rows}),
        bounds AS (SELECT {low} AS lo, {high} AS hi),
        periods AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 {freq}))::DATE AS period FROM bounds WHERE lo IS NOT NULL),
        units AS (SELECT DISTINCT {key_list} FROM ev),
        counts AS (SELECT period, {key_list}, {aggregates} FROM ev GROUP BY period, {key_list}),
        volume AS (
            SELECT date_trunc('{freq}', published)::DATE AS period, count(*) AS articles
            FROM articles WHERE status = 'coded' AND published IS NOT NULL GROUP BY 1
        )
        SELECT p.period, {', '.join(f'u.{k}' for k in keys)}, {outputs}, coalesce(v.articles, 0) AS articles
        FROM periods p CROSS JOIN units u
        LEFT JOIN counts c ON c.period = p.period AND {' AND '.join(f'c.{k} = u.{k}' for k in keys)}
        LEFT JOIN volume v ON v.period = p.period
        ORDER BY {', '.join(f'u.{k}' for k in keys)}, p.period
    """
    return query, params + bound_params
