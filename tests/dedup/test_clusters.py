"""Canonical events: one real event reported by several articles is counted once, with its
independent sources; a person's split and merge decisions survive rebuilds."""

from __future__ import annotations

import json

import pytest
from support import make_article, make_event

from detente.dedup.clusters import cluster_events
from detente.dedup.links import same_actors
from detente.dedup.decisions import record_merge, record_split
from detente.evaluate.clusters import evaluate_clusters
from detente.jobs.ingest import ingest
from detente.store import Store, StoredArticle, StoreError

WIRE = (
    "GENEVA (Reuters) - U.S. Secretary of State John Kerry met Russian Foreign Minister Sergei Lavrov "
    "in Geneva on Friday to discuss a ceasefire in Syria and the delivery of aid to besieged towns.\n\n"
    "The two men spoke for several hours at a hotel on the lake shore. Officials said they had agreed to "
    "keep working on the details of a truce, but no date for a ceasefire was announced.\n\n"
    "Kerry told reporters afterwards that the talks had been frank and that the two countries still "
    "disagreed about the future of the Syrian government."
)
OWN_REPORT = (
    "Russia's top diplomat Sergei Lavrov and U.S. Secretary of State John Kerry held talks in Geneva on "
    "Friday about Syria, where a truce has proved elusive.\n\n"
    "The meeting, at a lakeside hotel, ran for several hours. Lavrov said afterwards that Moscow and "
    "Washington understood each other better, though the fate of President Bashar al-Assad still divided them."
)
OTHER_MEETING = (
    "Russian Foreign Minister Sergei Lavrov met Chinese Foreign Minister Wang Yi in Beijing on Monday to "
    "discuss trade between the two countries and the situation on the Korean peninsula.\n\n"
    "The ministers signed a plan for consultations over the next two years."
)


