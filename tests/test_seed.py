"""Acceptance on the canonical article (../shared/seed): the events a demanding reader expects."""

from __future__ import annotations

import pytest

from detente.ingest import read_source
from detente.pipeline import code_articles
from detente.records import Modality


@pytest.fixture(scope="module")
def seed_events(seed_path, nlp):
    [coded] = list(code_articles(read_source(seed_path)))
    return coded.article, coded.events


def find(events, event, actor=None, recipient=None, modality=Modality.ASSERTED):
    return [
        e for e in events
        if e.event == event and e.modality is modality
        and (actor is None or (e.actor.code, e.actor.sector) == actor)
        and (recipient is None or (e.recipient is not None and (e.recipient.code, e.recipient.sector) == recipient))
    ]


def test_publication_date_comes_from_the_byline(seed_events):
    article, _ = seed_events
    assert article.published.isoformat() == "2016-03-24"


def test_kerry_putin_talks_are_a_consult_in_moscow_on_the_24th(seed_events):
    _, events = seed_events
    talks = find(events, "CONSULT", ("USA", "GOV"), ("RUS", "GOV"))
    kremlin = [e for e in talks if e.recipient.identifier_text == "Vladimir Putin" and e.event_loc is not None]
    assert kremlin, [(e.actor.label, e.recipient and e.recipient.label, e.event_loc) for e in talks]
    assert kremlin[0].actor.identifier_text == "John Kerry"
    assert kremlin[0].date.value == "2016-03-24"
    assert kremlin[0].event_loc.country_code == "RUS" and "Moscow" in kremlin[0].event_loc.resolved_place


def test_their_agreement_is_an_agree(seed_events):
    _, events = seed_events
    assert find(events, "AGREE", ("USA", "GOV"), ("RUS", "GOV"))


def test_the_court_sentence_of_savchenko(seed_events):
    _, events = seed_events
    [sentence, *_] = find(events, "COERCE", ("RUS", "JUD"), ("UKR", "MIL"))
    assert sentence.date.value == "2016-03-22" and sentence.date.source == "text"
    assert "Savchenko" in sentence.recipient.entity_text


def test_calls_for_her_release_are_a_request_to_russia(seed_events):
    _, events = seed_events
    assert find(events, "REQUEST", ("USA", "GOV"), ("RUS", "GOV"))


def test_russias_refusal_is_a_reject(seed_events):
    _, events = seed_events
    assert find(events, "REJECT", ("RUS", None))


def test_brussels_attacks_are_an_assault_in_belgium(seed_events):
    _, events = seed_events
    attacks = [e for e in find(events, "ASSAULT") if e.event_loc is not None and e.event_loc.country_code == "BEL"]
    assert attacks


def test_the_speculated_prisoner_exchange_is_not_asserted(seed_events):
    _, events = seed_events
    speculation_sentence = [e for e in events if "speculation" in e.evidence.sentence and e.evidence.trigger.text == "released"]
    assert all(e.modality is not Modality.ASSERTED for e in speculation_sentence)
    assert not [e for e in events if e.event == "RETREAT" and e.modality is Modality.ASSERTED]


def test_named_actors_resolve_to_country_and_sector(seed_events):
    _, events = seed_events
    people = {}
    for e in events:
        for entity in (e.actor, e.recipient):
            if entity is not None and entity.identifier_text:
                people[entity.identifier_text] = (entity.code, entity.sector)
    expected = {"John Kerry": ("USA", "GOV"), "Vladimir Putin": ("RUS", "GOV"), "Sergei Lavrov": ("RUS", "GOV"),
                "Frank-Walter Steinmeier": ("DEU", "GOV")}
    for name, role in expected.items():
        assert people.get(name) == role, (name, people.get(name))


def test_every_event_carries_its_provenance(seed_events):
    article, events = seed_events
    assert events
    for e in events:
        assert article.text[e.text_info.start : e.text_info.end] == e.evidence.sentence
        assert article.text[e.evidence.trigger.start : e.evidence.trigger.end] == e.evidence.trigger.text
        assert e.model.startswith("en_core_web_sm") and e.coder.startswith("detente-")
