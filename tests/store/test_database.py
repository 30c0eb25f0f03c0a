"""The event store: schema, writes in transactions, idempotent failures, and the lock message."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest
from support import make_article, make_event

from detente.records import Article, Failure, to_jsonable
from detente.store import DatabaseLocked, Store, StoredArticle, StoreError, assign_identity, content_hash
from detente.store.schema import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "events.duckdb") as opened:
        yield opened


def test_a_new_database_gets_the_current_schema(tmp_path):
    path = tmp_path / "new.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path), read_only=True)
    assert con.sql("SELECT max(version) FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    tables = {r[0] for r in con.sql("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"articles", "events", "entities", "failures", "runs"} <= tables
    con.close()
    Store.open(path).close()  # opening again applies nothing twice
    con = duckdb.connect(str(path), read_only=True)
    assert con.sql("SELECT count(*) FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    con.close()


def test_reading_a_missing_database_says_how_to_make_one(tmp_path):
    with pytest.raises(StoreError, match="no database at .*detente ingest"):
        Store.open(tmp_path / "absent.duckdb", read_only=True)


def test_a_foreign_duckdb_file_is_refused_for_reading(tmp_path):
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(StoreError, match="not a detente database"):
        Store.open(path, read_only=True)


def test_an_article_is_stored_with_its_events_and_actors(store):
    article = make_article("a1")
    events = [make_event("a1", "CONSULT", "USA", "RUS"), make_event("a1", "ACCUSE", "RUS", "UKR", sentence=1, quad=3)]
    store.add_articles([StoredArticle(article, events, "coded", 0.99)], "run-1", "detente-test", "model")
    assert store.counts() == {"articles": 1, "events": 2, "failures": 0, "distinct_texts": 1}
    rows = store.con.sql("SELECT event, actor_code, recipient_code, event_date::VARCHAR FROM events ORDER BY event").fetchall()
    assert rows == [("ACCUSE", "RUS", "UKR", "2016-03-24"), ("CONSULT", "USA", "RUS", "2016-03-24")]
    roles = store.con.sql("SELECT role, code FROM entities ORDER BY event_id, role").fetchall()
    assert sorted(roles) == [("actor", "RUS"), ("actor", "USA"), ("recipient", "RUS"), ("recipient", "UKR")]
    record = json.loads(store.event_records("a1")[0])
    assert record["doc_id"] == "a1" and record["evidence"]["sentence"].startswith("sentence")
    # the stored record is the event's own JSON form, field for field (dates, enums, nested records)
    stored = {json.loads(r)["event"]: json.loads(r) for r in store.event_records("a1")}
    assert stored == {e.event: to_jsonable(e) for e in events}
    assert store.known_article_ids(["a1", "zz"]) == {"a1"}


def test_a_failed_batch_leaves_nothing_half_stored(store, monkeypatch):
    article = make_article("a1")
    events = [make_event("a1", "CONSULT", "USA", "RUS")]
    original = store.insert_rows

    def failing_insert(table, rows):
        if table == "entities":
            raise RuntimeError("disk full")
        original(table, rows)

    monkeypatch.setattr(store, "insert_rows", failing_insert)
    with pytest.raises(RuntimeError):
        store.add_articles([StoredArticle(article, events, "coded")], "run-1", "c", "m")
    assert store.counts()["articles"] == 0 and store.counts()["events"] == 0


def test_identity_links_copies_of_one_text_from_two_outlets():
    text = "Kerry met Putin in Moscow.\n\nThey talked about Syria."
    first = assign_identity(Article(doc_id="x", text=text, url="https://one.example/a"))
    second = assign_identity(Article(doc_id="x", text=text.replace("\n\n", "\n"), url="https://two.example/b"))
    again = assign_identity(Article(doc_id="x", text=text, url="https://one.example/a"))
    assert first.doc_id != second.doc_id, "another outlet's copy is its own article"
    assert content_hash(first.text) == content_hash(second.text), "...linked by the content hash"
    assert first.doc_id == again.doc_id, "the same article read twice has the same id"
    assert first.source_id == "x"


def test_a_failure_met_twice_is_counted_not_duplicated(store):
    bad = Failure("corpus/bad.jsonl:3", "malformed JSON: Expecting value at column 1")
    store.record_failures([bad], "run-1")
    store.record_failures([bad, Failure("corpus/empty.txt", "empty file: no text to code")], "run-2")
    rows = {r["location"]: r for r in store.failures()}
    assert rows["corpus/bad.jsonl:3"]["times"] == 2 and rows["corpus/bad.jsonl:3"]["run_id"] == "run-2"
    assert rows["corpus/empty.txt"]["times"] == 1
    assert [r["location"] for r in store.failures("run-1")] == []


def test_replacing_events_swaps_them_atomically(store):
    store.add_articles([StoredArticle(make_article("a1"), [make_event("a1", "CONSULT", "USA", "RUS")], "coded")], "r", "old", "m")
    store.replace_events("a1", [make_event("a1", "AGREE", "USA", "RUS", sentence=2)], "new", "m")
    assert store.con.sql("SELECT event FROM events").fetchall() == [("AGREE",)]
    assert store.con.sql("SELECT coder, n_events FROM articles").fetchall() == [("new", 1)]
    assert store.codable_article_ids(stale_for="new") == []
    assert store.codable_article_ids(stale_for="newer") == ["a1"]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from detente.store import Store
    store = Store.open(sys.argv[1])
    if len(sys.argv) > 2:
        store.claim("detente watch feeds.xml")
    print("open", flush=True)
    time.sleep(60)
    """
)


@pytest.mark.parametrize("claimed", [False, True])
def test_a_locked_database_names_the_process_that_holds_it(tmp_path, claimed):
    path = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), *(["claim"] if claimed else [])], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        for read_only in (False, True):
            with pytest.raises(DatabaseLocked) as caught:
                Store.open(path, read_only=read_only)
            message = str(caught.value)
            assert f"process {holder.pid}" in message
            assert "--db" in message and "Wait for that process" in message
            if claimed:
                assert "detente watch feeds.xml" in message
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    Store.open(path).close()  # the lock goes with its holder
