"""`detente eval` end to end on small gold files written for this test."""

import json
import subprocess
import sys

import pytest

PLOVER = [
    {"id": "p1", "text": "Iran and Iraq agreed to reopen their border crossings.", "published": "2016-03-24",
     "events": [{"type": "AGREE", "mode": None, "source": [{"text": "Iran", "country": "IRN", "sector": None},
                                                          {"text": "Iraq", "country": "IRQ", "sector": None}], "target": []}]},
    {"id": "p2", "text": "Turkish police arrested a Dutch journalist in Istanbul.", "published": None,
     "events": [{"type": "COERCE", "mode": "arrest", "source": [{"text": "Turkish police", "country": "TUR", "sector": "COP"}],
                 "target": [{"text": "a Dutch journalist", "country": "NLD", "sector": "JRN"}]}]},
    {"id": "p3", "text": "The weather in Oslo was mild.", "published": None,
     "events": [{"type": "CONSULT", "mode": None, "source": [{"text": "Norway", "country": "NOR", "sector": None}], "target": []}]},
]
QUAD = [
    {"id": "q1", "text": "Russian jets bombed rebel positions near Aleppo.", "quad": 4,
     "spans": {"source": ["Russian jets"], "target": ["rebel positions"], "reciprocal": []}},
    {"id": "q2", "text": "The Arab League called for calm in Yemen.", "quad": 0},
    {"id": "q3", "text": "Kerry met Lavrov in Geneva.", "quad": 1},
]


def run(*args):
    return subprocess.run([sys.executable, "-m", "detente", "eval", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def gold_files(tmp_path):
    plover, quad = tmp_path / "plover.jsonl", tmp_path / "quad.jsonl"
    plover.write_text("".join(json.dumps(r) + "\n" for r in PLOVER))
    quad.write_text("".join(json.dumps(r) + "\n" for r in QUAD))
    return plover, quad


def test_plover_gold_scores_types_and_events(gold_files):
    result = run(str(gold_files[0]), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["records"] == 3 and report["kind"] == "plover"
    metrics = report["metrics"]
    assert metrics["type_precision"]["value"] == 1.0
    assert abs(metrics["type_recall"]["value"] - 2 / 3) < 1e-9
    assert metrics["event_recall"]["value"] == 2 / 3
    low, high = metrics["type_f1"]["ci95"]
    assert low <= metrics["type_f1"]["value"] <= high
    assert report["per_type"]["CONSULT"]["recall"] == 0.0


def test_quad_gold_scores_classes_and_spans(gold_files):
    report = json.loads(run(str(gold_files[1]), "--json").stdout)
    assert report["metrics"]["quad_accuracy"]["value"] == 1.0
    assert report["confusion"][4][4] == 1 and report["confusion"][0][0] == 1
    assert report["metrics"]["source_span_token_f1"]["value"] > 0.5


def test_text_report_shows_worst_disagreements_with_what_fired(gold_files):
    result = run(str(gold_files[0]), "--by-type", "--errors", "5")
    assert "type_f1" in result.stdout and "95% CI" in result.stdout
    assert "p3: The weather in Oslo was mild." in result.stdout and "no asserted event" in result.stdout


def test_malformed_gold_is_named(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "y", "quad": 9}\n')
    result = run(str(bad))
    assert result.returncode == 1 and "bad.jsonl:1: quad must be 0–4" in result.stderr


def test_records_sharing_an_id_are_scored_apart(tmp_path):
    # the second record must not lend its events to the first (nor take the first's)
    twins = [dict(PLOVER[1], id="same"), dict(PLOVER[2], id="same")]
    gold = tmp_path / "twins.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in twins))
    report = json.loads(run(str(gold), "--json").stdout)
    assert report["records"] == 2
    assert report["metrics"]["type_precision"]["value"] == 1.0  # COERCE coded once, for its own record
    assert report["metrics"]["type_recall"]["value"] == 0.5  # the Oslo weather codes no CONSULT
