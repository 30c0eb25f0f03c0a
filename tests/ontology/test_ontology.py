"""Usage examples and consistency checks for detente.ontology."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from detente.ontology import Ontology, OntologyError, load_ontology

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}


@pytest.fixture(scope="module")
def onto() -> Ontology:
    return load_ontology()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged data files, for corrupting one of them."""
    packaged = resources.files("detente.ontology").joinpath("data")
    for name in ("plover.yaml", "cameo_plover.tsv"):
        with resources.as_file(packaged.joinpath(name)) as src:
            shutil.copy(src, tmp_path / name)
    return tmp_path


def test_quickstart(onto: Ontology) -> None:
    assert onto.event_types["CONSULT"].quad == 1
    assert onto.intensity("CONSULT", "visit") == 4.0
    assert onto.intensity("CONSULT") == 2.5
    assert onto.quad("ASSAULT") == 4
    assert onto.cameo_for("CONSULT", "visit") == "042"
    assert onto.cameo["0311"].event == "AGREE"
    assert onto.is_valid_mode("ASSAULT", "aerial")
    assert not onto.is_valid_mode("CONSULT", "aerial")
    assert onto.version == "Draft 2.0"


def test_load_is_cached(onto: Ontology) -> None:
    assert load_ontology() is onto


def test_sixteen_event_types_with_the_detente_quad_table(onto: Ontology) -> None:
    assert set(onto.event_types) == PLOVER_TYPES
    quads = {name: etype.quad for name, etype in onto.event_types.items()}
    assert {n for n, q in quads.items() if q == 1} == {"AGREE", "CONSULT", "SUPPORT", "CONCEDE"}
    assert {n for n, q in quads.items() if q == 2} == {"COOPERATE", "AID", "RETREAT"}
    assert {n for n, q in quads.items() if q == 3} == {
        "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION"}
    assert {n for n, q in quads.items() if q == 4} == {"PROTEST", "MOBILIZE", "COERCE", "ASSAULT"}
    assert dict(onto.quads) == {
        0: "neutral / statement", 1: "verbal cooperation", 2: "material cooperation",
        3: "verbal conflict", 4: "material conflict"}


def test_recipient_rules(onto: Ontology) -> None:
    required = {n for n, e in onto.event_types.items() if e.requires_recipient}
    assert required == {"COOPERATE", "AID", "SANCTION"}


def test_implied_recipients(onto: Ontology) -> None:
    implied = {n: (e.implied_recipient, e.implied_sector) for n, e in onto.event_types.items()
               if e.implied_recipient != "none"}
    assert implied == {"PROTEST": ("place-or-home", "GOV"), "COERCE": ("place-or-home", None),
                       "CONCEDE": ("place-or-home", None), "AID": ("place", None)}


def test_an_unknown_implied_recipient_is_refused(data_copy: Path) -> None:
    yaml_file = data_copy / "plover.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("implied_recipient: place-or-home", "implied_recipient: somewhere", 1), "utf-8")
    with pytest.raises(OntologyError, match="implied_recipient: 'somewhere' is not one of none, place, place-or-home"):
        load_ontology(data_copy)


def test_intensities_are_on_the_plover_scale(onto: Ontology) -> None:
    for etype in onto.event_types.values():
        assert -10.0 <= etype.intensity <= 10.0
        for mode in etype.modes.values():
            assert -10.0 <= mode.intensity <= 10.0
            if not mode.scored:
                assert mode.intensity == etype.intensity
    # Cooperation scores positive, conflict scores at most zero (REQUEST is exactly 0).
    for etype in onto.event_types.values():
        assert (etype.intensity > 0) == (etype.quad in (1, 2)), etype.name
    assert onto.intensity("ASSAULT", "unconventional") == -10.0
    assert onto.intensity("PROTEST", "vandalize") == onto.intensity("PROTEST")
    assert onto.intensity("ACCUSE", "no-such-mode") == onto.intensity("ACCUSE")


def test_modes_per_type(onto: Ontology) -> None:
    assert set(onto.event_types["CONSULT"].modes) == {"visit", "third-party", "phone",
                                                      "multilateral"}
    assert set(onto.event_types["REQUEST"].modes) == set(onto.event_types["REJECT"].modes)
    assert "ceasefire" in onto.event_types["RETREAT"].modes
    assert "suicide-attack" in onto.event_types["ASSAULT"].modes
    for name in ("AGREE", "SUPPORT", "CONCEDE", "COOPERATE", "AID"):
        assert not onto.event_types[name].modes


