"""Modality through the coder: cue words count only in the trigger's scope."""

from detente.records import Modality


def modalities(events, event_type):
    return {e.modality for e in events if e.event == event_type}


def test_plain_past_is_asserted(code):
    assert modalities(code("Turkey shot down a Russian warplane."), "ASSAULT") <= {Modality.ASSERTED}


def test_negation_on_the_trigger(code):
    assert modalities(code("Obama did not meet Putin in Paris."), "CONSULT") == {Modality.NEGATED}


def test_modal_and_speculation_noun(code):
    assert modalities(code("Russia could release the Ukrainian pilot."), "RETREAT") == {Modality.SPECULATIVE}
    events = code("There is speculation that Ukraine might free two Russian soldiers.")
    assert modalities(events, "RETREAT") == {Modality.SPECULATIVE}


def test_future_and_intention(code):
    assert modalities(code("Kerry will meet Lavrov in Geneva."), "CONSULT") == {Modality.FUTURE}
    assert modalities(code("Tehran plans to hold talks with Riyadh."), "CONSULT") == {Modality.FUTURE}


def test_refusal_negates_the_refused_act(code):
    events = code("Iran refused to release the British tanker.")
    assert modalities(events, "RETREAT") == {Modality.NEGATED}
    assert modalities(events, "REJECT") == {Modality.ASSERTED}


def test_allegation(code):
    events = code("Ukraine accused Russia of shelling the town.")
    assert modalities(events, "ASSAULT") <= {Modality.ALLEGED}
    assert modalities(events, "ACCUSE") == {Modality.ASSERTED}


def test_cue_outside_the_scope_does_not_count(code):
    # "could" belongs to the reporting clause's neighbour, not to the meeting
    events = code("Kerry met Lavrov on Monday, and officials said a deal could follow.")
    assert modalities(events, "CONSULT") == {Modality.ASSERTED}
