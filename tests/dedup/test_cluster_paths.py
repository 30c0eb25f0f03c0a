"""The fast clustering path (link scores in SQL, single-mention clusters summarised in SQL) gives
exactly the clusters of the general path (every mention a dict, every pair scored in Python),
on a rebuild and on an incremental run, with a person's decisions in force."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from detente.dedup.clusters import cluster_events
from detente.dedup.links import SAME_STORY_STRONG_COSINE, codes_agree, link_score
from detente.store import Store

ARTICLES = 1200  # 6,000 mentions: stories, wire copies, close articles, lone reports


def _bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "cluster.py"
    spec = importlib.util.spec_from_file_location("bench_cluster", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _vary(con) -> None:
    """What the benchmark's data lack: missing confidences, modes, named places with and
    without coordinates, empty places, publication dates, years, pronouns and descriptions."""
    con.execute("UPDATE events SET confidence = NULL WHERE hash(event_id, 1) % 17 = 0")
    con.execute("UPDATE events SET confidence = 0.99 + (hash(event_id, 9) % 3) / 200 WHERE hash(event_id, 9) % 23 = 0")
    # confidences that are ties at four decimals (Python rounds half to even, DuckDB away from zero)
    con.execute("UPDATE events SET confidence = 0.53125 WHERE hash(event_id, 10) % 29 = 0")
    con.execute("UPDATE events SET mode = ['visit', 'phone'][(hash(event_id, 2) % 2)::BIGINT + 1] WHERE hash(event_id, 3) % 9 = 0")
    con.execute(
        """UPDATE events SET place = 'Geneva', lat = 46.2 + (hash(event_id, 4) % 3), lon = 6.1
           WHERE place_country IS NOT NULL AND hash(event_id, 4) % 4 = 0"""
    )
    con.execute("UPDATE events SET place = '', lat = 1.0, lon = 2.0 WHERE hash(event_id, 5) % 31 = 0")
    con.execute("UPDATE events SET date_source = 'publication' WHERE hash(event_id, 6) % 11 = 0")
    con.execute(
        """UPDATE events SET date_granularity = 'year', date_value = strftime(event_date, '%Y'),
           event_date = date_trunc('year', event_date)::DATE WHERE hash(event_id, 7) % 37 = 0"""
    )
    con.execute("UPDATE events SET date_value = NULL, event_date = NULL WHERE hash(event_id, 11) % 41 = 0")
    con.execute("UPDATE events SET actor_name = ['he', 'the minister', 'Smith''s'][(hash(event_id, 8) % 3)::BIGINT + 1] "
                "WHERE hash(event_id, 8) % 13 = 0")


def _decide(con) -> None:
    """A split and a merge over mentions that the clustering joins or may join."""
    clusters = con.sql(
        """SELECT list(event_id ORDER BY event_id) FROM mention_clusters GROUP BY cluster_id
           HAVING count(*) >= 3 ORDER BY min(event_id) LIMIT 2"""
    ).fetchall()
    (first,), (second,) = clusters
    con.execute("INSERT INTO cluster_decisions VALUES ('split1', 'split', ?, ?, TIMESTAMP '2020-01-01', NULL)",
                [first[:1], first[1:]])
    con.execute("INSERT INTO cluster_decisions VALUES ('merge1', 'merge', ?, [], TIMESTAMP '2020-01-02', NULL)",
                [[first[0], second[0]]])


def _tables(con) -> tuple[list, list]:
    return (con.sql("SELECT * FROM mention_clusters ORDER BY ALL").fetchall(),
            con.sql("SELECT * FROM event_clusters ORDER BY cluster_id").fetchall())


def _save(con) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE _saved_mc AS SELECT * FROM mention_clusters")
    con.execute("CREATE OR REPLACE TEMP TABLE _saved_ec AS SELECT * FROM event_clusters")


def _restore(con) -> None:
    con.execute("DELETE FROM mention_clusters")
    con.execute("DELETE FROM event_clusters")
    con.execute("INSERT INTO mention_clusters SELECT * FROM _saved_mc")
    con.execute("INSERT INTO event_clusters SELECT * FROM _saved_ec")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    bench = _bench()
    store = Store.open(tmp_path_factory.mktemp("paths") / "p.duckdb")
    for macro in bench.MACROS:
        store.con.execute(macro)
    bench.add_articles(store.con, 0, ARTICLES, ARTICLES)
    _vary(store.con)
    cluster_events(store, fast=False)
    _decide(store.con)
    yield store, bench
    store.close()


def test_a_rebuild_gives_the_same_clusters_on_both_paths(store):
    store, _ = store
    general = cluster_events(store, fast=False)
    expected = _tables(store.con)
    fast = cluster_events(store)
    assert _tables(store.con) == expected
    assert (fast.mentions, fast.clusters, fast.links, fast.candidate_pairs, fast.multi_article) == \
        (general.mentions, general.clusters, general.links, general.candidate_pairs, general.multi_article)
    sizes = store.con.sql("SELECT min(n_mentions), max(n_mentions), count(*) FILTER (WHERE n_mentions = 1) FROM event_clusters")
    smallest, largest, alone = sizes.fetchall()[0]
    assert smallest == 1 and largest > 2 and 0 < alone < general.clusters, "both kinds of cluster are exercised"


def test_an_incremental_run_gives_the_same_clusters_on_both_paths(store):
    store, bench = store
    cluster_events(store, fast=False)
    _save(store.con)
    extra = ARTICLES // 20
    bench.add_articles(store.con, ARTICLES, ARTICLES + extra, ARTICLES)
    new_ids = [r[0] for r in store.con.sql(f"SELECT art_id(j) FROM range({ARTICLES}, {ARTICLES + extra}) t(j)").fetchall()]
    general = cluster_events(store, new_ids, fast=False)
    expected = _tables(store.con)
    _restore(store.con)
    fast = cluster_events(store, new_ids)
    assert _tables(store.con) == expected
    assert (fast.mentions, fast.clusters, fast.links) == (general.mentions, general.clusters, general.links)


def test_the_sql_link_scores_are_the_python_ones(store):
    store, _ = store
    cluster_events(store)  # leaves its _mentions, _pairs and _links temp tables on the connection
    con = store.con
    relation = con.sql("SELECT * EXCLUDE (lo, hi, keys) FROM _mentions")
    names = [d[0] for d in relation.description]
    rows = {r[0]: dict(zip(names, r, strict=True)) for r in relation.fetchall()}
    sql = dict(((x, y), score) for x, y, score in con.sql("SELECT x, y, score FROM _links").fetchall())
    pairs = con.sql("SELECT x, y, same_article, same_group, cosine, same_class, same_side FROM _pairs").fetchall()
    assert len(sql) == len(pairs) > 1000
    kinds = set()
    for x, y, same_article, same_group, cosine, same_class, same_side in pairs:
        score = link_score(rows[x], rows[y], same_article, same_group, cosine) if same_class else 0.0
        if not score and not same_article and same_side and cosine >= SAME_STORY_STRONG_COSINE \
                and codes_agree(rows[x], rows[y]):
            score = 1.0 + cosine
        assert sql[x, y] == score, (x, y)
        kinds.add(3.0 if score == 3.0 else 2.5 if score == 2.5 else score > 0)
    assert kinds == {3.0, 2.5, True, False}, "every kind of link occurs"


def test_repeated_mention_ids_take_the_general_path(tmp_path):
    from support import make_article, make_event

    from detente.store import StoredArticle

    with Store.open(tmp_path / "r.duckdb") as store:
        events = [make_event("a", "CONSULT", "USA", "RUS"), make_event("a", "CONSULT", "RUS", "USA", sentence=1)]
        store.add_articles([StoredArticle(make_article("a"), events, "coded")], "r", "c", "m")
        store.con.execute("INSERT INTO events SELECT * FROM events WHERE sentence_seq = 0")
        summary = cluster_events(store)
        assert (summary.mentions, summary.clusters) == (2, 1)
        assert store.con.sql("SELECT count(*), count(DISTINCT event_id) FROM mention_clusters").fetchall() == [(2, 2)]
