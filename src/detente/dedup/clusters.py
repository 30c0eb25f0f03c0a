"""Event mentions → canonical events.

>>> summary = cluster_events(store)                    # doctest: +SKIP   (rebuild everything)
>>> summary = cluster_events(store, ["a17", "a18"])    # doctest: +SKIP   (after ingesting two articles)
>>> summary.mentions, summary.clusters                 # doctest: +SKIP
(299, 181)

A mention is one asserted event record (one sentence, one ordered dyad). Mentions are compared
only inside one article or across two articles that may report one story (copies of one text, or
articles sharing a top content term, published within ``STORY_DAYS``, with a content cosine of
at least ``SAME_ACTOR_COSINE``), which keeps the work near-linear in the number of mentions. Two
mentions are candidates when their dates can be the same day (a day from the text is [d, d+1],
for time zones; a publication-dated event [p-2, p]; a month or a year its whole span), their
places and modes agree (a phone call is not the meeting of the next day), and either their types
are compatible (``data/type_classes.tsv``) and they share a participant, or their articles are
very close (``SAME_STORY_STRONG_COSINE``) and they are on the same side of the
cooperation/conflict divide.

A candidate pair is linked when the participants agree and the reports are about the same story:
the same article, copies of one text, or a cosine of at least ``SAME_STORY_COSINE``
(``SAME_ACTOR_COSINE`` when they also name the same person or organisation). Linked mentions
form clusters by union-find, strongest links first, honouring a person's split and merge
decisions (``decisions.py``).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from detente.dedup.decisions import Constraints, load_constraints
from detente.dedup.links import SAME_ACTOR_COSINE, SAME_STORY_STRONG_COSINE, codes_agree, link_score, links_sql
from detente.dedup.summary import ALONE_SQL, cluster_id_for, rounded_confidence, summarise, summarise_table, with_date
from detente.dedup.unionfind import MentionComponents
from detente.store.database import Store

STORY_BLOCKING_TERMS = 8  # articles are story candidates when they share one of their top terms
STORY_DAYS = 14  # ...and were published within this many days of each other
MAX_DISTANCE_KM = 150.0
_DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def type_classes() -> dict[str, str]:
    rows: dict[str, str] = {}
    lines = [ln for ln in (_DATA / "type_classes.tsv").read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    for line in lines[1:]:
        event_type, cls = line.split("\t")
        rows[event_type] = cls
    return rows


_PRONOUNS = ("he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our", "him", "them", "us")


def _name_key(side: str) -> str:
    """SQL: a lowercase surname-like key of a side's name ("Mitt Romney", "Romney's" → romney),
    for actors the knowledge base does not know; NULL for pronouns and descriptions."""
    name = f"coalesce(e.{side}_name, e.{side}_text)"
    pronouns = ", ".join(f"'{p}'" for p in _PRONOUNS)
    return (
        f"CASE WHEN regexp_matches({name}, '^[A-Z]') AND lower({name}) NOT IN ({pronouns}) "
        f"THEN nullif(lower(regexp_extract({name}, '([A-Z][A-Za-z-]{{2,}})(?:''s|’s)?\\s*$', 1)), '') END"
    )


# An unidentified attacker carries the country where it struck (sector UNK, ICEWS's "Unidentified
# Gunmen (Iraq)"); for linking it stays an unknown side that any named attacker may fill.
_UNIDENTIFIED_AS_UNKNOWN = "CASE WHEN e.actor_sector = 'UNK' THEN NULL ELSE e.actor_code END"

_MENTIONS = """
    SELECT e.event_id, e.article_id, e.event, e.mode, {actor_code} AS actor_code, e.actor_sector, e.actor_name,
           e.recipient_code, e.recipient_sector, e.recipient_name, e.date_value, e.date_granularity,
           e.date_source, e.place, e.place_country, e.lat, e.lon, e.quad_code, e.event_scale, e.cameo,
           e.confidence, e.sentence, e.trigger_text, a.published, a.source,
           coalesce(g.dup_group, e.article_id) AS dup_group,
           coalesce(t.cls, e.event) AS type_class,
           {actor_key} AS actor_key, {recipient_key} AS recipient_key,
           list_filter([{actor_code}, e.recipient_code, 'n:' || {actor_key}, 'n:' || {recipient_key}],
                       lambda k: k IS NOT NULL) AS keys,
           CASE WHEN e.event_date IS NULL THEN a.published - 2
                WHEN e.date_granularity = 'day' AND e.date_source = 'publication' THEN e.event_date - 2
                ELSE e.event_date END AS lo,
           CASE WHEN e.event_date IS NULL THEN a.published
                WHEN e.date_granularity = 'day' AND e.date_source = 'publication' THEN e.event_date
                WHEN e.date_granularity = 'day' THEN e.event_date + 1
                WHEN e.date_granularity = 'month' THEN last_day(e.event_date)
                ELSE (e.event_date + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE END AS hi
    FROM events e JOIN articles a USING (article_id)
    LEFT JOIN article_groups g USING (article_id)
    LEFT JOIN _type_classes t ON t.type = e.event
    WHERE e.modality = 'asserted' {scope}
"""

# Mentions are compared only inside an article, or across two articles that may report one
# story: copies of one text, or articles that share one of their top terms, were published within
# STORY_DAYS of each other and have a content cosine of at least SAME_ACTOR_COSINE (no link across
# articles needs less). Blocking mentions by actor and week alone made the pairs grow with the
# square of how densely the mentions fill the calendar (138M pairs for 1M mentions over two years).
# Each step is a temp table, so DuckDB knows the real sizes when it plans the next join.
_ARTICLE_CANDIDATES = """
    CREATE OR REPLACE TEMP TABLE _article_candidates AS
    WITH arts AS (SELECT DISTINCT m.article_id, a.published FROM _mentions m JOIN articles a USING (article_id)),
    top AS (
        SELECT t.article_id, t.term FROM (
            SELECT article_id, term, row_number() OVER (PARTITION BY article_id ORDER BY weight DESC, term) AS r
            FROM article_terms WHERE article_id IN (SELECT article_id FROM arts)
        ) t WHERE t.r <= {terms}
    )
    SELECT DISTINCT t1.article_id AS ax, t2.article_id AS ay FROM top t1
    JOIN top t2 ON t1.term = t2.term AND t1.article_id < t2.article_id
    JOIN arts p1 ON p1.article_id = t1.article_id JOIN arts p2 ON p2.article_id = t2.article_id
    WHERE p1.published IS NULL OR p2.published IS NULL OR abs(date_diff('day', p1.published, p2.published)) <= {days}
"""
_CLOSE_ARTICLES = """
    CREATE OR REPLACE TEMP TABLE _close AS
    WITH cx AS MATERIALIZED (
        -- the first article's terms first: left to itself, DuckDB now and then joins the two
        -- articles' terms on the term first (3.6 billion rows at 1M mentions, 80 s instead of 2)
        SELECT c.ax, c.ay, x.term, x.weight FROM _article_candidates c JOIN article_terms x ON x.article_id = c.ax
    ),
    alike AS (
        SELECT cx.ax, cx.ay, sum(cx.weight * y.weight) AS cosine FROM cx
        JOIN article_terms y ON y.article_id = cx.ay AND y.term = cx.term
        GROUP BY cx.ax, cx.ay HAVING sum(cx.weight * y.weight) >= {weakest}
    ),
    groups AS (SELECT DISTINCT article_id, dup_group FROM _mentions),
    copies AS (
        SELECT g1.article_id AS ax, g2.article_id AS ay FROM groups g1
        JOIN groups g2 ON g1.dup_group = g2.dup_group AND g1.article_id < g2.article_id
    )
    SELECT coalesce(s.ax, d.ax) AS ax, coalesce(s.ay, d.ay) AS ay, coalesce(s.cosine, 0) AS cosine,
           d.ax IS NOT NULL AS same_group
    FROM alike s FULL OUTER JOIN copies d ON s.ax = d.ax AND s.ay = d.ay
"""
_PAIRS = """
    WITH m AS (SELECT * FROM _mentions WHERE lo IS NOT NULL),
    inside AS (
        SELECT x.event_id AS x, y.event_id AS y, true AS same_article, false AS same_group, 0.0 AS cosine
        FROM m x JOIN m y ON x.article_id = y.article_id AND x.event_id < y.event_id AND x.type_class = y.type_class
        WHERE list_has_any(x.keys, y.keys)
    ),
    across AS (
        SELECT least(x.event_id, y.event_id) AS x, greatest(x.event_id, y.event_id) AS y,
               false AS same_article, c.same_group, c.cosine
        FROM _close c JOIN m x ON x.article_id = c.ax JOIN m y ON y.article_id = c.ay
        WHERE (x.type_class = y.type_class AND list_has_any(x.keys, y.keys))
           OR (c.cosine >= {strong} AND (x.quad_code <= 2) = (y.quad_code <= 2))
    )
    SELECT p.x, p.y, p.same_article, p.same_group, p.cosine, mx.type_class = my.type_class AS same_class,
           (mx.quad_code <= 2) = (my.quad_code <= 2) AS same_side,
           -- the participants, for link scores in SQL ('' is no code, as in Python)
           nullif(mx.actor_code, '') AS xac, nullif(mx.recipient_code, '') AS xrc, mx.actor_key AS xak, mx.recipient_key AS xrk,
           nullif(my.actor_code, '') AS yac, nullif(my.recipient_code, '') AS yrc, my.actor_key AS yak, my.recipient_key AS yrk
    FROM (SELECT * FROM inside UNION ALL SELECT * FROM across) p
    JOIN m mx ON mx.event_id = p.x JOIN m my ON my.event_id = p.y
    WHERE mx.lo <= my.hi AND my.lo <= mx.hi
      AND NOT (mx.place_country IS NOT NULL AND my.place_country IS NOT NULL AND mx.place_country <> my.place_country)
      AND NOT (mx.mode IS NOT NULL AND my.mode IS NOT NULL AND mx.mode <> my.mode)
      AND NOT (mx.lat IS NOT NULL AND my.lat IS NOT NULL AND
               6371 * 2 * asin(sqrt(pow(sin(radians(my.lat - mx.lat) / 2), 2) +
                   cos(radians(mx.lat)) * cos(radians(my.lat)) * pow(sin(radians(my.lon - mx.lon) / 2), 2))) > {km})
"""


def _mentions_sql(scope: str) -> str:
    return _MENTIONS.format(scope=scope, actor_key=_name_key("actor"), recipient_key=_name_key("recipient"),
                            actor_code=_UNIDENTIFIED_AS_UNKNOWN)


@dataclass(slots=True)
class ClusterSummary:
    mentions: int = 0
    clusters: int = 0
    links: int = 0
    candidate_pairs: int = 0
    multi_article: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.mentions} asserted mentions → {self.clusters} canonical events "
            f"({self.multi_article} reported by several articles; {self.links} links of {self.candidate_pairs} candidate pairs)"
        )


def _scope_sql(store: Store, article_ids: Sequence[str] | None) -> str:
    """Incremental runs recluster the mentions of the new articles and of every article they can
    link with (copies, and articles sharing a top term within STORY_DAYS), with whole clusters."""
    if article_ids is None:
        return ""
    con = store.con
    con.execute("CREATE OR REPLACE TEMP TABLE _new_articles AS SELECT unnest(?::VARCHAR[]) AS article_id", [list(article_ids)])
    con.execute(f"CREATE OR REPLACE TEMP VIEW _all_mentions AS {_mentions_sql('')}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _scope AS
        WITH new_top AS (
            SELECT t.term, a.published FROM (
                SELECT article_id, term, row_number() OVER (PARTITION BY article_id ORDER BY weight DESC, term) AS r
                FROM article_terms WHERE article_id IN (SELECT article_id FROM _new_articles)
            ) t JOIN articles a USING (article_id) WHERE t.r <= {STORY_BLOCKING_TERMS}
        ),
        -- articles a new one can link with: its copies, and those sharing a top term (in their own
        -- top terms or not: a superset of the story candidates is enough) within STORY_DAYS
        near_articles AS (
            SELECT article_id FROM _new_articles
            UNION SELECT g2.article_id FROM article_groups g1 JOIN article_groups g2 USING (dup_group)
                  WHERE g1.article_id IN (SELECT article_id FROM _new_articles)
            UNION SELECT t.article_id FROM article_terms t JOIN new_top n ON n.term = t.term
                  JOIN articles a ON a.article_id = t.article_id
                  WHERE n.published IS NULL OR a.published IS NULL
                     OR abs(date_diff('day', n.published, a.published)) <= {STORY_DAYS}
        ),
        near AS (SELECT event_id FROM _all_mentions WHERE article_id IN (SELECT article_id FROM near_articles)),
        -- clusters to rebuild: those of the nearby mentions, and those the new articles were in
        -- before (a recoded article may have left a cluster that is nowhere near its new events)
        affected AS (
            SELECT DISTINCT cluster_id FROM mention_clusters
            WHERE event_id IN (SELECT event_id FROM near) OR article_id IN (SELECT article_id FROM _new_articles)
        )
        SELECT event_id FROM near
        UNION SELECT event_id FROM mention_clusters WHERE cluster_id IN (SELECT cluster_id FROM affected)"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _affected AS
           SELECT DISTINCT cluster_id FROM mention_clusters
           WHERE event_id IN (SELECT event_id FROM _scope) OR article_id IN (SELECT article_id FROM _new_articles)"""
    )
    return "AND e.event_id IN (SELECT event_id FROM _scope)"


