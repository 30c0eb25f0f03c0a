"""The command line, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "detente", *args], input=stdin, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    (d / "good.txt").write_text("Kerry met Lavrov in Moscow on Thursday.", encoding="utf-8")
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "binary.bin").write_bytes(b"\x00\xff\x00\x10")
    (d / "latin1.txt").write_bytes("R\xe9union talks".encode("latin-1"))
    (d / "docs.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Iran and Iraq agreed to reopen the border.", "published": "2016-03-24"})
        + "\n{broken\n", encoding="utf-8")
    return d


def test_bad_inputs_are_named_good_ones_still_coded_and_exit_is_nonzero(mixed_inputs):
    d = mixed_inputs
    files = [d / "good.txt", d / "missing.txt", d / "empty.txt", d / "binary.bin", d / "latin1.txt", d / "docs.jsonl"]
    result = run("code", *map(str, files), "--published", "2016-03-24", "--format", "jsonl")
    assert result.returncode == 1
    err = result.stderr.decode()
    for name, reason in [("missing.txt", "no such file"), ("empty.txt", "empty"), ("binary.bin", "binary"),
                         ("latin1.txt", "not UTF-8"), ("docs.jsonl:2", "malformed JSON")]:
        assert any(name in line and reason in line for line in err.splitlines()), (name, err)
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert {r["doc_id"] for r in records} == {"good", "j1"}
    assert "2 documents coded" in err and "5 failed" in err


def test_jsonl_records_follow_plover_field_names(mixed_inputs):
    result = run("code", str(mixed_inputs / "good.txt"), "--published", "2016-03-24", "--format", "jsonl")
    assert result.returncode == 0, result.stderr.decode()
    record = json.loads(result.stdout.decode().splitlines()[0])
    for key in ("event_id", "doc_id", "event", "mode", "context", "actor", "recipient", "date", "event_loc",
                "quad_code", "event_scale", "cameo", "modality", "confidence", "text_info", "evidence", "model"):
        assert key in record
    assert {"code", "sector", "entity_text", "identifier_id", "identifier_text", "office"} <= set(record["actor"])


def test_stdin_and_table_format():
    result = run("code", "-", "--published", "2016-03-24", stdin=b"Iran and Iraq agreed to reopen the border.")
    assert result.returncode == 0
    out = result.stdout.decode()
    assert "AGREE" in out and "IRN" in out and "IRQ" in out


def test_bad_published_option_is_a_usage_error():
    result = run("code", "-", "--published", "24/03/2016", stdin=b"x")
    assert result.returncode == 2 and b"YYYY-MM-DD" in result.stderr


def test_actors_lookup_by_date():
    senator = run("actors", "lookup", "Kerry", "--date", "2010-06-01")
    secretary = run("actors", "lookup", "Kerry", "--date", "2016-03-24")
    assert b"USA LEG" in senator.stdout and b"USA GOV" in secretary.stdout
    unknown = run("actors", "lookup", "Nobody Atall")
    assert unknown.returncode == 1 and b"not in the actor knowledge base" in unknown.stderr
