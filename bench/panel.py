"""Panel and filtered-event queries over synthetic stores of 1M and 10M event mentions.

    python bench/panel.py [--sizes 1000000,10000000] [--rounds 3] [--levels event,mention]

Each size runs in a fresh child process (so the 1M run's memory cannot hide the 10M one's):
it creates a DuckDB store with ``Store.open`` (the real schema and indexes), fills ``events``,
a matching ``articles`` table (one article per 8 events), ``event_clusters`` and
``mention_clusters`` with ``INSERT ... SELECT`` over ``range(n)``, closes it, reopens it
read-only (timed: the numbers are for a fresh buffer pool, though the OS file cache is warm)
and times the queries below through ``Dataset``, alternating them round by round and keeping
each one's fastest round.

The data are reproducible: every random choice is a hash of the row number, not ``random()``,
whose order depends on DuckDB's threads. Countries (60) are Zipf-distributed for actor and
recipient, event types are skewed towards verbal cooperation, dates are days over 2015-2024
with a few percent dated only to the month or year, and most events are asserted.
Both query levels are timed: ``event`` (canonical events, ``event_clusters``, the API's default;
7 per 8 mentions here) and ``mention`` (every coded mention, ``events``, with its cluster link).
The issue's goal: the dyad-month panel over 10M events in at most 2 s on this machine.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

GOAL_EVENTS, GOAL_SECONDS = 10_000_000, 2.0
EVENTS_PER_ARTICLE = 8

# Rough order of how often countries appear in international news: rank 0 is the most frequent.
COUNTRIES = (
    "USA", "RUS", "CHN", "GBR", "FRA", "DEU", "IRN", "ISR", "UKR", "SYR", "TUR", "IND", "PAK", "JPN", "KOR",
    "PRK", "SAU", "EGY", "IRQ", "AFG", "PSE", "LBN", "YEM", "LBY", "ITA", "ESP", "POL", "BRA", "MEX", "CAN",
    "AUS", "NGA", "ZAF", "KEN", "ETH", "SDN", "SSD", "SOM", "MLI", "VEN", "COL", "CUB", "QAT", "ARE", "JOR",
    "GRC", "BLR", "GEO", "ARM", "AZE", "KAZ", "IDN", "PHL", "VNM", "MMR", "THA", "BGD", "LKA", "NLD", "BEL",
)
# Most frequent first, as in coded news: talk is commoner than force.
TYPE_ORDER = (
    "CONSULT", "ACCUSE", "SUPPORT", "AGREE", "REQUEST", "ASSAULT", "COOPERATE", "REJECT",
    "THREATEN", "PROTEST", "AID", "SANCTION", "COERCE", "MOBILIZE", "CONCEDE", "RETREAT",
)
SECTORS = ("GOV", "GOV", "GOV", "MIL", "CVL", "BUS", "REB", "OPP")
OUTLETS = ("Wire A", "Wire B", "Daily C", "Broadcaster D", "Weekly E")


def _sql_list(values: tuple[Any, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" if isinstance(v, str) else repr(v) for v in values) + "]"


def _event_types() -> tuple[tuple[int, ...], tuple[float, ...], tuple[str, ...]]:
    """Quad, default intensity and CAMEO root of each type in ``TYPE_ORDER``, from the ontology."""
    from detente.ontology import load_ontology

    onto = load_ontology()
    kinds = [onto.event_types[t] for t in TYPE_ORDER]
    return tuple(k.quad for k in kinds), tuple(float(k.intensity) for k in kinds), tuple(k.cameo_root for k in kinds)


MACROS = (
    # A uniform number in [0, 1) from a row number and a salt: same data on every run and thread.
    "CREATE TEMP MACRO uni(x, salt) AS (hash(x, salt) % 1000003) / 1000003.0",
    # Rank 0..m-1 with P(k) proportional to log((k+2)/(k+1)): Zipf-like, exponent about 1.
    "CREATE TEMP MACRO zipf(u, m) AS least(m - 1, floor(exp(u * ln(m + 1)))::INTEGER - 1)",
    "CREATE TEMP MACRO article_key(j) AS substr(md5('article-' || j), 1, 20)",
    "CREATE TEMP MACRO pub_offset(j) AS (hash(j, 7) % 3653)::INTEGER",  # 2015-01-01 .. 2024-12-31
)


def generate(con: Any, n: int, clusters: bool = True) -> None:
    """Fill ``events`` with ``n`` mentions and ``articles`` with one row per 8 of them; with
    ``clusters``, also the canonical events (``event_clusters``: 7 per 8 mentions, half the
    meetings, agreements and cooperation reciprocal) and ``mention_clusters``."""
    quads, scales, cameos = _event_types()
    for macro in MACROS:
        con.execute(macro)
    con.execute(f"""
        INSERT INTO articles BY NAME
        SELECT article_key(j) AS article_id, 'bench-' || j AS source_id, md5('text-' || j) AS content_hash,
               'https://example.org/bench/' || j AS url, 'Synthetic article ' || j AS title,
               {_sql_list(OUTLETS)}[(hash(j, 5) % {len(OUTLETS)})::INTEGER + 1] AS source,
               DATE '2015-01-01' + pub_offset(j) AS published, 'record' AS published_from,
               'en' AS language, 0.99 AS language_confidence, 'coded' AS status,
               least({EVENTS_PER_ARTICLE}, {n} - j * {EVENTS_PER_ARTICLE})::INTEGER AS n_events,
               'Synthetic article ' || j || '.' AS text, 'bench' AS coder, 'synthetic' AS model,
               TIMESTAMP '2025-01-01 00:00:00' AS ingested_at, TIMESTAMP '2025-01-01 00:00:00' AS coded_at,
               'bench' AS run_id
        FROM range(({n} + {EVENTS_PER_ARTICLE - 1}) // {EVENTS_PER_ARTICLE}) t(j)
    """)
    m, k = len(COUNTRIES), len(TYPE_ORDER)
    countries, sectors = _sql_list(COUNTRIES), _sql_list(SECTORS)
    con.execute(f"""
        INSERT INTO events BY NAME
        WITH draw AS (
            SELECT i, i // {EVENTS_PER_ARTICLE} AS j,
                   zipf(uni(i, 1), {m}) AS a, zipf(uni(i, 2), {m}) AS r, uni(i, 3) AS no_recipient,
                   uni(i, 4) AS domestic, zipf(uni(i, 6), {k}) + 1 AS t, uni(i, 9) AS precision,
                   uni(i, 10) AS modal, uni(i, 11) AS place_draw
            FROM range({n}) t(i)
        ), coded AS (
            SELECT *, {countries}[a + 1] AS actor_code,
                   CASE WHEN no_recipient < 0.05 THEN NULL
                        WHEN r = a AND domestic >= 0.1 THEN {countries}[(r + 1) % {m} + 1]
                        ELSE {countries}[r + 1] END AS recipient_code,
                   {_sql_list(TYPE_ORDER)}[t] AS event,
                   DATE '2015-01-01' + greatest(0, pub_offset(j) - (hash(i, 8) % 4)::INTEGER) AS day,
                   substr(md5('event-' || i), 1, 20) AS event_id
            FROM draw
        )
        SELECT event_id, article_key(j) AS article_id, event_id AS group_id, event,
               actor_code, {sectors}[(hash(i, 12) % 8)::INTEGER + 1] AS actor_sector, actor_code AS actor_text,
               recipient_code, CASE WHEN recipient_code IS NOT NULL THEN {sectors}[(hash(i, 13) % 8)::INTEGER + 1] END
                   AS recipient_sector, recipient_code AS recipient_text,
               CASE WHEN precision < 0.04 THEN date_trunc('month', day)::DATE
                    WHEN precision < 0.05 THEN date_trunc('year', day)::DATE ELSE day END AS event_date,
               CASE WHEN precision < 0.04 THEN strftime(day, '%Y-%m')
                    WHEN precision < 0.05 THEN strftime(day, '%Y') ELSE strftime(day, '%Y-%m-%d') END AS date_value,
               CASE WHEN precision < 0.04 THEN 'month' WHEN precision < 0.05 THEN 'year' ELSE 'day' END
                   AS date_granularity,
               'text' AS date_source,
               CASE WHEN place_draw < 0.5 THEN actor_code WHEN place_draw < 0.8 THEN recipient_code END AS place_country,
               {_sql_list(quads)}[t] AS quad_code, {_sql_list(scales)}[t] AS event_scale, {_sql_list(cameos)}[t] AS cameo,
               CASE WHEN modal < 0.88 THEN 'asserted' WHEN modal < 0.92 THEN 'future' WHEN modal < 0.95 THEN 'negated'
                    WHEN modal < 0.98 THEN 'speculative' ELSE 'alleged' END AS modality,
               0.5 + uni(i, 14) / 2 AS confidence, (i % {EVENTS_PER_ARTICLE})::INTEGER AS sentence_seq,
               (i % {EVENTS_PER_ARTICLE})::INTEGER * 120 AS sentence_start,
               (i % {EVENTS_PER_ARTICLE})::INTEGER * 120 + 100 AS sentence_end,
               concat_ws(' ', actor_code, lower(event), recipient_code, '(synthetic event ' || i || ').') AS sentence,
               lower(event) AS trigger_text, 'synthetic' AS rule, 'bench' AS coder, 'synthetic' AS model,
               '{{"event": "' || event || '", "event_id": "' || event_id || '", "synthetic": true}}' AS record
        FROM coded
    """)
    if not clusters:
        return
    # Read back from the stored events rather than generated again: a scan is far cheaper than
    # the hashing above. Sentence 4 of an article reports the same event as its sentence 3.
    cluster = "substr(md5(e.article_id || ':' || CASE WHEN e.sentence_seq = 4 THEN 3 ELSE e.sentence_seq END), 1, 20)"
    con.execute(f"""
        INSERT INTO event_clusters BY NAME
        SELECT {cluster} AS cluster_id, e.event, e.actor_code, e.actor_sector, e.recipient_code,
               e.recipient_sector, e.event_date, e.date_value, e.date_granularity, e.place_country, e.quad_code,
               e.event_scale, e.cameo, e.modality, e.confidence, size AS n_mentions, size AS n_articles,
               size AS n_sources, size AS n_outlets, a.published AS first_reported, a.published AS last_reported,
               e.article_id, e.event_id, e.sentence, e.trigger_text,
               e.event IN ('CONSULT', 'AGREE', 'COOPERATE') AND e.recipient_code IS NOT NULL
                   AND e.recipient_code <> e.actor_code AND hash(e.event_id) % 2 = 0 AS reciprocal
        FROM events e JOIN articles a USING (article_id),
             LATERAL (SELECT CASE WHEN e.sentence_seq = 3 AND a.n_events > 4 THEN 2 ELSE 1 END AS size)
        WHERE e.sentence_seq <> 4
    """)
    con.execute(f"INSERT INTO mention_clusters SELECT e.event_id, e.article_id, {cluster} FROM events e")


def _queries(data: Any, level: str) -> list[tuple[str, Callable[[], Any]]]:
    from detente.query.filters import EventFilter

    everything = EventFilter()
    talks = EventFilter(dyad="USA-RUS", types=("CONSULT",), since=date(2016, 1, 1))

    def panel(unit: str, freq: str, measure: str, where: EventFilter, as_: str = "arrow") -> Callable[[], Any]:
        return lambda: data.panel(unit, freq, measure, where, level=level, as_=as_)

    return [
        ("a  dyad-month count panel", panel("dyad", "month", "count", everything)),
        ("a' the same as a pandas frame", panel("dyad", "month", "count", everything, "pandas")),
        ("b  dyad-month quad-counts panel", panel("dyad", "month", "quad-counts", everything)),
        ("c  country-year intensity panel", panel("country", "year", "intensity", everything)),
        ("d  actor-week panel, actor USA", panel("actor", "week", "count", EventFilter(actor="USA"))),
        ("e  USA-RUS CONSULT since 2016, limit 1000", lambda: data.events(talks, level=level, limit=1000, as_="arrow")),
        ("f  the same, no limit, pandas frame", lambda: data.events(talks, level=level)),
    ]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_peak_rss() -> bool:
    """Start ``ru_maxrss`` again from the current RSS (Linux), so that the queries' peak is not
    the generation's; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _child(n: int, rounds: int, levels: list[str]) -> dict[str, Any]:
    importlib.import_module("pandas")  # before the clock: its import is not a query's cost

    from detente.query.dataset import Dataset
    from detente.store.database import Store

    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        db = Path(tmp) / "panel.duckdb"
        start = time.perf_counter()
        with Store.open(db) as store:
            store.con.execute("SET enable_progress_bar = false")
            generate(store.con, n, clusters="event" in levels)
            counts = store.counts()
            counts["canonical"] = store.con.sql("SELECT count(*) FROM event_clusters").fetchall()[0][0]
        generated = time.perf_counter() - start  # includes the checkpoint on close
        rss_generated = _rss_mb()
        db_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
        reset = _reset_peak_rss()

        start = time.perf_counter()
        data = Dataset.open(db)
        opened = time.perf_counter() - start
        with data:
            data.store.con.execute("SET enable_progress_bar = false")
            queries = [(f"{level:8}{name}", run) for level in levels for name, run in _queries(data, level)]
            best: dict[str, float] = {}
            first: dict[str, float] = {}
            rows: dict[str, int] = {}
            for _ in range(rounds):
                for name, run in queries:
                    start = time.perf_counter()
                    frame = run()
                    elapsed = time.perf_counter() - start
                    first.setdefault(name, elapsed)
                    best[name] = min(best.get(name, elapsed), elapsed)
                    rows[name] = len(frame)
                    del frame
    return {
        **counts, "generate_seconds": generated, "db_mb": db_mb, "open_seconds": opened,
        "rss_generated_mb": rss_generated, "rss_end_mb": _rss_mb(), "rss_reset": reset,
        "queries": [{"name": name, "rows": rows[name], "first": first[name], "best": best[name]} for name, _ in queries],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated numbers of event mentions")
    parser.add_argument("--rounds", type=int, default=3, help="runs per query, alternating; the fastest counts")
    parser.add_argument("--levels", default="event,mention",
                        help="event (canonical events, the default of the query API) and/or mention")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    levels = [v.strip() for v in args.levels.split(",") if v.strip()]
    if not levels or set(levels) - {"event", "mention"}:
        parser.error("--levels: event, mention or both")
    if args.child:
        print(json.dumps(_child(args.child, args.rounds, levels)))
        return
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    goals: list[str] = []
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; other work skews the times)")
    for n in sizes:
        print(f"\n{n:,} event mentions: generating, then querying ...", flush=True)
        out = subprocess.run([sys.executable, __file__, "--child", str(n), "--rounds", str(args.rounds),
                              "--levels", ",".join(levels)], stdout=subprocess.PIPE, text=True)
        if out.returncode != 0:
            sys.exit(f"the {n:,}-event run failed (its error is above)")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['events']:,} mentions (events), {r['canonical']:,} canonical events (event_clusters), "
              f"{r['articles']:,} articles: generated in {r['generate_seconds']:.1f} s "
              f"(real schema and indexes; includes closing)")
        print(f"DuckDB file {r['db_mb']:.0f} MB; peak RSS {r['rss_generated_mb']:.0f} MB after generating; "
              f"reopened read-only in {r['open_seconds']:.3f} s")
        print(f"queries alternate, best of {args.rounds} rounds (first = the first round, on a fresh buffer pool); "
              "a-e fetched as Arrow tables")
        print(f"{'level   query':50} {'rows':>9} {'first s':>8} {'best s':>8}")
        for q in r["queries"]:
            print(f"{q['name']:50} {q['rows']:9,d} {q['first']:8.3f} {q['best']:8.3f}")
        since = "since reopening" if r["rss_reset"] else "including the generation"
        print(f"peak RSS of the queries ({since}): {r['rss_end_mb']:.0f} MB", flush=True)
        if r["events"] == GOAL_EVENTS:
            for q in r["queries"]:
                if q["name"].endswith("a  dyad-month count panel"):
                    level = q["name"].split()[0]
                    rows = r["canonical"] if level == "event" else r["events"]
                    verdict = "met" if q["best"] <= GOAL_SECONDS else "NOT met"
                    goals.append(f"  level {level} ({rows:,} rows scanned): {q['best']:.2f} s -> {verdict}")
    if goals:
        print(f"\ngoal: dyad-month panel over {GOAL_EVENTS:,} events in <= {GOAL_SECONDS:.0f} s "
              f"(best of {args.rounds}, as Arrow)")
        print("\n".join(goals))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
