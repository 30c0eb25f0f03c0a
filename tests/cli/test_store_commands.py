"""The store's commands as a user types them: ingest, failures, events, panel, export, summary."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from detente.cli import main

TEXTS = {
    "k1": ("2016-03-24", "U.S. Secretary of State John Kerry met Russian President Vladimir Putin in Moscow on Thursday."),
    "k2": ("2016-03-22", "A Russian court sentenced Ukrainian pilot Nadiya Savchenko to 22 years in prison on Tuesday."),
    "k3": ("2016-01-03", "Saudi Arabia cut diplomatic ties with Iran on Sunday after protesters attacked its embassy."),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory, nlp):
    root = tmp_path_factory.mktemp("cli")
    sheet = root / "sheet.csv"
    with sheet.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["story", "day", "body"])
        for key, (day, text) in TEXTS.items():
            writer.writerow([key, day, text])
        writer.writerow(["k4", "yesterday-ish", "Some text."])
    path = root / "events.duckdb"
    result = CliRunner().invoke(main, [
        "ingest", str(sheet), "--db", str(path), "--workers", "1", "--quiet",
        "--id-field", "story", "--date-field", "day", "--text-field", "body",
    ])
    assert result.exit_code == 1, result.output  # the row with a bad date failed...
    assert "sheet.csv" in result.output and "3 stored" in result.output  # ...and the others are stored
    return path


def test_failures_lists_the_bad_row(db):
    result = CliRunner().invoke(main, ["failures", "--db", str(db), "--format", "jsonl"])
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(rows) == 1 and "sheet.csv" in rows[0]["location"] and "yesterday-ish" in rows[0]["reason"]


def test_events_by_dyad_as_csv(db):
    result = CliRunner().invoke(main, ["events", "--db", str(db), "--dyad", "USA-RUS", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(r["actor_code"] == "USA" and r["recipient_code"] == "RUS" for r in rows)
    assert rows[0]["date"] == "2016-03-24" and rows[0]["event"] == "CONSULT"


def test_panel_as_csv(db):
    result = CliRunner().invoke(main, ["panel", "--db", str(db), "--unit", "dyad", "--freq", "month"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    march = [r for r in rows if r["actor"] == "USA" and r["recipient"] == "RUS" and r["period"] == "2016-03-01"]
    assert march and int(march[0]["events"]) >= 1 and int(march[0]["articles"]) == 2
    assert {r["period"] for r in rows} == {"2016-01-01", "2016-02-01", "2016-03-01"}


def test_export_polecat(db, tmp_path):
    target = tmp_path / "events.tsv"
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "polecat-tsv", "--output", str(target)])
    assert result.exit_code == 0, result.output
    header = target.read_text("utf-8").splitlines()[0].split("\t")
    assert header[:3] == ["Event ID", "Event Date", "Event Type"] and "Story Text" not in header


def test_summary_names_the_busiest_dyads(db):
    result = CliRunner().invoke(main, ["summary", "--db", str(db)])
    assert result.exit_code == 0 and "3 articles" in result.output and "USA-RUS" in result.output


def test_a_bad_filter_is_one_line_and_exit_2(db):
    result = CliRunner().invoke(main, ["events", "--db", str(db), "--type", "ATTACK"])
    assert result.exit_code == 2 and "unknown event type ATTACK" in result.output


def test_a_locked_database_is_explained(db):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result = CliRunner().invoke(main, ["events", "--db", str(db)])
        assert result.exit_code == 2
        assert f"process {holder.pid}" in result.output and "Traceback" not in result.output
    finally:
        holder.kill()
        holder.wait()
