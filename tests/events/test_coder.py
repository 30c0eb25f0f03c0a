"""The coder on constructions, with sentences written for these tests (dates are publication-relative)."""

from __future__ import annotations

from support import triples

from detente.records import Modality


def asserted(events):
    return [e for e in events if e.modality is Modality.ASSERTED]


def test_active_verb_subject_and_object(code):
    events = code("Russian warplanes bombed rebel positions near Aleppo on Monday.")
    [bombing] = [e for e in events if e.event == "ASSAULT"]
    assert bombing.actor.code == "RUS" and bombing.actor.sector == "MIL"
    assert bombing.date.value == "2016-03-21" and bombing.date.source == "text"
    assert bombing.event_loc.country_code == "SYR"
    assert bombing.evidence.trigger.text == "bombed"


def test_passive_with_agent(code):
    events = code("Two Indian soldiers were killed by Pakistani troops on Sunday.")
    assert ("PAK MIL", "ASSAULT", "IND MIL") in triples(events)
    [kill] = [e for e in events if e.event == "ASSAULT"]
    assert kill.date.value == "2016-03-20"


def test_coordinated_subject_of_a_joint_action_gives_both_directions(code):
    events = code("Iran and Saudi Arabia agreed to restore diplomatic relations.")
    agree = [e for e in events if e.event == "AGREE"]
    assert {(e.actor.code, e.recipient.code) for e in agree} == {("IRN", "SAU"), ("SAU", "IRN")}
    assert len({e.group_id for e in agree}) == 1
    assert len({e.event_id for e in agree}) == 2


def test_compound_actor_with_a_recipient_gives_one_record_per_actor(code):
    events = code("Britain and France condemned Syria over the chemical attack.")
    accuse = {(e.actor.code, e.recipient.code) for e in events if e.event == "ACCUSE"}
    assert accuse == {("GBR", "SYR"), ("FRA", "SYR")}


def test_negation_is_not_an_asserted_event(code):
    events = code("The Chinese foreign minister did not meet the Japanese prime minister in Beijing.")
    consult = [e for e in events if e.event == "CONSULT"]
    assert consult and all(e.modality is Modality.NEGATED for e in consult)


def test_refusal_is_a_reject_and_the_refused_act_is_not_asserted(code):
    events = code("Russia refused to extradite the suspects to Britain.")
    assert ("RUS -", "REJECT", "GBR -") in triples(events)


def test_reported_speech_codes_the_complement_and_keeps_the_speaker(code):
    events = code("Syrian rebels attacked a Syrian army checkpoint near Homs, the state news agency said.")
    [attack] = [e for e in events if e.event == "ASSAULT"]
    assert (attack.actor.code, attack.actor.sector) == ("SYR", "REB")
    assert (attack.recipient.code, attack.recipient.sector) == ("SYR", "MIL")
    assert attack.quote is not None and not attack.quote.direct


def test_direct_quote_first_person_is_the_speaker(code):
    events = code('"We agreed to reopen the border crossing," the Pakistani foreign minister said.')
    [agree] = [e for e in events if e.event == "AGREE"]
    assert (agree.actor.code, agree.actor.sector) == ("PAK", "GOV")
    assert agree.quote is not None and agree.quote.direct


def test_pronoun_resolves_to_the_nearest_person(code):
    events = code("Angela Merkel arrived in Athens on Tuesday. She criticized the Greek government over its budget.")
    [accuse] = [e for e in events if e.event == "ACCUSE"]
    assert accuse.actor.identifier_text == "Angela Merkel" and accuse.actor.resolution == "pronoun"
    assert (accuse.recipient.code, accuse.recipient.sector) == ("GRC", "GOV")


def test_roles_are_chosen_by_the_event_date(code):
    as_senator = code("John Kerry met Sergei Lavrov in Washington.", published="2010-06-01")
    as_secretary = code("John Kerry met Sergei Lavrov in Washington.", published="2016-03-24")
    assert ("USA LEG", "CONSULT", "RUS GOV") in triples(as_senator)
    assert ("USA GOV", "CONSULT", "RUS GOV") in triples(as_secretary)