def write_corpus(path):
    records = [
        {"id": "w1", "text": WIRE, "url": "https://wire.example/geneva", "source": "Reuters", "published": "2016-01-22"},
        {"id": "p1", "text": WIRE, "url": "https://paper.example/world/geneva-talks", "source": "Daily Paper",
         "published": "2016-01-22"},
        {"id": "o1", "text": OWN_REPORT, "url": "https://other.example/syria", "source": "Other News", "published": "2016-01-23"},
        {"id": "b1", "text": OTHER_MEETING, "url": "https://wire.example/beijing", "source": "Reuters", "published": "2016-01-25"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")


@pytest.fixture
def geneva(tmp_path, nlp):
    corpus = tmp_path / "geneva.jsonl"
    write_corpus(corpus)
    store = Store.open(tmp_path / "g.duckdb")
    ingest(store, [str(corpus)])
    yield store
    store.close()


def consults(store, dyad=("USA", "RUS")):
    return store.con.execute(
        """SELECT cluster_id, n_mentions, n_articles, n_sources, reciprocal FROM event_clusters
           WHERE event = 'CONSULT' AND ((actor_code = ? AND recipient_code = ?) OR (actor_code = ? AND recipient_code = ?))""",
        [dyad[0], dyad[1], dyad[1], dyad[0]],
    ).fetchall()


def test_a_meeting_reported_three_times_with_one_reprint_is_one_event_from_two_sources(geneva):
    groups = dict(geneva.con.sql(
        "SELECT a.source_id, g.dup_group FROM articles a JOIN article_groups g USING (article_id)"
    ).fetchall())
    assert groups["w1"] == groups["p1"] != groups["o1"], "the reprint is a copy of the wire story"
    meetings = consults(geneva)
    assert len(meetings) == 1, meetings
    _, mentions, articles, sources, reciprocal = meetings[0]
    assert (articles, sources) == (3, 2), "three articles, but the reprint is not an independent source"
    assert reciprocal and mentions >= 3
    assert len(consults(geneva, ("RUS", "CHN"))) == 1, "Lavrov's meeting in Beijing is another event"
    total = geneva.con.sql("SELECT count(*) FROM mention_clusters").fetchall()[0][0]
    assert geneva.con.sql("SELECT count(*) FROM event_clusters").fetchall()[0][0] < total


def test_decisions_survive_a_rebuild(geneva):
    (cluster_id, mentions, *_), = consults(geneva)
    own = [r[0] for r in geneva.con.execute(
        """SELECT mc.event_id FROM mention_clusters mc JOIN articles a USING (article_id)
           WHERE mc.cluster_id = ? AND a.source_id = 'o1'""", [cluster_id]
    ).fetchall()]
    record_split(geneva, cluster_id, own, note="a reviewer thinks o1 reports another meeting")
    assert sorted(r[2] for r in consults(geneva)) == [1, 2]
    cluster_events(geneva)  # a rebuild from scratch keeps the split
    assert sorted(r[2] for r in consults(geneva)) == [1, 2]
    record_merge(geneva, [r[0] for r in consults(geneva)])
    cluster_events(geneva)
    assert [r[2] for r in consults(geneva)] == [3], "the later merge decision wins"
    with pytest.raises(StoreError, match="no event cluster"):
        record_split(geneva, "c-nonexistent", own)


def test_mentions_of_one_article_with_compatible_dates_are_one_event(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        events = [
            make_event("a", "CONSULT", "USA", "RUS", "2016-03-24"),
            make_event("a", "CONSULT", "RUS", "USA", "2016-03-24", sentence=1),  # the other direction
            make_event("a", "CONSULT", "USA", "RUS", "2016-03-10", sentence=2),  # another meeting
            make_event("a", "ACCUSE", "USA", "RUS", "2016-03-24", sentence=3, quad=3),
        ]
        store.add_articles([StoredArticle(make_article("a"), events, "coded")], "r", "c", "m")
        summary = cluster_events(store)
        assert (summary.mentions, summary.clusters) == (4, 3)
        rows = store.con.sql("SELECT event, date_value, n_mentions, reciprocal FROM event_clusters ORDER BY 1, 2").fetchall()
        assert rows == [("ACCUSE", "2016-03-24", 1, False), ("CONSULT", "2016-03-10", 1, False), ("CONSULT", "2016-03-24", 2, True)]


def test_actor_identity_uses_codes_and_names():
    base = {"actor_code": "USA", "recipient_code": "RUS", "actor_key": "kerry", "recipient_key": None}
    assert same_actors(base, {"actor_code": "RUS", "recipient_code": "USA", "actor_key": None, "recipient_key": "kerry"})
    assert same_actors(base, {"actor_code": None, "recipient_code": None, "actor_key": "kerry", "recipient_key": None})
    assert not same_actors(base, {"actor_code": "USA", "recipient_code": "CHN", "actor_key": None, "recipient_key": None})
    assert not same_actors(base, {"actor_code": "USA", "recipient_code": None, "actor_key": "obama", "recipient_key": None})
    assert not same_actors(base, {"actor_code": None, "recipient_code": None, "actor_key": None, "recipient_key": None})


def test_eval_clusters_scores_the_article_grouping(tmp_path, nlp):
    gold = tmp_path / "stories.jsonl"
    write_corpus(gold)
    records = [json.loads(line) for line in gold.read_text("utf-8").splitlines()]
    for record in records:
        record["story"] = "beijing" if record["id"] == "b1" else "geneva"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    report = evaluate_clusters(gold)
    assert (report.articles, report.stories) == (4, 2)
    assert report.pairs == {"gold": 3, "predicted": 3, "correct": 3}
    assert report.pairwise.f1 == 1.0 and report.bcubed.f1 == 1.0


@pytest.mark.parametrize("published", [None, "2016-03-24"])
@pytest.mark.parametrize("place", [None, "Moscow"])
@pytest.mark.parametrize("recipient", [None, "RUS"])
@pytest.mark.parametrize("source", ["text", "publication"])
def test_a_single_mention_summarises_as_the_general_path_would(published, place, recipient, source):
    from datetime import date

    from detente.dedup.summary import _alone, _combined

    mention = {
        "event": "CONSULT", "mode": None, "actor_code": "USA", "actor_sector": "GOV", "actor_name": "John Kerry",
        "recipient_code": recipient, "recipient_sector": "GOV" if recipient else None, "recipient_name": None,
        "date_value": "2016-03-24", "date_granularity": "day", "date_source": source, "place": place,
        "place_country": "RUS", "lat": 55.75 if place else None, "lon": 37.62 if place else None, "quad_code": 1,
        "event_scale": 1.0, "cameo": "040", "confidence": 0.8, "dup_group": "a", "source": "wire", "article_id": "a",
        "event_id": "e1", "sentence": "Kerry met Putin.", "trigger_text": "met",
        "published": date.fromisoformat(published) if published else None,
    }
    assert _alone("c1", mention) == _combined("c1", [mention])
