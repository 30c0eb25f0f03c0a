"""The Parquet output of a distributed run, loaded into DuckDB: the same rows as a direct store
write, one month partition at a time, and loading twice adds nothing. No model needed."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support import make_article, make_event, snapshot

from detente.dedup.clusters import cluster_events
from detente.dedup.duplicates import group_duplicates
from detente.dedup.fingerprints import fingerprint
from detente.records import Failure
from detente.scale.parquet import LoadError, load, prepare_output, write_failures, write_manifest, write_partition
from detente.store import Store, StoredArticle

WIRE = ("Russian Foreign Minister Sergei Lavrov met U.S. Secretary of State John Kerry in Geneva on Friday "
        "to discuss a ceasefire in Syria. The talks lasted five hours, officials said.")



def stored(doc_id, published, text, events):
    article = make_article(doc_id, published, text=text) if published else make_article(doc_id, text=text)
    if not published:
        article.published = None
    return StoredArticle(article, events, "coded", 0.99, fingerprint(article.text, article.title))


@pytest.fixture
def batches():
    """Two partitions as two workers would code them: a wire story and a reprint in January, an
    article of February, one without a date, and one not in English."""
    first = [
        stored("w1", "2016-01-22", WIRE, [make_event("w1", "CONSULT", "RUS", "USA", day="2016-01-22")]),
        stored("p1", "2016-01-23", WIRE + " Reprinted.", [make_event("p1", "CONSULT", "RUS", "USA", day="2016-01-22")]),
    ]
    second = [
        stored("b1", "2016-02-01", "Text of b1, about a meeting in Beijing.", [make_event("b1", "CONSULT", "CHN", "RUS", day="2016-02-01")]),
        stored("u1", None, "An undated text.", [make_event("u1", "ACCUSE", "TUR", "RUS", day="2016-02-03", quad=3)]),
        StoredArticle(make_article("f1", "2016-02-02", text="Le ministre a rencontré son homologue."), [], "not-english", 0.9,
                      fingerprint("Le ministre a rencontré son homologue.")),
    ]
    return [first, second]


@pytest.fixture
def output(tmp_path, batches):
    out = tmp_path / "out"
    prepare_output(out)
    for index, batch in enumerate(batches):
        write_partition(out, index, batch, coder="detente-test", model="none", run_id="run-1")
    write_failures(out, [Failure("corpus/bad.txt", "binary file"), Failure("corpus/x.jsonl:3", "malformed JSON")])
    write_manifest(out, {"run_id": "run-1", "coder": "detente-test", "model": "none", "command": "ingest --engine dask corpus/",
                         "started_at": "2016-03-01T10:00:00", "finished_at": "2016-03-01T10:05:00", "summary": {"stored": 5}})
    return out


def test_the_output_is_partitioned_by_publication_month(output):
    months = sorted(p.name for p in (output / "articles").iterdir())
    assert months == ["published_month=2016-01", "published_month=2016-02", "published_month=unknown"]
    # an article's events travel with it: the undated article's event is in the unknown month
    undated = pq.read_table(output / "events" / "published_month=unknown")
    assert undated.column("article_id").to_pylist() == ["u1"]
    minhash = pq.read_schema(next((output / "fingerprints" / "published_month=2016-01").glob("*.parquet"))).field("minhash")
    assert minhash.type == pa.list_(pa.uint64())
    assert not list(output.rglob("*.tmp")), "no temporary file is left behind"
    assert (output / "failures.jsonl").read_text("utf-8").count("\n") == 2


def test_loading_gives_the_rows_a_direct_store_write_gives(tmp_path, output, batches):
    with Store.open(tmp_path / "direct.duckdb") as direct:
        run_id = direct.start_run("ingest", "detente-test")
        for batch in batches:
            direct.add_articles(batch, run_id, "detente-test", "none")
        ids = [item.article.doc_id for batch in batches for item in batch]
        group_duplicates(direct, ids)
        cluster_events(direct, ids)
        expected = snapshot(direct)

    with Store.open(tmp_path / "loaded.duckdb") as store:
        summary = load(store, output)
        assert (summary.articles, summary.months, summary.events, summary.failures) == (5, 3, 4, 2)
        assert snapshot(store) == expected
        assert summary.near_duplicates == 1, "the reprint joined the wire story's group"
        groups = dict(store.con.sql("SELECT article_id, dup_group FROM article_groups").fetchall())
        assert groups["p1"] == groups["w1"]
        assert store.con.sql("SELECT count(*) FROM event_clusters").fetchall() == [(3,)]
        # the run is remembered, and every article names it
        assert store.con.sql("SELECT run_id, command, coder FROM runs").fetchall() == [
            ("run-1", "ingest --engine dask corpus/", "detente-test")]
        assert store.con.sql("SELECT DISTINCT run_id FROM articles").fetchall() == [("run-1",)]


def test_loading_twice_adds_nothing(tmp_path, output):
    with Store.open(tmp_path / "s.duckdb") as store:
        load(store, output)
        before = snapshot(store), store.counts()
        again = load(store, output)
        assert (again.articles, again.already_stored, again.events, again.failures) == (0, 5, 0, 0)
        assert (snapshot(store), store.counts()) == before
        assert {f["times"] for f in store.failures()} == {1}, "failures are recorded once per run"
        assert store.con.sql("SELECT count(*) FROM runs").fetchall() == [(1,)]


def test_articles_already_stored_are_skipped_with_all_their_rows(tmp_path, output, batches):
    with Store.open(tmp_path / "s.duckdb") as store:
        store.add_articles(batches[0][:1], store.start_run("ingest"), "detente-test", "none")
        summary = load(store, output)
        assert (summary.articles, summary.already_stored) == (4, 1)
        assert store.con.sql("SELECT count(*) FROM events WHERE article_id = 'w1'").fetchall() == [(1,)]
        assert store.counts()["articles"] == 5


def test_an_unfinished_output_is_refused(tmp_path, output):
    (output / "_SUCCESS").unlink()
    with Store.open(tmp_path / "s.duckdb") as store, pytest.raises(LoadError, match="did not finish"):
        load(store, output)


def test_a_run_replaces_its_previous_output_but_never_other_files(tmp_path, output):
    prepare_output(output)
    assert list(output.iterdir()) == []
    (output / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(FileExistsError, match="notes.txt"):
        prepare_output(output)
    assert (output / "notes.txt").read_text("utf-8") == "mine"


def test_months_load_in_batches_of_whole_months():
    from detente.scale.parquet import month_batches

    counts = {"2016-01": 30, "2016-02": 50, "2016-03": 10, "2016-04": 90}
    months = ["2016-01", "2016-02", "2016-03", "2016-04", "unknown"]
    assert month_batches(months, counts, batch=100) == [["2016-01", "2016-02", "2016-03"], ["2016-04"], ["unknown"]]
    assert month_batches(months, counts, batch=40) == [["2016-01"], ["2016-02"], ["2016-03"], ["2016-04"], ["unknown"]]
    assert month_batches([], counts) == []


# -- loading as the run goes (``--load``): partition by partition, then the end of the run ----------


def load_live(store, output, failures=()):
    from detente.scale.live import LiveLoader

    loader = LiveLoader(store, output, run_id="run-1", coder="detente-test", command="ingest --engine dask corpus/ --load")
    loader.begin()
    loader.partition(1, ["2016-02", "unknown"])  # partitions complete in any order
    loader.partition(0, ["2016-01"])
    summary = loader.finish(list(failures))
    loader.close_run({"stored": 5}, model="none")
    return summary


def test_loading_partition_by_partition_gives_the_store_a_load_gives(tmp_path, output):
    with Store.open(tmp_path / "loaded.duckdb") as store:
        load(store, output)
        expected = snapshot(store)
    with Store.open(tmp_path / "live.duckdb") as store:
        summary = load_live(store, output, [Failure("corpus/bad.txt", "binary file")])
        assert snapshot(store) == expected
        assert (summary.articles, summary.months, summary.events, summary.failures) == (5, 3, 4, 1)
        assert summary.near_duplicates == 1 and summary.canonical_events == 3
        run = store.con.sql("SELECT command, finished_at IS NOT NULL, model, summary FROM runs").fetchall()
        assert [row[:3] for row in run] == [("ingest --engine dask corpus/ --load", True, "none")]
        assert json.loads(run[0][3])["loaded"]["articles"] == 5
        # the run is known: a later `detente load` of its output adds nothing, failures included
        again = load(store, output)
        assert (again.articles, again.already_stored, again.failures) == (0, 5, 0)
        assert snapshot(store) == expected
        assert [f["times"] for f in store.failures()] == [1]


def test_a_partition_loaded_twice_adds_nothing(tmp_path, output):
    from detente.scale.live import LiveLoader

    with Store.open(tmp_path / "s.duckdb") as store:
        loader = LiveLoader(store, output, run_id="run-1", coder="detente-test", command="ingest")
        loader.begin()
        loader.partition(0, ["2016-01"])
        before = snapshot(store)
        loader.partition(0, ["2016-01"])
        assert snapshot(store) == before
        assert (loader.summary.articles, loader.summary.already_stored) == (2, 2)


def test_a_text_another_run_stored_counts_as_a_copy(tmp_path, output, batches):
    wire = batches[0][0]
    copy = StoredArticle(make_article("w1-elsewhere", "2016-01-22", text=WIRE), [], "coded", 0.99, wire.fingerprint)
    with Store.open(tmp_path / "s.duckdb") as store:
        store.add_articles([copy], store.start_run("ingest"), "detente-test", "none")
        summary = load(store, output)
        assert summary.copies_of_stored_text == 1, "w1's text was stored by another run; p1 (a reprint) is not the same text"


def test_loading_as_the_run_goes_needs_a_local_output(tmp_path):
    from detente.scale.live import LiveLoader

    with Store.open(tmp_path / "s.duckdb") as store, pytest.raises(LoadError, match="must be a local directory"):
        LiveLoader(store, "s3://bucket/run-1", run_id="r", coder="c", command="ingest")
    with Store.open(tmp_path / "s.duckdb") as store:
        assert store.con.sql("SELECT count(*) FROM runs").fetchall() == [(0,)], "nothing recorded"