def test_a_role_stated_in_the_text_wins_over_the_knowledge_base(code):
    events = code("Ukrainian pilot Nadiya Savchenko was sentenced by a Russian court on Tuesday.")
    [coerce] = [e for e in events if e.event == "COERCE"]
    assert (coerce.actor.code, coerce.actor.sector) == ("RUS", "JUD")
    assert (coerce.recipient.code, coerce.recipient.sector) == ("UKR", "MIL")
    assert coerce.date.value == "2016-03-22"


def test_relative_clause_object(code):
    events = code("Nadiya Savchenko, whom a Russian court sentenced on Tuesday to 22 years in jail, denied the charges.")
    [coerce] = [e for e in events if e.event == "COERCE"]
    assert (coerce.actor.code, coerce.actor.sector) == ("RUS", "JUD")
    assert coerce.recipient.identifier_text == "Nadiya Savchenko"
    assert coerce.date.value == "2016-03-22"


def test_office_description_resolves_to_the_office_holder_on_that_date(code):
    [consult, *_] = [e for e in code("The US secretary of state met the Chinese foreign minister in Beijing.",
                                     published="2016-01-27") if e.event == "CONSULT"]
    assert consult.actor.identifier_text == "John Kerry"
    assert consult.recipient.identifier_text == "Wang Yi"


def test_speculation_and_conditions_are_not_facts(code):
    events = code("There is speculation that Iran could release the detained American sailors.")
    assert events and all(e.modality is Modality.SPECULATIVE for e in events if e.event == "RETREAT")
    future = code("If the talks fail, Ukraine will deploy more troops to the east.")
    assert all(e.modality is not Modality.ASSERTED for e in future if e.event == "MOBILIZE")


def test_intentions_and_future_are_marked(code):
    events = code("Putin will visit Japan in December.")
    [visit] = [e for e in events if e.event == "CONSULT"]
    assert visit.modality is Modality.FUTURE and visit.mode == "visit"
    assert visit.recipient.code == "JPN"
    assert visit.date.value == "2016-12"


def test_call_on_x_to_is_a_request_to_x(code):
    events = code("The UN secretary-general called on Israel to halt settlement construction.")
    [request] = [e for e in events if e.event == "REQUEST"]
    assert request.actor.code == "UNO" and request.recipient.code == "ISR"
    assert request.cameo.startswith("02")


def test_talks_between_x_and_y_are_reciprocal_and_located(code):
    events = code("Talks between Armenia and Azerbaijan resumed in Moscow.")
    consult = [e for e in events if e.event == "CONSULT"]
    assert {(e.actor.code, e.recipient.code) for e in consult} == {("ARM", "AZE"), ("AZE", "ARM")}
    assert all(e.event_loc.resolved_place == "Moscow" and e.event_loc.geonameid for e in consult)


def test_possessive_meeting_with(code):
    events = code("Modi's meeting with Shinzo Abe in Tokyo lasted an hour.")
    assert ("IND GOV", "CONSULT", "JPN GOV") in triples(events)


def test_light_verb_sanctions(code):
    # international sanctions are SANCTION (discontinue) in the PLOVER manual, CAMEO 163
    events = code("The European Union imposed new sanctions on Russia.")
    [sanction] = [e for e in events if e.event == "SANCTION"]
    assert sanction.actor.code == "EUR" and sanction.recipient.code == "RUS" and sanction.mode == "discontinue"
    assert sanction.cameo == "163" and not [e for e in events if e.event == "COERCE"]


def test_capital_as_metonym_for_the_government(code):
    events = code("Washington accused Moscow of violating the treaty.")
    assert ("USA GOV", "ACCUSE", "RUS GOV") in triples(events)


def test_statements_without_an_event_stay_uncoded(code):
    assert code("The minister said the alliance must stay united.") == []
    assert all(e.event != "REQUEST" for e in code("Kerry called the attacks a violent reminder of the threat."))


def test_event_ids_are_deterministic(code):
    first = [e.event_id for e in code("Iran and Iraq agreed to reopen their border crossings.")]
    again = [e.event_id for e in code("Iran and Iraq agreed to reopen their border crossings.")]
    assert first == again and len(set(first)) == len(first)


def test_evidence_spans_point_into_the_text(code):
    text = "Kerry met Lavrov in Moscow on Thursday."
    for event in code(text):
        for span in (event.evidence.trigger, event.evidence.actor, event.evidence.recipient, event.evidence.place):
            if span is not None:
                assert text[span.start : span.end] == span.text
