"""Wire credits: the credit line names the agency; a mention of it in a sentence does not."""

from __future__ import annotations

import pytest

from detente.dedup.wires import HEAD, TAIL, WIRES_ENV, credit_of, load_wires

FILLER = "The talks were expected to continue into the evening, officials said. " * 12


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("MOSCOW (Reuters) - Russia and the United States agreed on Thursday to keep talking.", "reuters"),
        ("By The Associated Press\n\nMOSCOW — Russia and the United States agreed on Thursday.", "ap"),
        ("MOSCOW, March 24 (AFP) - Russia and the United States agreed on Thursday.", "afp"),
        (f"MOSCOW — Russia and the United States agreed on Thursday. {FILLER}\n\n— AP", "ap"),
        (f"Russia and the United States agreed on Thursday. {FILLER} — AP", "ap"),
        ("BEIJING, March 5 (Xinhua) -- China's foreign minister met his Pakistani counterpart.", "xinhua"),
        ("Seoul (Yonhap) -- The two Koreas held military talks on Monday.", "yonhap"),
        (f"Paris agreed to send envoys. {FILLER}\n(With AFP)", "afp"),
        (f"Talks resume.\n{FILLER}\nCopyright 2016 The Associated Press. All rights reserved.", "ap"),
        ("By Lara Jakes, AP Diplomatic Writer\nWASHINGTON — The talks resumed.", "ap"),
        ("Berlin (dpa) - Germany's foreign minister travels to Kyiv on Monday.", "dpa"),
    ],
)
def test_credit_lines_name_the_wire(text, wire):
    assert credit_of(text) == wire


@pytest.mark.parametrize(
    "text",
    [
        "Kerry said the talks were useful, he told Reuters in an interview on Thursday.",
        "He told The Associated Press that the ceasefire would hold.",
        "Xinhua said on Monday that the two sides had agreed to resume talks.",
        "The ministers met on the sidelines of the APEC summit in Lima.",
        "PITTSBURGH, PA — The senator met the Ukrainian ambassador on Tuesday.",
        "A photographer for Agence France-Presse was injured in the shelling, colleagues said.",
        "",
    ],
)
def test_a_mention_of_the_agency_is_not_a_credit(text):
    assert credit_of(text) is None


def test_only_the_opening_and_closing_lines_are_searched():
    middle = "x " * HEAD + "MOSCOW (Reuters) - " + "y " * TAIL
    assert credit_of(middle) is None
    assert credit_of("y " * 500 + "(Reuters)") == "reuters"


def test_an_explicit_credit_wins_over_a_bare_name_in_credit_position():
    # "Xinhua" alone on a line is a credit, but "(AFP)" is the explicit form.
    text = f"Xinhua\nShanghai talks end. {FILLER}\n(AFP)"
    assert credit_of(text) == "afp"
    assert credit_of(f"Xinhua\nShanghai talks end. {FILLER}") == "xinhua"


def test_the_packaged_table_is_well_formed():
    wires = load_wires()
    ids = [w.wire for w in wires]
    assert len(ids) == len(set(ids))
    assert {"reuters", "ap", "afp", "xinhua", "tass", "dpa", "efe", "yonhap"} <= set(ids)
    assert all(w.name and w.patterns for w in wires)
    assert next(w for w in wires if w.wire == "afp").name == "Agence France-Presse"


def test_an_overlay_file_replaces_the_packaged_table(tmp_path, monkeypatch):
    overlay = tmp_path / "wires.tsv"
    overlay.write_text(
        "# A local agency only.\nwire\tname\tpatterns\nnordwire\tNordic Wire\t(NordWire)|Nordic Wire\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(WIRES_ENV, str(overlay))
    assert [w.wire for w in load_wires()] == ["nordwire"]
    assert credit_of("OSLO (NordWire) - Fishing talks resumed.") == "nordwire"
    assert credit_of("Fishing talks resumed.\n\n— Nordic Wire") == "nordwire"
    assert credit_of("OSLO (Reuters) - Fishing talks resumed.") is None
    monkeypatch.delenv(WIRES_ENV)
    assert credit_of("OSLO (Reuters) - Fishing talks resumed.") == "reuters"
