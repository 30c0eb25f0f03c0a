"""Coding in worker processes stores exactly what coding in this process stores; input is read
as coding needs it, not all at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import snapshot

from detente.ingest.sources import FieldMap
from detente.jobs.coding import CodingPool
from detente.jobs.ingest import IngestSummary, NewArticles, ingest
from detente.jobs.progress import PlainProgress
from detente.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "src" / "detente" / "samples" / "corpus"


def stored(path: Path) -> dict[str, list[tuple]]:
    with Store.open(path, read_only=True) as store:
        return snapshot(store)


@pytest.mark.usefixtures("nlp")
def test_two_worker_processes_store_what_one_process_stores(tmp_path):
    inputs = [str(CORPUS / "news-2015-2016.jsonl"), str(CORPUS / "feed-2016.xml")]
    with Store.open(tmp_path / "here.duckdb") as store:
        here = ingest(store, inputs, workers=1)
    with CodingPool(2) as pool, Store.open(tmp_path / "pool.duckdb") as store:
        assert pool.startup_seconds > 0
        pids = {pool.executor.submit(__import__("os").getpid).result() for _ in range(8)}
        there = ingest(store, inputs, pool=pool, chunk_size=4)
        again = ingest(store, inputs, pool=pool)
    assert len(pids) <= 2
    assert there.stored == here.stored > 40 and there.events == here.events > 100
    assert (again.stored, again.already_stored) == (0, here.stored), "the warm pool serves a second run"
    assert stored(tmp_path / "pool.duckdb") == stored(tmp_path / "here.duckdb")


def test_a_pool_is_used_only_inside_its_with_block():
    with pytest.raises(RuntimeError, match="outside its `with` block"):
        list(CodingPool(2).code([]))


def _lines(path: Path, n: int, repeat_every: int = 0) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            k = i - 1 if repeat_every and i % repeat_every == 0 and i else i
            out.write(json.dumps({"id": f"d{k}", "text": f"Report number {k} on the talks in Vienna."}) + "\n")


def test_input_is_read_only_a_bounded_window_ahead_of_coding(tmp_path):
    _lines(tmp_path / "big.jsonl", 300, repeat_every=50)
    with Store.open(tmp_path / "s.duckdb") as store:
        summary = IngestSummary()
        pending = NewArticles([str(tmp_path / "big.jsonl")], store, summary, fields=FieldMap(), published=None,
                              run_id="r", on_failure=print, read_ahead=40)
        pending.fill(batch=10)
        assert 40 <= len(pending.buffer) < 50 and not pending.exhausted
        handed_out, windows = [], []
        for chunk in pending.chunks(16, PlainProgress(open("/dev/null", "w"))):
            handed_out.extend(a.doc_id for a in chunk)
            windows.append(len(pending.buffer))
        assert max(windows) < 40 + 64, "never more than the window plus one read batch in memory"
        assert len(handed_out) == len(set(handed_out)) == 295
        assert (summary.read, summary.repeated_in_input) == (300, 5) and pending.exhausted


def test_progress_without_a_total_shows_a_lower_bound_then_the_total(tmp_path):
    lines = []

    class Out:
        def write(self, text):
            lines.append(text.strip())

        def flush(self):
            pass

    progress = PlainProgress(Out(), every=0.0)
    progress.start(None, "articles")
    progress.found(64, final=False)
    progress.advance(32)
    progress.found(100, final=True)
    progress.advance(68)
    assert lines[0].startswith("detente: 32/64+ articles (") and "ETA" not in lines[0]
    assert lines[1].startswith("detente: 100/100 articles (") and "ETA 0 s" in lines[1]