def cluster_events(store: Store, article_ids: Sequence[str] | None = None, *, fast: bool = True) -> ClusterSummary:
    """(Re)build the canonical events: all of them, or those the given new articles touch.

    ``fast=False`` takes the general path: every mention a Python dict, every candidate pair
    scored by ``link_score``, every cluster summarised by ``summarise``. The fast path gives the
    same clusters (tests/dedup/test_cluster_paths.py) while leaving in DuckDB what needs no
    Python: the link scores, and the mentions no link joins (half of all), whose canonical event
    is the mention itself (``summary.ALONE_SQL``). Mention ids that repeat (the schema allows
    it) take the general path."""
    started = time.monotonic()
    con = store.con
    classes = pa.table({"type": list(type_classes()), "cls": list(type_classes().values())})
    con.register("_type_classes", classes)
    try:
        scope = _scope_sql(store, article_ids)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _mentions AS {_mentions_sql(scope)}")
        con.execute(_ARTICLE_CANDIDATES.format(terms=STORY_BLOCKING_TERMS, days=STORY_DAYS))
        con.execute(_CLOSE_ARTICLES.format(weakest=SAME_ACTOR_COSINE))
        con.execute(f"CREATE OR REPLACE TEMP TABLE _pairs AS {_PAIRS.format(strong=SAME_STORY_STRONG_COSINE, km=MAX_DISTANCE_KM)}")
    finally:
        con.unregister("_type_classes")
    (mentions, distinct, pairs), = con.sql(
        "SELECT (SELECT count(*) FROM _mentions), (SELECT count(DISTINCT event_id) FROM _mentions), (SELECT count(*) FROM _pairs)"
    ).fetchall()
    with _no_cyclic_gc():
        if fast and mentions == distinct:
            links, clusters, multi_article = _fast_path(store, article_ids, mentions)
        else:
            links, clusters, multi_article = _general_path(store, article_ids)
    return ClusterSummary(
        mentions=distinct, clusters=clusters, links=links, candidate_pairs=pairs,
        multi_article=multi_article, seconds=time.monotonic() - started,
    )


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector: building millions of dicts and tuples (none in a cycle) sets
    it off again and again, and each full pass walks all of them (a third of the Python time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _join(components: MentionComponents, constraints: Constraints, links: Iterable[tuple[str, str]]) -> int:
    """Union the must-link pairs of decisions, then the links strongest first; the unions made."""
    made = 0
    for a, b in constraints.together:
        if a in components.attrs and b in components.attrs:
            made += components.union(a, b)
    for x, y in links:
        made += components.union(x, y)
    return made


def _clear(store: Store, article_ids: Sequence[str] | None) -> None:
    """Remove the clusters this run rebuilds (inside the caller's transaction)."""
    con = store.con
    if article_ids is None:
        con.execute("DELETE FROM mention_clusters")
        con.execute("DELETE FROM event_clusters")
    else:
        con.execute("DELETE FROM event_clusters WHERE cluster_id IN (SELECT cluster_id FROM _affected)")
        con.execute(
            """DELETE FROM mention_clusters WHERE cluster_id IN (SELECT cluster_id FROM _affected)
               OR event_id IN (SELECT event_id FROM _mentions)"""
        )


def _general_path(store: Store, article_ids: Sequence[str] | None) -> tuple[int, int, int]:
    # every mention a dict, every pair scored and every cluster summarised in Python
    con = store.con
    relation = con.sql("SELECT * EXCLUDE (lo, hi, keys) FROM _mentions ORDER BY event_id")
    columns = [d[0] for d in relation.description]
    rows = {r[0]: dict(zip(columns, r, strict=True)) for r in relation.fetchall()}
    pairs = con.sql("SELECT x, y, same_article, same_group, cosine, same_class, same_side FROM _pairs").fetchall()
    constraints = load_constraints(store, rows.keys())
    components = MentionComponents(
        {i: (r["article_id"], r["type_class"], r["mode"], r["actor_code"], r["recipient_code"]) for i, r in rows.items()},
        constraints.tags,
    )
    scored = []
    for x, y, same_article, same_group, cosine, same_class, same_side in pairs:
        score = link_score(rows[x], rows[y], same_article, same_group, cosine) if same_class else 0.0
        if not score and not same_article and same_side and cosine >= SAME_STORY_STRONG_COSINE \
                and codes_agree(rows[x], rows[y]):
            score = 1.0 + cosine
        scored.append((score, x, y))
    scored.sort(key=lambda p: (-p[0], p[1], p[2]))
    links = _join(components, constraints, ((x, y) for score, x, y in scored if score > 0))
    members: dict[str, list[str]] = {}
    for event_id in rows:
        members.setdefault(components.find(event_id), []).append(event_id)
    clusters, mention_rows = [], []
    for group in members.values():
        cid = cluster_id_for(group)
        clusters.append(summarise(cid, [rows[e] for e in group]))
        mention_rows.extend({"event_id": e, "article_id": rows[e]["article_id"], "cluster_id": cid} for e in group)
    with store.transaction():
        _clear(store, article_ids)
        store.insert_rows("event_clusters", [with_date(c) for c in clusters])
        store.insert_rows("mention_clusters", mention_rows)
    return links, len(clusters), sum(c["n_articles"] > 1 for c in clusters)


def _fast_path(store: Store, article_ids: Sequence[str] | None, mentions: int) -> tuple[int, int, int]:
    # Python objects only for what needs Python: the links (scored in SQL), the mentions they may
    # join, and the clusters of two or more mentions; a million-mention rebuild had kept all of
    # them as dicts (6 GB) and scored 2.8M pairs one by one.
    con = store.con
    con.execute(links_sql())
    linked = con.sql("SELECT x, y FROM _links WHERE score > 0 ORDER BY score DESC, x, y").to_arrow_table()
    # the decisions about mentions in this run (load_constraints drops the others)
    decided = [r[0] for r in con.sql(
        """SELECT DISTINCT m FROM (SELECT unnest(list_concat(mentions, others)) AS m FROM cluster_decisions)
           WHERE m IN (SELECT event_id FROM _mentions)"""
    ).fetchall()]
    constraints = load_constraints(store, decided)
    # what the union checks need, for the mentions a link or a decision may join
    attrs = {r[0]: r[1:] for r in con.execute(
        """SELECT event_id, article_id, type_class, mode, actor_code, recipient_code FROM _mentions
           WHERE event_id IN (SELECT x FROM _links WHERE score > 0 UNION SELECT y FROM _links WHERE score > 0
                              UNION SELECT unnest(?::VARCHAR[]))""", [decided]
    ).fetchall()}
    components = MentionComponents(attrs, constraints.tags)
    links = _join(components, constraints, zip(linked.column("x").to_pylist(), linked.column("y").to_pylist(), strict=True))
    del linked
    groups: dict[str, list[str]] = {}
    for event_id in components.parent:
        groups.setdefault(components.find(event_id), []).append(event_id)
    ids, cids = [], []
    for root, group in groups.items():
        if len(group) > 1:  # a group's root is its smallest id
            ids.extend(group)
            cids.extend([cluster_id_for((root,))] * len(group))
    del groups, attrs, components
    members = pa.table({"event_id": pa.array(ids, pa.string()), "cluster_id": pa.array(cids, pa.string())})
    with _registered(con, "_members", members):
        # the clusters of two or more mentions, summarised in Python
        combined = summarise_table(
            con.sql(
                """SELECT s.cluster_id AS _cluster, m.* EXCLUDE (lo, hi, keys, type_class, actor_key, recipient_key)
                   FROM _mentions m JOIN _members s ON s.event_id = m.event_id ORDER BY m.event_id"""
            ).to_arrow_table(),
            con.sql("SELECT * FROM event_clusters LIMIT 0").to_arrow_table().schema,
        )
        # the mentions left alone, in SQL, with their confidence rounded in Python as _alone rounds it
        alone = con.sql(
            "SELECT DISTINCT coalesce(confidence, 0.0)::DOUBLE AS c FROM _mentions ANTI JOIN _members USING (event_id)"
        ).to_arrow_table().column("c").to_pylist()
        rounding = pa.table({"c": pa.array(alone, pa.float64()), "rounded": [rounded_confidence(c) for c in alone]})
        source = """_mentions m ANTI JOIN _members s ON s.event_id = m.event_id
                    JOIN _rounding r ON r.c = coalesce(m.confidence, 0.0)::DOUBLE"""
        with _registered(con, "_rounding", rounding), _registered(con, "_combined", combined), store.transaction():
            _clear(store, article_ids)
            con.execute("INSERT INTO event_clusters BY NAME SELECT * FROM _combined")
            con.execute(f"INSERT INTO event_clusters BY NAME {ALONE_SQL.format(source=source)}")
            con.execute(
                """INSERT INTO mention_clusters (event_id, article_id, cluster_id)
                   SELECT m.event_id, m.article_id, coalesce(s.cluster_id, 'c' || substr(sha1(m.event_id), 1, 19))
                   FROM _mentions m LEFT JOIN _members s ON s.event_id = m.event_id"""
            )
    multi = sum(n > 1 for n in combined.column("n_articles").to_pylist())
    return links, combined.num_rows + mentions - len(ids), multi


@contextmanager
def _registered(con: Any, name: str, table: pa.Table) -> Iterator[None]:
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)