def test_every_crosswalk_event_is_a_known_type(onto: Ontology) -> None:
    for row in onto.cameo.values():
        assert row.event is None or row.event in PLOVER_TYPES, row.code


def test_every_crosswalk_mode_exists_or_is_flagged(onto: Ontology) -> None:
    for row in onto.cameo.values():
        if row.mode and row.event and not onto.is_valid_mode(row.event, row.mode):
            assert row.note and row.mode in row.note, row.code
        for context in row.context:
            if not onto.is_valid_context(context):
                assert row.note and context in row.note, row.code


def test_crosswalk_coverage(onto: Ontology) -> None:
    statements = [c for c in onto.cameo if c[:2] in ("01", "02")]
    assert len(statements) == 21  # 01, 010-019, 02, 020-028
    assert all(onto.cameo[c].event is None for c in statements)
    assert all(len(c) in (2, 3, 4) and c.isdigit() for c in onto.cameo)
    assert {c for c in onto.cameo if len(c) == 2} == {f"{i:02d}" for i in range(1, 21)}
    assert onto.cameo["175"].note  # listed twice in the source crosswalk
    assert onto.cameo["08"].event == "CONCEDE" and onto.cameo["084"].event == "RETREAT"


def test_cameo_root_of_each_type_maps_back(onto: Ontology) -> None:
    for etype in onto.event_types.values():
        assert onto.cameo_for(etype.name) == etype.cameo_root
        assert onto.plover_for_cameo(etype.cameo_root).event == etype.name


@pytest.mark.parametrize(
    ("code", "event", "mode", "context"),
    [
        ("042", "CONSULT", "visit", ()),
        ("0311", "AGREE", None, ("economic",)),
        ("1123", "ACCUSE", "allege", ("military",)),
        ("0871", "RETREAT", "ceasefire", ("military",)),
        ("145", "PROTEST", "riot", ()),
        ("183", "ASSAULT", "suicide-attack", ()),
        ("2042", "ASSAULT", "unconventional", ("cbrn",)),
        ("036", "AGREE", None, ("diplomatic",)),
        ("020", None, None, ()),
    ],
)
def test_plover_for_cameo(onto: Ontology, code: str, event: str | None, mode: str | None,
                          context: tuple[str, ...]) -> None:
    assert onto.plover_for_cameo(code) == (event, mode, context)


def test_plover_for_cameo_walks_up_to_the_parent(onto: Ontology) -> None:
    assert "0315" not in onto.cameo
    assert onto.plover_for_cameo("0315") == onto.plover_for_cameo("031")
    assert onto.plover_for_cameo("0211").event is None  # appeals are not coded
    with pytest.raises(ValueError):
        onto.plover_for_cameo("21")
    with pytest.raises(ValueError):
        onto.plover_for_cameo("abc")


def test_strict_mapping_drops_modes_outside_the_manual(onto: Ontology) -> None:
    assert onto.plover_for_cameo("186").mode == "assassinate"
    assert onto.plover_for_cameo("186", strict=True).mode is None
    assert onto.plover_for_cameo("073", strict=True).context == ()
    assert onto.plover_for_cameo("042", strict=True) == onto.plover_for_cameo("042")


@pytest.mark.parametrize(
    ("event", "mode", "expected"),
    [
        ("CONSULT", "visit", "042"),
        ("CONSULT", "phone", "041"),
        ("CONSULT", None, "040"),
        ("ACCUSE", "disapprove", "110"),
        ("ACCUSE", "investigate", "090"),
        ("RETREAT", "ceasefire", "0871"),
        ("ASSAULT", "firearms", "193"),
        ("ASSAULT", "drone", "180"),  # no CAMEO code uses the mode: fall back to the root
    ],
)
def test_cameo_for(onto: Ontology, event: str, mode: str | None, expected: str) -> None:
    assert onto.cameo_for(event, mode) == expected


def test_cameo_for_prefers_the_requested_context(onto: Ontology) -> None:
    assert onto.cameo_for("AID", context="humanitarian") == "073"
    assert onto.cameo_for("ACCUSE", "allege", context="military") == "1123"
    assert onto.cameo_for("AGREE", context="no-such-context") == "030"


