"""The scorer on hand-made predictions: what counts as a match."""

from detente.evaluate.gold import GoldActor, GoldEvent
from detente.evaluate.metrics import (
    Counts,
    actor_matches,
    bootstrap,
    event_matches,
    macro_f1,
    prf,
    score_plover,
    token_f1,
)
from detente.records import Entity, Event, Evidence, Modality, Span, TextInfo


def entity(code, sector=None):
    return Entity(code, sector, code or "")


def event(kind, actor, recipient=None, confidence=0.9, cameo=None, quad=1):
    return Event("id", "doc", "g", kind, None, None, actor, recipient, None, None, quad, 0.0, cameo,
                 Modality.ASSERTED, confidence, TextInfo(0, 0, 1), Evidence("s", Span(0, 1, "s"), "rule"))


def gold(kind, sources, targets=()):
    return GoldEvent(kind, None, tuple(GoldActor(t, c, s) for t, c, s in sources),
                     tuple(GoldActor(t, c, s) for t, c, s in targets))


def test_country_and_stateless_organisations():
    assert actor_matches(entity("RUS", "GOV"), GoldActor("Moscow", "RUS", None))
    assert actor_matches(entity("UNO"), GoldActor("UN", None, "IGO"))
    assert actor_matches(entity("EUR"), GoldActor("EU", None, "IGO"))
    assert not actor_matches(entity("USA"), GoldActor("Amnesty", None, "NGO"))
    assert not actor_matches(None, GoldActor("x", "RUS", None))


def test_joint_actions_match_either_direction():
    g = gold("AGREE", [("Israel", "ISR", None), ("Palestinians", "PSE", None)])
    assert event_matches(event("AGREE", entity("ISR"), entity("PSE")), g)
    assert event_matches(event("AGREE", entity("PSE"), entity("ISR")), g)
    assert not event_matches(event("AGREE", entity("ISR"), entity("EGY")), g)
    assert not event_matches(event("CONSULT", entity("ISR"), entity("PSE")), g)


def test_a_recipient_must_match_when_gold_has_targets():
    g = gold("ACCUSE", [("Iran", "IRN", "GOV")], [("US", "USA", None)])
    assert event_matches(event("ACCUSE", entity("IRN"), entity("USA")), g)
    assert not event_matches(event("ACCUSE", entity("IRN")), g)


def test_record_score_counts_types_events_and_sectors():
    g = [gold("ACCUSE", [("Iran", "IRN", "GOV")], [("US", "USA", None)])]
    predicted = [event("ACCUSE", entity("IRN", "GOV"), entity("USA")),
                 event("ACCUSE", entity("IRN", "GOV"), entity("USA"), confidence=0.5),  # same dyad: one prediction
                 event("THREATEN", entity("IRN"), entity("ISR"))]
    score = score_plover(predicted, g)
    assert (score.types["ACCUSE"].tp, score.types["THREATEN"].fp) == (1, 1)
    assert (score.events.tp, score.events.fp, score.events.fn) == (1, 1, 0)
    assert (score.sector_right, score.sector_total) == (1, 1)


def test_prf_macro_f1_and_token_f1():
    assert prf(Counts(0, 0, 0)) == (0.0, 0.0, 0.0)
    confusion = {(0, 0): 2, (1, 1): 1, (1, 0): 1}
    macro, per_class = macro_f1(confusion)
    assert per_class[0] == 0.8 and per_class[1] == 2 / 3 and per_class[2] == 0.0
    assert token_f1("the Iraqi troops", "Iraqi troops") == 0.8
    assert token_f1("", "x") == 0.0


def test_bootstrap_interval_contains_the_value_and_is_repeatable():
    items = [1] * 70 + [0] * 30
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    low, high = bootstrap(items, mean)
    assert low < 0.7 < high and (low, high) == bootstrap(items, mean)
