"""Time and memory of linking event mentions into canonical events, at 100k and 1M mentions.

    python bench/cluster.py [--sizes 100000,1000000] [--rounds 2] [--profile]

Each size runs in a fresh child process, so that its peak RSS is its own. The child creates a
DuckDB store with ``Store.open`` (the real schema and indexes) and fills it with
``INSERT ... SELECT`` over ``range(n)``: ``articles`` (one per 5 mentions), ``article_terms``
(32 per article), ``article_groups`` (a few wire copies) and ``events`` (the mentions). Then it
times, keeping the fastest of ``--rounds``:

- rebuild: ``cluster_events(store)`` over every mention, the cluster tables emptied first;
- incremental: 1% more articles (follow-up reports of existing stories) are inserted the same
  way, then ``cluster_events(store, new_article_ids)``; before each round the new articles are
  removed again and the cluster tables restored to the rebuild's result.

The data imitate news: articles come in stories of 4 (a story is ``article // 4``) that share
most of their content terms, a few topic terms that recur across stories, and most of their
events (8 per story; an article reports 5 of them, 80% of its mentions, the rest are its own).
Every random choice is a hash of a row number, so every run builds the same data. Countries (60)
and person names (3,000) are Zipf-distributed, ~15% of mentions have no recipient, ~30% name
their actor, ~10% are dated to the month only, ~40% have a place country; dates span 2015-2016
at every size, so the 1M store is ten times denser than the 100k one.

Peak RSS is read per phase (the kernel's high-water mark is reset between phases where Linux
allows it). ``--profile`` prints cProfile's top functions of one rebuild to stderr; ``--terms 64``
stores as many terms per article as ingestion does. On a shared machine a size the clusterer
cannot handle must not take the machine down: DuckDB gets a memory limit and a temp-file cap
(``--duckdb-memory``, ``--temp-limit``), and the parent stops a child past ``--max-rss-gb`` or
``--timeout`` and reports the size as not finished.
The issue's goal: clustering 1M mentions in at most 60 s on this machine (2 cores).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_MENTIONS, GOAL_SECONDS = 1_000_000, 60.0
MENTIONS_PER_ARTICLE = 5
ARTICLES_PER_STORY = 4
SLOTS_PER_STORY = 8  # distinct real events a story's articles draw their mentions from
TERMS_PER_ARTICLE = 32
DAYS = 731  # 2015-01-01 .. 2016-12-31

# Roughly how often countries appear as actors in international news, most frequent first.
COUNTRIES = (
    "USA", "RUS", "CHN", "GBR", "FRA", "DEU", "UKR", "SYR", "IRN", "TUR", "ISR", "IND", "JPN", "PRK", "KOR",
    "SAU", "IRQ", "AFG", "PAK", "EGY", "PSE", "LBY", "YEM", "ITA", "GRC", "BRA", "MEX", "CAN", "AUS", "NGA",
    "POL", "ESP", "LBN", "JOR", "QAT", "ARE", "VEN", "CUB", "COL", "ZAF", "KEN", "ETH", "SOM", "SDN", "MLI",
    "BLR", "GEO", "ARM", "AZE", "KAZ", "IDN", "PHL", "VNM", "MMR", "THA", "BGD", "NLD", "BEL", "SWE", "NOR",
)
# The 16 PLOVER types, commonest first: statements and meetings outnumber force.
EVENT_TYPES = (
    "CONSULT", "ACCUSE", "REQUEST", "SUPPORT", "AGREE", "ASSAULT", "REJECT", "COOPERATE",
    "THREATEN", "PROTEST", "SANCTION", "AID", "COERCE", "MOBILIZE", "CONCEDE", "RETREAT",
)

MACROS = (
    # uniform in [0, 1) from a row number and a salt: the same on every run and every thread
    "CREATE OR REPLACE TEMP MACRO u01(x, salt) AS (hash(x, salt) % 1000003) / 1000003.0",
    # rank 0..m-1, P(rank k) ~ log((k+2)/(k+1)): a Zipf-like skew
    "CREATE OR REPLACE TEMP MACRO skewed(u, m) AS least(m - 1, floor(pow(m + 1.0, u))::INTEGER - 1)",
    "CREATE OR REPLACE TEMP MACRO art_id(j) AS substr(md5('bench-article-' || j), 1, 20)",
    f"CREATE OR REPLACE TEMP MACRO story_day(s) AS (hash(s, 1) % {DAYS})::INTEGER",
    # a letters-only surname ("Kabov"), so that the clusterer's name key can read it
    """CREATE OR REPLACE TEMP MACRO surname(k) AS
       chr(65 + (k % 26)::INTEGER) || chr(97 + (k // 26 % 26)::INTEGER) || chr(97 + (k // 676 % 26)::INTEGER) || 'ov'""",
)


def _sql_list(values: tuple[Any, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" if isinstance(v, str) else repr(v) for v in values) + "]"


def add_articles(con: Any, first: int, last: int, base: int, terms: int = TERMS_PER_ARTICLE) -> None:
    """Articles ``first`` .. ``last - 1`` with their terms, groups and mentions. Articles below
    ``base`` form stories of 4; later ones are follow-ups of a story drawn among those."""
    from detente.ontology import load_ontology

    kinds = [load_ontology().event_types[t] for t in EVENT_TYPES]
    quads, scales = _sql_list(tuple(k.quad for k in kinds)), _sql_list(tuple(float(k.intensity) for k in kinds))
    cameos = _sql_list(tuple(k.cameo_root for k in kinds))
    stories = max(1, base // ARTICLES_PER_STORY)
    story = f"CASE WHEN j < {base} THEN j // {ARTICLES_PER_STORY} ELSE (hash(j, 31) % {stories})::BIGINT END"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _new AS
        SELECT j, art_id(j) AS article_id, {story} AS s,
               least({DAYS - 1}, story_day({story}) + (hash(j, 2) % 3)::INTEGER) AS pub_day
        FROM range({first}, {last}) t(j)
    """)
    con.execute(f"""
        INSERT INTO articles BY NAME
        SELECT article_id, 'bench-' || j AS source_id, md5('bench-text-' || j) AS content_hash,
               'https://example.org/bench/' || j AS url, 'Story ' || s || ', report ' || j AS title,
               'Outlet ' || (hash(j, 3) % 50) AS source, DATE '2015-01-01' + pub_day AS published,
               'record' AS published_from, 'en' AS language, 'coded' AS status,
               {MENTIONS_PER_ARTICLE} AS n_events, 'Synthetic report ' || j || ' of story ' || s || '.' AS text,
               TIMESTAMP '2017-01-01 00:00:00' AS ingested_at, 'bench' AS run_id
        FROM _new
    """)
    # A tenth of the non-lead articles are wire copies of their story's lead (one duplicate group).
    con.execute(f"""
        INSERT INTO article_groups
        SELECT article_id, art_id(s * {ARTICLES_PER_STORY}) FROM _new
        WHERE j <> s * {ARTICLES_PER_STORY} AND u01(j, 4) < 0.1
    """)
    # All but 4 terms from a window of the story's vocabulary (8 longer; its first 4 are its
    # topic's, shared with other stories), weighted by the story so that its articles agree on
    # their top terms; then 4 common words with lower weights. Weights shrink with the number of
    # terms so that each vector stays near unit length.
    own, scale = terms - 4, (TERMS_PER_ARTICLE / terms) ** 0.5
    con.execute(f"""
        INSERT INTO article_terms
        SELECT article_id,
               CASE WHEN k >= {own} THEN 'w' || (k - {own}) || '_' || skewed(u01(j * 128 + k, 9), 750)
                    WHEN idx < 4 THEN 'topic' || (hash(s, 6) % 300) || '_' || idx
                    ELSE 's' || s || '_' || idx END AS term,
               {scale} * CASE WHEN k >= {own} THEN 0.06 + 0.04 * u01(j * 128 + k, 10)
                    ELSE 0.15 + 0.05 * u01(s * 128 + idx, 7) + 0.01 * u01(j * 128 + k, 8) END AS weight
        FROM (SELECT *, k + (hash(j, 5) % 8)::INTEGER AS idx FROM _new, range({terms}) r(k))
    """)
    m, n_types = len(COUNTRIES), len(EVENT_TYPES)
    countries = _sql_list(COUNTRIES)
    con.execute(f"""
        INSERT INTO events BY NAME
        WITH draw AS (
            -- x seeds everything about the real event: a story's slot, or the mention itself
            SELECT i, j, p, article_id, pub_day, u01(i, 21) < 0.8 AS in_story,
                   CASE WHEN u01(i, 21) < 0.8
                        THEN s * {SLOTS_PER_STORY} + (p + hash(j, 10) % 4) % {SLOTS_PER_STORY}
                        ELSE 1000000000000 + i END AS x,
                   story_day(s) AS day0
            FROM _new, range({MENTIONS_PER_ARTICLE}) r(p), LATERAL (SELECT j * {MENTIONS_PER_ARTICLE} + p AS i)
        ), real AS (
            SELECT *, skewed(u01(x, 11), {n_types}) + 1 AS t, skewed(u01(x, 12), {m}) AS a,
                   (skewed(u01(x, 12), {m}) + 1 + skewed(u01(x, 13), {m - 1})) % {m} AS r,
                   u01(x, 14) < 0.09 OR u01(i, 15) < 0.065 AS no_recipient,
                   u01(x, 16) < 0.35 AND u01(i, 17) < 0.86 AS named,
                   u01(i, 18) < 0.1 AS swapped,
                   least({DAYS - 1}, greatest(0, CASE WHEN in_story THEN day0 ELSE pub_day END
                       - (hash(x, 19) % 3)::INTEGER + CASE WHEN u01(i, 20) < 0.1 THEN 1 ELSE 0 END)) AS d,
                   u01(i, 22) < 0.1 AS by_month,
                   CASE WHEN u01(i, 23) < 0.4 THEN CASE WHEN u01(x, 24) < 0.7 THEN 'a' ELSE 'r' END END AS placed
            FROM draw
        ), coded AS (
            SELECT *, {countries}[a + 1] AS ac, CASE WHEN NOT no_recipient THEN {countries}[r + 1] END AS rc,
                   DATE '2015-01-01' + d AS day
            FROM real
        )
        SELECT substr(md5('bench-event-' || i), 1, 20) AS event_id, article_id, {_sql_list(EVENT_TYPES)}[t] AS event,
               CASE WHEN swapped AND rc IS NOT NULL THEN rc ELSE ac END AS actor_code,
               CASE WHEN swapped AND rc IS NOT NULL THEN ac ELSE rc END AS recipient_code, 'GOV' AS actor_sector,
               CASE WHEN named AND NOT (swapped AND rc IS NOT NULL)
                    THEN 'Minister ' || surname(skewed(u01(x, 25), 3000)) END AS actor_name,
               CASE WHEN by_month THEN date_trunc('month', day)::DATE ELSE day END AS event_date,
               CASE WHEN by_month THEN strftime(day, '%Y-%m') ELSE strftime(day, '%Y-%m-%d') END AS date_value,
               CASE WHEN by_month THEN 'month' ELSE 'day' END AS date_granularity, 'text' AS date_source,
               CASE placed WHEN 'a' THEN ac WHEN 'r' THEN coalesce(rc, ac) END AS place_country,
               {quads}[t] AS quad_code, {scales}[t] AS event_scale, {cameos}[t] AS cameo, 'asserted' AS modality,
               0.5 + u01(i, 26) / 2 AS confidence, p::INTEGER AS sentence_seq,
               'Synthetic sentence ' || i || '.' AS sentence, lower({_sql_list(EVENT_TYPES)}[t]) AS trigger_text,
               '{{}}' AS record
        FROM coded
    """)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_peak() -> bool:
    """Restart the RSS high-water mark from the current RSS (Linux), so the next phase's peak is
    its own; False where the kernel does not allow it (the peak is then cumulative)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _say(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _summary(s: Any, seconds: float) -> dict[str, Any]:
    return {"seconds": seconds, "mentions": s.mentions, "clusters": s.clusters, "pairs": s.candidate_pairs,
            "links": s.links, "multi_article": s.multi_article}


def _db_mb(workdir: Path) -> float:
    return sum(p.stat().st_size for p in workdir.glob("cluster.duckdb*") if p.is_file()) / 2**20


def _child(n: int, args: argparse.Namespace) -> dict[str, Any]:
    import duckdb

    from detente.dedup.clusters import cluster_events
    from detente.store.database import Store

    base = max(1, n // MENTIONS_PER_ARTICLE)
    extra = max(1, base // 100)
    out: dict[str, Any] = {"articles": base, "new_articles": extra}
    workdir = Path(args.workdir)
    start = time.perf_counter()
    store = Store.open(workdir / "cluster.duckdb")
    con = store.con
    # Caps for a shared machine: past them DuckDB spills, then fails, rather than filling the disk.
    con.execute(f"SET memory_limit = '{args.duckdb_memory}'")
    con.execute(f"SET max_temp_directory_size = '{args.temp_limit}'")
    for macro in MACROS:
        con.execute(macro)
    add_articles(con, 0, base, base, args.terms)
    con.execute("CHECKPOINT")
    out["generate_seconds"] = time.perf_counter() - start
    out["rss_generate_mb"] = _peak_mb()
    out["events"] = con.sql("SELECT count(*) FROM events").fetchall()[0][0]
    out["reset"] = _reset_peak()
    _say(f"generated {out['events']:,} mentions in {out['generate_seconds']:.1f} s")

    best: dict[str, Any] | None = None
    for round_ in range(args.rounds):
        con.execute("DELETE FROM mention_clusters")
        con.execute("DELETE FROM event_clusters")
        start = time.perf_counter()
        try:
            summary = cluster_events(store)
        except duckdb.Error as err:
            # over the memory or temp-file cap: a result for this size, not a crash
            reason = str(err).splitlines()[0]
            return {**out, "failed": f"rebuild failed after {time.perf_counter() - start:.0f} s: {reason}",
                    "rss_failed_mb": _peak_mb()}
        elapsed = time.perf_counter() - start
        _say(f"rebuild round {round_ + 1}: {elapsed:.1f} s")
        if best is None or elapsed < best["seconds"]:
            best = _summary(summary, elapsed)
    out["rebuild"] = {**(best or {}), "rss_mb": _peak_mb()}
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(cluster_events, store)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    con.execute("CHECKPOINT")
    out["db_mb"] = _db_mb(workdir)

    con.execute("CREATE TABLE _saved_mc AS SELECT * FROM mention_clusters")
    con.execute("CREATE TABLE _saved_ec AS SELECT * FROM event_clusters")
    new_ids = [r[0] for r in con.sql(f"SELECT art_id(j) FROM range({base}, {base + extra}) t(j)").fetchall()]
    _reset_peak()
    best = None
    for round_ in range(args.rounds):
        with store.transaction():
            for table in ("events", "article_terms", "article_groups", "articles"):
                con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [new_ids])
            con.execute("DELETE FROM mention_clusters")
            con.execute("DELETE FROM event_clusters")
            con.execute("INSERT INTO mention_clusters SELECT * FROM _saved_mc")
            con.execute("INSERT INTO event_clusters SELECT * FROM _saved_ec")
            add_articles(con, base, base + extra, base, args.terms)
        start = time.perf_counter()
        summary = cluster_events(store, new_ids)
        elapsed = time.perf_counter() - start
        _say(f"incremental round {round_ + 1}: {elapsed:.1f} s")
        if best is None or elapsed < best["seconds"]:
            best = _summary(summary, elapsed)
    out["incremental"] = {**(best or {}), "rss_mb": _peak_mb()}
    out["total_clusters"] = con.sql("SELECT count(*) FROM event_clusters").fetchall()[0][0]
    store.close()
    out["db_final_mb"] = _db_mb(workdir)
    return out


def _rss_now_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _run_child(command: list[str], max_rss_mb: float, timeout: float) -> tuple[dict[str, Any] | None, str]:
    """Run one size; stop it (→ None and why) past ``max_rss_mb`` or ``timeout`` seconds, so that
    a size the clusterer cannot handle ends as a result, not as the machine running out."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    started, seen = time.monotonic(), 0.0
    stop = ""
    while proc.poll() is None:
        seen = max(seen, _rss_now_mb(proc.pid))
        if seen > max_rss_mb:
            stop = f"stopped: RSS {seen:,.0f} MB passed --max-rss-gb after {time.monotonic() - started:.0f} s"
        elif time.monotonic() - started > timeout:
            stop = f"stopped: still running after --timeout {timeout:.0f} s (RSS up to {seen:,.0f} MB)"
        if stop:
            proc.kill()
            proc.wait()
            return None, stop
        time.sleep(0.5)
    stdout = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        return None, f"failed with exit code {proc.returncode} (its error is above)"
    return json.loads(stdout.strip().splitlines()[-1]), ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated numbers of event mentions")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each measurement; the fastest counts")
    parser.add_argument("--terms", type=int, default=TERMS_PER_ARTICLE,
                        help="content terms per article (ingestion stores up to 64)")
    parser.add_argument("--profile", action="store_true", help="cProfile one more rebuild (stderr)")
    parser.add_argument("--max-rss-gb", type=float, default=14.0, help="stop a size whose process grows past this")
    parser.add_argument("--timeout", type=float, default=1800.0, help="stop a size running longer (seconds)")
    parser.add_argument("--duckdb-memory", default="8GB", help="DuckDB memory_limit (it spills beyond)")
    parser.add_argument("--temp-limit", default="20GB", help="DuckDB max_temp_directory_size")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args)))
        return
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; other work skews the times)")
    print(f"limits: DuckDB memory {args.duckdb_memory}, temp {args.temp_limit}; a size stops past "
          f"{args.max_rss_gb:g} GB RSS or {args.timeout:.0f} s")
    results: dict[int, dict[str, Any]] = {}
    for n in sizes:
        print(f"\n{n:,} event mentions: generating, then clustering (best of {args.rounds}) ...", flush=True)
        # The parent owns the directory: a child stopped by the watchdog cannot clean up after itself.
        with tempfile.TemporaryDirectory(prefix="detente-bench-cluster-") as workdir:
            command = [sys.executable, __file__, "--child", str(n), "--workdir", workdir, "--rounds", str(args.rounds),
                       "--terms", str(args.terms), "--duckdb-memory", args.duckdb_memory, "--temp-limit", args.temp_limit]
            r, stop = _run_child(command + (["--profile"] if args.profile else []), args.max_rss_gb * 1024, args.timeout)
        if r is None:
            print(f"{n:,} mentions: {stop}", flush=True)
            continue
        if "failed" in r:
            print(f"{r['events']:,} mentions generated in {r['generate_seconds']:.1f} s; {r['failed']} "
                  f"(peak RSS {r['rss_failed_mb']:,.0f} MB)", flush=True)
            continue
        results[n] = r
        print(f"{r['events']:,} mentions in {r['articles']:,} articles generated in {r['generate_seconds']:.1f} s "
              f"(peak RSS {r['rss_generate_mb']:.0f} MB); DuckDB file {r['db_mb']:.0f} MB after the rebuild, "
              f"{r['db_final_mb']:.0f} MB at the end")
        print(f"{'run':12} {'seconds':>8} {'mentions':>9} {'canonical':>9} {'multi-art':>9} {'cand pairs':>11} "
              f"{'links':>9} {'peak RSS MB':>12}")
        for name in ("rebuild", "incremental"):
            p = r[name]
            print(f"{name:12} {p['seconds']:8.2f} {p['mentions']:9,d} {p['clusters']:9,d} {p['multi_article']:9,d} "
                  f"{p['pairs']:11,d} {p['links']:9,d} {p['rss_mb']:12.0f}")
        print(f"(incremental: {r['new_articles']:,} new articles, {r['new_articles'] * MENTIONS_PER_ARTICLE:,} new "
              f"mentions; {r['total_clusters']:,} canonical events in the store after it)"
              + ("" if r["reset"] else " (peak RSS cumulative: this kernel cannot reset it)"), flush=True)
    done = sorted(results)
    if len(done) >= 2:
        small, large = done[0], done[-1]
        print()
        for name in ("rebuild", "incremental"):
            ratio = results[large][name]["seconds"] / results[small][name]["seconds"]
            print(f"{name}: time({large:,}) / time({small:,}) = {ratio:.1f}x (linear would be {large / small:.0f}x)")
    if GOAL_MENTIONS in sizes:
        if GOAL_MENTIONS in results:
            seconds = results[GOAL_MENTIONS]["rebuild"]["seconds"]
            verdict = f"{seconds:.1f} s -> {'met' if seconds <= GOAL_SECONDS else 'NOT met'}"
        else:
            verdict = "did not finish -> NOT met"
        print(f"\ngoal: rebuild over {GOAL_MENTIONS:,} mentions in <= {GOAL_SECONDS:.0f} s: {verdict}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
