"""A run killed with SIGKILL mid-way and started again stores every article exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from detente.jobs.ingest import ingest
from detente.store import Store

SENTENCES = [
    "{who} met the Russian foreign minister in Moscow on {day} to discuss the war in Syria.",
    "{who} accused Iran of sending weapons to rebels in Yemen on {day}.",
    "{who} said on {day} that the government would send humanitarian aid to refugees in Jordan.",
    "{who} condemned the missile test carried out by North Korea on {day}.",
]
WHO = ["U.S. Secretary of State John Kerry", "German Foreign Minister Frank-Walter Steinmeier",
       "French President Francois Hollande", "British Prime Minister David Cameron", "Japanese Prime Minister Shinzo Abe"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def corpus(path, n):
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = "\n\n".join(
                SENTENCES[(i + k) % len(SENTENCES)].format(who=WHO[(i + k) % len(WHO)], day=DAYS[(i * 3 + k) % len(DAYS)])
                for k in range(3)
            )
            out.write(json.dumps({"id": f"doc-{i:03d}", "text": text, "published": "2016-03-24"}) + "\n")


def stored(path):
    with Store.open(path, read_only=True) as store:
        return store.con.sql(
            "SELECT a.article_id, count(a.article_id) OVER (PARTITION BY a.article_id) AS copies, "
            "(SELECT list(e.event_id ORDER BY e.event_id) FROM events e WHERE e.article_id = a.article_id) "
            "FROM articles a ORDER BY 1"
        ).fetchall()


def test_sigkill_mid_run_then_restart_stores_each_article_once(tmp_path, nlp):
    source = tmp_path / "corpus.jsonl"
    corpus(source, 60)
    db = tmp_path / "killed.duckdb"
    command = [sys.executable, "-m", "detente", "ingest", str(source), "--db", str(db), "--workers", "1", "--chunk-size", "16"]
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    progress = []
    for line in run.stderr:
        if "/60 articles" in line:
            progress.append(line)
            run.send_signal(signal.SIGKILL)  # the first chunk is committed; the rest is in flight
            break
    run.wait()
    assert run.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    done_before = int(progress[0].split()[1].split("/")[0])
    assert 0 < done_before < 60

    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "already stored" in again.stderr

    reference = tmp_path / "reference.duckdb"
    with Store.open(reference) as store:
        ingest(store, [str(source)])
    resumed, clean = stored(db), stored(reference)
    assert len(resumed) == 60 and {copies for _, copies, _ in resumed} == {1}
    assert resumed == clean, "the killed-and-resumed store equals a clean run, event for event"
