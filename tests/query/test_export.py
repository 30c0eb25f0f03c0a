"""Exports: PLOVER JSON Lines, POLECAT TSV, CSV and Parquet, with text only on request."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from support import make_article, make_event

from detente.dedup.clusters import cluster_events
from detente.query import Dataset
from detente.store import Store, StoredArticle

SECRET = "Full text that the user may not redistribute."


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "events.duckdb"
    article = make_article("m1", text=SECRET, title="Kerry in Moscow", url="https://example.org/m1", source="Example Wire")
    events = [
        make_event("m1", "CONSULT", "USA", "RUS", place="Moscow"),
        make_event("m1", "CONCEDE", "RUS", "UKR", sentence=1, modality="speculative"),
    ]
    with Store.open(path) as store:
        store.add_articles([StoredArticle(article, events, "coded", 0.99)], "run", "detente-test", "none")
        cluster_events(store)
    with Dataset.open(path) as opened:
        yield opened


def test_plover_jsonl_has_plover_shape_and_the_story(data):
    out = io.StringIO()
    assert data.export("plover-jsonl", out, level="mention") == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    consult = next(r for r in records if r["event"] == ["CONSULT"])
    assert consult["date"] == "2016-03-24"
    assert consult["actor"][0]["code"] == "USA" and consult["recipient"][0]["code"] == "RUS"
    assert consult["event_loc"]["resolved_place"] == "Moscow"
    assert consult["story"]["headline"] == "Kerry in Moscow" and consult["story"]["url"] == "https://example.org/m1"
    assert consult["detente"]["modality"] == "asserted" and consult["event_text"].startswith("sentence 0")
    assert "text" not in consult["story"]
    assert SECRET not in out.getvalue()


def test_export_keeps_every_modality_unless_asked(data):
    out = io.StringIO()
    assert data.export("plover-jsonl", out, level="mention", modalities="asserted") == 1


def test_polecat_tsv_uses_polecat_column_names(data):
    out = io.StringIO()
    data.export("polecat-tsv", out, level="mention")
    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter="\t"))
    assert len(rows) == 2
    first = next(r for r in rows if r["Event Type"] == "CONSULT")
    assert first["Actor Country"] == "USA" and first["Recipient Country"] == "RUS"
    assert first["Event Date"] == "2016-03-24" and first["Placename"] == "Moscow"
    assert first["Headline"] == "Kerry in Moscow" and first["Quad Code"] == "1"
    assert "Story Text" not in rows[0]


def test_text_is_included_only_with_text(data):
    out = io.StringIO()
    data.export("polecat-tsv", out, level="mention", with_text=True)
    assert SECRET in out.getvalue()
    out = io.StringIO()
    data.export("plover-jsonl", out, level="mention", with_text=True)
    assert json.loads(out.getvalue().splitlines()[0])["story"]["text"] == SECRET


def test_csv_and_parquet_hold_the_flat_table(data, tmp_path):
    out = io.StringIO()
    data.export("csv", out, level="mention")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["event"] for r in rows} == {"CONSULT", "CONCEDE"} and rows[0]["title"] == "Kerry in Moscow"
    assert "record" not in rows[0] and "article_text" not in rows[0]
    target = tmp_path / "events.parquet"
    assert data.export("parquet", str(target), level="mention", with_text=True) == 2
    table = duckdb.sql(f"SELECT event, actor_code, article_text FROM '{target}' ORDER BY event").fetchall()
    assert table == [("CONCEDE", "RUS", SECRET), ("CONSULT", "USA", SECRET)]


def test_parquet_needs_a_file(data):
    with pytest.raises(ValueError, match="give an output file"):
        data.export("parquet", io.StringIO())


def test_mentions_link_to_their_canonical_event(data):
    out = io.StringIO()
    data.export("plover-jsonl", out, level="mention")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    consult = next(r for r in records if r["event"] == ["CONSULT"])
    assert consult["link"] and consult["link"].startswith("c")
    speculative = next(r for r in records if r["event"] == ["CONCEDE"])
    assert speculative["link"] is None, "only asserted mentions make canonical events"


def test_canonical_events_are_the_default_export(data):
    out = io.StringIO()
    assert data.export("plover-jsonl", out) == 1
    record = json.loads(out.getvalue())
    assert record["event"] == ["CONSULT"] and record["actor"][0]["code"] == "USA"
    assert record["mentions"] and record["detente"]["n_sources"] == 1
    tsv = io.StringIO()
    data.export("polecat-tsv", tsv)
    row = next(csv.DictReader(io.StringIO(tsv.getvalue()), delimiter="\t"))
    assert row["Event ID"] == record["id"] == row["Canonical Event ID"] and row["Independent Sources"] == "1"
