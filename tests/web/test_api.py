"""The REST API over a real DuckDB store holding the demo corpus, as a client uses it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from detente.jobs.ingest import ingest
from detente.store import Store
from detente.web.app import create_app

CORPUS = Path(__file__).resolve().parents[2] / "src" / "detente" / "samples" / "corpus"


@pytest.fixture(scope="module")
def store(tmp_path_factory, nlp):
    path = tmp_path_factory.mktemp("api") / "demo.duckdb"
    opened = Store.open(path)
    ingest(opened, [str(CORPUS)])
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def client(store):
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from fastapi.testclient import TestClient

    with TestClient(create_app(store)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def guarded(store):
    from fastapi.testclient import TestClient

    with TestClient(create_app(store, token="s3cret")) as test_client:
        yield test_client


def usa_rus_consult(client):
    page = client.get("/api/events", params={"dyad": "USA-RUS", "undirected": True, "type": "CONSULT"}).json()
    assert page["total"] >= 1
    return page["items"][0]


def test_summary_counts(client):
    body = client.get("/api/summary").json()
    assert body["articles"] == 55 and 0 < body["events"] < body["mentions"]


def test_events_are_paginated_and_filtered(client):
    first = client.get("/api/events", params={"limit": 5}).json()
    second = client.get("/api/events", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] > 10 and len(first["items"]) == 5
    assert {e["cluster_id"] for e in first["items"]}.isdisjoint(e["cluster_id"] for e in second["items"])
    conflict = client.get("/api/events", params={"quad": 4, "limit": 1000}).json()["items"]
    assert conflict and all(e["quad_code"] == 4 for e in conflict)
    mentions = client.get("/api/events", params={"level": "mention", "limit": 1}).json()
    assert mentions["total"] > first["total"]


def test_one_event_comes_with_its_evidence_and_articles(client):
    event = usa_rus_consult(client)
    detail = client.get(f"/api/events/{event['cluster_id']}").json()
    assert detail["level"] == "event" and detail["event"]["event"] == "CONSULT"
    mention = detail["mentions"][0]
    assert mention["title"] and mention["sentence"]
    evidence = mention["evidence"]
    trigger = evidence["trigger"]
    article = client.get(f"/api/articles/{mention['article_id']}").json()["article"]
    assert article["text"][trigger["start"]:trigger["end"]] == trigger["text"], "spans are offsets into the article"


def test_panels_series_network_and_map(client):
    panel = client.get("/api/panel", params={"dyad": "USA-RUS", "undirected": True}).json()
    assert panel["total"] > 0 and {"period", "actor", "recipient", "events", "articles"} <= set(panel["items"][0])
    series = client.get("/api/series", params={"freq": "month"}).json()["items"]
    assert series and {s["quad"] for s in series} <= {1, 2, 3, 4}
    network = client.get("/api/network").json()
    assert any(e["source"] == "USA" and e["target"] == "RUS" for e in network["edges"])
    assert {n["id"] for n in network["nodes"]} >= {"USA", "RUS"}
    points = client.get("/api/map").json()["points"]
    assert points and all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in points)


def test_actors_with_offices_over_time(client):
    body = client.get("/api/actors", params={"q": "Kerry", "on": "2010-06-01"}).json()
    person = next(item for item in body["items"] if item["kind"] == "person")
    assert person["role"]["sector"] == "LEG" and len(person["offices"]) >= 2


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/api/events", {"type": "ATTACK"}, 422, "unknown event type"),
        ("/api/events", {"since": "yesterday"}, 422, "since"),
        ("/api/events", {"limit": 0}, 422, "limit"),
        ("/api/events", {"quad": 9}, 422, "quad"),
        ("/api/panel", {"freq": "hourly"}, 422, "freq"),
        ("/api/events/nothing-here", {}, 404, "no event or mention"),
        ("/api/articles/nothing-here", {}, 404, "no article"),
    ],
)
def test_errors_are_json_with_the_right_status(client, path, params, status, message):
    response = client.get(path, params=params)
    assert response.status_code == status and message in response.json()["detail"]


def test_reviews_are_stored_shown_and_exported_as_gold(client, store):
    event = usa_rus_consult(client)
    created = client.post("/api/reviews", json={"target": event["cluster_id"], "verdict": "correct", "reviewer": "test"})
    assert created.status_code == 201 and created.json()["mentions"]
    detail = client.get(f"/api/events/{event['cluster_id']}").json()
    assert detail["reviews"][0]["verdict"] == "correct"
    gold = client.get("/api/reviews/gold").text.splitlines()
    assert gold and '"CONSULT"' in gold[0]
    bad = client.post("/api/reviews", json={"target": event["cluster_id"], "verdict": "fixed", "event": "ATTACK"})
    assert bad.status_code == 422 and "unknown event type" in bad.json()["detail"]
    missing = client.post("/api/reviews", json={"target": "c-none", "verdict": "wrong"})
    assert missing.status_code == 404


def test_reviews_survive_recoding(client, store):
    from detente.jobs.ingest import recode

    event = usa_rus_consult(client)
    client.post("/api/reviews", json={"target": event["cluster_id"], "verdict": "fixed", "event": "AGREE"})
    recode(store, everything=True)
    after = usa_rus_consult(client)
    verdicts = [r["verdict"] for r in client.get(f"/api/events/{after['cluster_id']}").json()["reviews"]]
    assert "fixed" in verdicts


def test_writes_need_the_token_when_the_server_has_one(guarded):
    target = usa_rus_consult(guarded)["cluster_id"]
    assert guarded.post("/api/reviews", json={"target": target, "verdict": "correct"}).status_code == 401
    ok = guarded.post("/api/reviews", json={"target": target, "verdict": "correct"}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 201
    assert guarded.get("/api/summary").status_code == 200, "reads stay open"
