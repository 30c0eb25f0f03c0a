from datetime import date

import pytest

from detente.actors.kb import KnowledgeBaseError, build_kb, load_kb, parse_kb_date
from detente.actors.offices import equivalent_offices

KB = load_kb()


def test_every_state_has_a_country_row_with_adjectives():
    assert len(KB.countries) >= 195
    assert "Russian" in KB.countries["RUS"].adjectives
    assert "Moscow" in KB.countries["RUS"].capitals


def test_a_one_letter_slip_in_a_country_name_is_read_as_that_country():
    assert KB.misspelt_country("Afganistan") == "country:AFG"  # a letter left out
    assert KB.misspelt_country("Isreali") == "demonym:ISR"  # two swapped
    assert KB.misspelt_country("Venezuala") == "country:VEN"  # one changed
    assert KB.misspelt_country("Afghanistan") is None  # spelt right: the plain lookup's job


def test_names_in_their_own_right_are_no_misspellings():
    assert KB.misspelt_country("Columbia") is None  # a university, a river, US towns
    assert KB.misspelt_country("Georgina") is None  # a first name
    assert KB.misspelt_country("Isreal") is None  # too short to tell a slip from another name


def test_roles_change_over_time():
    kerry = KB.person("Kerry")
    assert (kerry.role_on(date(2010, 6, 1)).country, kerry.role_on(date(2010, 6, 1)).sector) == ("USA", "LEG")
    assert kerry.role_on(date(2016, 3, 24)).office == "secretary of state"
    assert kerry.role_on(None).office == "secretary of state"  # best known, for undated text


def test_after_the_last_office_a_person_is_a_former_official():
    role = KB.person("Kerry").role_on(date(2025, 1, 1))
    assert role.sector == "ELI" and role.office.startswith("former")


def test_office_holder_on_a_date():
    assert KB.holder("USA", "secretary of state", date(2016, 3, 24)).name == "John Kerry"
    assert KB.holder("USA", "secretary of state", date(2010, 3, 24)).name == "Hillary Clinton"
    assert "secretary of state" in equivalent_offices("foreign minister")


def test_organisations_with_dated_roles():
    taliban = "Taliban"
    assert KB.organization(taliban, date(2015, 1, 1)).sector == "REB"
    assert KB.organization(taliban, date(2022, 1, 1)).sector == "GOV"
    assert KB.organization(taliban, None).sector == "REB"  # the role held longest


def test_wikidata_ids_only_where_given():
    assert KB.person("Putin").qid == "Q7747"
    assert KB.person("Lavrov").qid in (None, "Q1124")


def write(dir_, name, text):
    path = dir_ / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_user_overlay_adds_and_replaces_rows(tmp_path):
    header = "name\taliases\tcountry\tsector\toffice\tstart\tend\tqid\tbest_known\n"
    write(tmp_path, "people/mine.tsv", header
          + "Ada Example\tExample\tNOR\tGOV\tforeign minister\t2015-01\t2017-06\t\ty\n"
          + "John Kerry\tKerry\tUSA\tGOV\tsecretary of state\t2013-02-01\t2017-01-20\t\ty\n")
    kb = build_kb([__import__("detente.actors.kb", fromlist=["_data_dir"])._data_dir(), tmp_path])
    assert kb.person("Example").role_on(date(2016, 1, 1)).country == "NOR"
    assert len(kb.person("Kerry").offices) == 1  # the overlay's rows replace the packaged ones


def test_malformed_rows_name_file_and_line(tmp_path):
    header = "name\taliases\tcountry\tsector\toffice\tstart\tend\tqid\tbest_known\n"
    write(tmp_path, "people/bad.tsv", header + "X Y\t\tUSA\tGOV\tpresident\t2016-13-01\t\t\ty\n")
    with pytest.raises(KnowledgeBaseError, match=r"bad.tsv:2: '2016-13-01'"):
        build_kb([tmp_path])
    write(tmp_path, "people/bad.tsv", header + "X Y\t\tUSA\tGOV\tpresident\t2016\t2015\t\ty\n")
    with pytest.raises(KnowledgeBaseError, match="ends before it starts"):
        build_kb([tmp_path])


def test_partial_dates_round_to_the_period():
    assert parse_kb_date("2016-03", end=False, where="x") == date(2016, 3, 1)
    assert parse_kb_date("2016-02", end=True, where="x") == date(2016, 2, 29)
    assert parse_kb_date("2015", end=True, where="x") == date(2015, 12, 31)