def test_cameo_for_round_trips_every_mapped_mode(onto: Ontology) -> None:
    for row in onto.cameo.values():
        if row.event and row.mode and len(row.code) > 2:
            back = onto.plover_for_cameo(onto.cameo_for(row.event, row.mode))
            assert (back.event, back.mode) == (row.event, row.mode), row.code


@pytest.mark.parametrize(
    ("code", "quad"),
    [("01", 0), ("020", 0), ("036", 1), ("057", 1), ("060", 2), ("073", 2), ("0874", 2),
     ("090", 3), ("112", 3), ("139", 3), ("160", 3), ("145", 4), ("154", 4), ("173", 4),
     ("190", 4), ("2042", 4)],
)
def test_quad_for_cameo(onto: Ontology, code: str, quad: int) -> None:
    assert onto.quad_for_cameo(code) == quad


def test_sectors_contexts_and_actor_codes(onto: Ontology) -> None:
    assert onto.sectors["GOV"].frequent and not onto.sectors["REF"].frequent
    assert len(onto.sectors) == 25
    assert {"diplomatic", "human_rights", "political_institutions"} <= set(onto.contexts)
    assert len(onto.contexts) == 37
    assert {c for c, a in onto.actor_codes.items() if a.kind == "non_state"} == {
        "IGO", "UNO", "EUR", "NGO", "ISM", "IMG", "MNC"}
    assert {c for c, a in onto.actor_codes.items() if a.kind == "territory"} == {
        "KOS", "PSE", "HKG", "ATA"}


def test_results_are_read_only(onto: Ontology) -> None:
    with pytest.raises(TypeError):
        onto.event_types["NEW"] = onto.event_types["AID"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        onto.event_types["AID"].quad = 3  # type: ignore[misc]


def test_copied_data_dir_loads(data_copy: Path) -> None:
    assert len(load_ontology(data_copy).cameo) == len(load_ontology().cameo)


def test_malformed_tsv_names_file_and_line(data_copy: Path) -> None:
    tsv = data_copy / "cameo_plover.tsv"
    lines = tsv.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("042\t"))
    lines[index] = "042\tMake a visit\tCONSULT\tvisit\t\t\textra"  # one cell too many
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(OntologyError, match=rf"cameo_plover\.tsv, line {index + 1}"):
        load_ontology(data_copy)


@pytest.mark.parametrize(
    "bad_row",
    [
        "042\tMake a visit\tCONSULTATION\tvisit",  # unknown event
        "042\tMake a visit\tCONSULT\tsubmarine",  # unknown mode, no note
        "042\tMake a visit\tCONSULT\tvisit\tweather",  # unknown context, no note
        "42x\tMake a visit\tCONSULT\tvisit",  # not a CAMEO code
        "042\tMake a visit \tCONSULT\tvisit",  # stray space
        "042",  # no label
    ],
)
def test_malformed_tsv_rows(data_copy: Path, bad_row: str) -> None:
    tsv = data_copy / "cameo_plover.tsv"
    text = tsv.read_text(encoding="utf-8").replace("042\tMake a visit\tCONSULT\tvisit\n",
                                                   bad_row + "\n")
    assert bad_row + "\n" in text
    tsv.write_text(text, encoding="utf-8")
    with pytest.raises(OntologyError, match=r"cameo_plover\.tsv"):
        load_ontology(data_copy)


def test_malformed_yaml_names_file_and_entry(data_copy: Path) -> None:
    yml = data_copy / "plover.yaml"
    text = yml.read_text(encoding="utf-8")
    text = text.replace("    intensity: -9.0\n", "    intensity: -19.0\n")
    yml.write_text(text, encoding="utf-8")
    with pytest.raises(OntologyError, match=r"plover\.yaml: event_types\.ASSAULT"):
        load_ontology(data_copy)


def test_unparseable_yaml(data_copy: Path) -> None:
    (data_copy / "plover.yaml").write_text("event_types: [unclosed\n", encoding="utf-8")
    with pytest.raises(OntologyError, match="invalid YAML"):
        load_ontology(data_copy)
    assert issubclass(OntologyError, ValueError)
