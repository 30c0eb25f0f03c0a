"""Live monitoring against feeds served from 127.0.0.1: new items only, errors survived."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from detente.jobs.watch import parse_interval, watch
from detente.store import Store

ITEMS = [
    ("w1", "Thu, 24 Mar 2016 10:00:00 GMT", "U.S. Secretary of State John Kerry met Russian President Vladimir Putin in Moscow on Thursday."),
    ("w2", "Tue, 22 Mar 2016 09:00:00 GMT", "A Russian court sentenced Ukrainian pilot Nadiya Savchenko to 22 years in prison on Tuesday."),
    ("w3", "Sun, 03 Jan 2016 18:00:00 GMT", "Saudi Arabia cut diplomatic ties with Iran on Sunday after protesters attacked its embassy."),
]


def feed(items):
    body = "".join(
        f"<item><guid>{guid}</guid><title>{guid}</title><link>http://127.0.0.1/{guid}</link>"
        f"<pubDate>{when}</pubDate><description>{text}</description></item>"
        for guid, when, text in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local wire</title>{body}</channel></rss>'


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_watch_codes_new_items_and_survives_feed_errors_and_restarts(server, tmp_path, nlp):
    root, base = server
    (root / "wire.xml").write_text(feed(ITEMS[:2]), "utf-8")
    (root / "broken.xml").write_text("<rss><channel><item><title>cut off", "utf-8")
    feeds = [f"{base}/wire.xml", f"{base}/missing.xml", f"{base}/broken.xml"]
    failures, rounds = [], []

    def next_round(seconds):
        # between polls the wire publishes a third story
        (root / "wire.xml").write_text(feed(ITEMS), "utf-8")

    with Store.open(tmp_path / "w.duckdb") as store:
        summary = watch(store, feeds, every=60, rounds=2, on_failure=failures.append,
                        on_round=lambda n, r: rounds.append(r), sleep=next_round)
        assert [r.stored for r in rounds] == [2, 1]
        assert rounds[1].already_stored == 2
        assert summary.stored == 3 and summary.events >= 3
        assert any("missing.xml" in f.where and "404" in f.reason for f in failures)
        assert any("broken.xml" in f.where for f in failures)
        titles = {r[0] for r in store.con.sql("SELECT source_id FROM articles").fetchall()}
        assert titles == {"w1", "w2", "w3"}

    with Store.open(tmp_path / "w.duckdb") as store:  # a restarted watcher finds nothing new
        restarted = watch(store, feeds[:1], every=60, rounds=1)
        assert restarted.stored == 0 and store.counts()["articles"] == 3


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("30s", 30), ("2h", 7200), ("1d", 86400), ("45", 45)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


def test_a_meaningless_interval_is_refused():
    with pytest.raises(ValueError, match="15m"):
        parse_interval("soon")
