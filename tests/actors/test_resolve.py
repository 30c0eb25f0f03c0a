"""Actor resolution through the coder, on sentences written for these tests."""

from support import triples


def test_adjective_and_role_noun_give_country_and_sector(code):
    events = code("A Russian court sentenced an Estonian journalist to six years.")
    assert ("RUS JUD", "COERCE", "EST JRN") in triples(events)


def test_capital_names_the_government(code):
    assert ("CHN GOV", "ACCUSE", "JPN GOV") in triples(code("Beijing condemned Tokyo over the visit."))


def test_organisations_from_the_knowledge_base(code):
    events = code("NATO condemned the missile launch by North Korea.")
    [accuse] = [e for e in events if e.event == "ACCUSE"]
    assert accuse.actor.identifier_text == "North Atlantic Treaty Organization" or accuse.actor.code == "IGO"


def test_the_two_countries_refers_to_the_last_pair(code):
    events = code("Iran and Iraq agreed to reopen the border. The two countries also discussed trade.")
    consult = [e for e in events if e.event == "CONSULT"]
    assert {(e.actor.code, e.recipient.code) for e in consult} == {("IRN", "IRQ"), ("IRQ", "IRN")}


def test_definite_description_finds_its_antecedent(code):
    text = "Ukrainian pilot Nadiya Savchenko was captured in 2014. A Russian court sentenced the pilot on Tuesday."
    [coerce] = [e for e in code(text) if e.event == "COERCE" and e.recipient]
    assert (coerce.recipient.code, coerce.recipient.sector) == ("UKR", "MIL")
    assert coerce.recipient.resolution == "definite-description"


def test_cataphoric_possessive(code):
    events = code("In his talks with Sergei Lavrov, John Kerry raised the case of the pilot.")
    [talks] = [e for e in events if e.event == "CONSULT" and e.actor.identifier_text == "John Kerry"]
    assert talks.recipient.identifier_text == "Sergei Lavrov"


def test_typed_actors_take_the_country_of_the_place(code):
    events = code("Gunmen kidnapped two Chinese engineers in northern Cameroon.")
    [kidnap] = [e for e in events if e.event == "ASSAULT"]
    assert (kidnap.actor.code, kidnap.actor.sector) == ("CMR", "UAF")
    assert kidnap.recipient.code == "CHN"
