"""Ingestion end to end: a folder mixing every format with broken files, stored exactly once."""

from __future__ import annotations

import io
import json

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from detente.jobs.ingest import ingest, recode
from detente.store import Store

STORIES = [
    "U.S. Secretary of State John Kerry met Russian President Vladimir Putin in Moscow on Thursday.",
    "Saudi Arabia cut diplomatic ties with Iran on Sunday after protesters stormed its embassy in Tehran.",
    "Turkish President Tayyip Erdogan accused Russia of violating Turkish airspace on Tuesday.",
    "Iran released ten U.S. Navy sailors on Wednesday, a day after seizing their boats in the Gulf.",
    "German Chancellor Angela Merkel met French President Francois Hollande in Berlin on Monday.",
    "North Korea conducted a nuclear test on Wednesday, drawing condemnation from Japan.",
    "Colombian President Juan Manuel Santos signed a ceasefire with the FARC rebels in Havana.",
    "Chinese Foreign Minister Wang Yi met Philippine officials in Beijing on Friday.",
]
FRENCH = (
    "Le ministre russe des Affaires étrangères a rencontré son homologue américain à Moscou jeudi "
    "pour discuter de la Syrie et de l'Ukraine, selon un communiqué publié par le Kremlin."
)


def story(i: int) -> str:
    return f"{STORIES[i]}\n\nThe talks were described by officials as constructive and lasted two hours."


def write_warc(path, url, html):
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers))


@pytest.fixture
def mixed_folder(tmp_path):
    """9 good articles in 7 formats, 1 French one, and 5 broken inputs."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "kerry.txt").write_text(story(0), "utf-8")
    (root / "saudi.md").write_text(f"# Saudi Arabia cuts ties\n\nPublished: 2016-01-04\n\n{story(1)}\n", "utf-8")
    (root / "erdogan.html").write_text(
        "<html><head><title>Erdogan accuses Russia</title>"
        '<meta property="article:published_time" content="2015-11-24"></head><body><nav>Home | World</nav>'
        f"<article><h1>Erdogan accuses Russia</h1><p>{STORIES[2]}</p>"
        "<p>The talks were described by officials as constructive and lasted two hours.</p></article>"
        "<footer>Copyright</footer></body></html>",
        "utf-8",
    )
    lines = [
        json.dumps({"id": "j1", "text": story(3), "published": "2016-01-13", "source": "Wire"}),
        "{not json",
        json.dumps({"id": "j2", "title": "no text here"}),
        json.dumps({"id": "j3", "text": story(4), "published": "2015-10-05", "source": "Wire"}),
    ]
    (root / "wire.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (root / "sheet.csv").write_text(
        'id,published,text\nc1,2016-01-06,"' + story(5) + '"\nc2,not-a-date,"Some text about talks."\n', "utf-8"
    )
    items = "".join(
        f"<item><guid>f{i}</guid><title>Item {i}</title><link>https://example.org/f{i}</link>"
        f"<pubDate>Thu, 24 Mar 2016 10:00:00 GMT</pubDate><description>{story(i)}</description></item>"
        for i in (6, 7)
    )
    (root / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Demo</title>{items}</channel></rss>', "utf-8")
    write_warc(root / "crawl.warc.gz", "https://example.org/warc-story",
               f"<html><head><title>Kerry again</title></head><body><article><p>{story(0)}</p><p>Officials said more talks would follow next month in Geneva.</p></article></body></html>")
    (root / "french.txt").write_text(FRENCH, "utf-8")
    (root / "empty.txt").write_text("   \n", "utf-8")
    (root / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    return root


def test_a_mixed_folder_is_stored_once_and_every_bad_input_named(mixed_folder, tmp_path, nlp):
    failures = []
    with Store.open(tmp_path / "e.duckdb") as store:
        summary = ingest(store, [str(mixed_folder)], fields=None, on_failure=failures.append)
        assert summary.stored == 10 and summary.coded == 9 and summary.not_english == 1
        assert summary.events > 5
        named = {f.where.replace(str(mixed_folder) + "/", "") for f in failures}
        assert {"wire.jsonl:2", "wire.jsonl:3", "empty.txt", "binary.txt"} <= named
        assert any(name.startswith("sheet.csv") for name in named), named
        assert summary.failed == len(failures) == 6 - 1  # the CSV row with a bad date is one failure
        rows = store.con.sql("SELECT status, language, count(*) FROM articles GROUP BY ALL ORDER BY 1").fetchall()
        assert rows == [("coded", "en", 9), ("not-english", "fr", 1)]
        assert store.con.sql("SELECT count(*) FROM events WHERE article_id IN (SELECT article_id FROM articles WHERE status <> 'coded')").fetchall() == [(0,)]
        counts = store.counts()

        again = ingest(store, [str(mixed_folder)])
        assert again.stored == 0 and again.already_stored == 10 and again.events == 0
        assert store.counts() == counts, "running it again adds nothing (failures are counted, not repeated)"
        assert {r["times"] for r in store.failures()} == {2}


def test_the_same_text_from_another_outlet_is_linked_not_merged(tmp_path, nlp):
    corpus = tmp_path / "two.jsonl"
    corpus.write_text(
        json.dumps({"id": "a", "text": story(0), "url": "https://one.example/a", "published": "2016-03-24"}) + "\n"
        + json.dumps({"id": "a", "text": story(0), "url": "https://two.example/a", "published": "2016-03-24"}) + "\n",
        "utf-8",
    )
    with Store.open(tmp_path / "e.duckdb") as store:
        summary = ingest(store, [str(corpus)])
        assert summary.stored == 2
        hashes = store.con.sql("SELECT count(DISTINCT content_hash), count(*) FROM articles").fetchall()
        assert hashes == [(1, 2)]


def test_recode_reports_what_changed(tmp_path, nlp):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"s{i}", "text": story(i), "published": "2016-03-24"}) + "\n" for i in range(3)), "utf-8")
    with Store.open(tmp_path / "e.duckdb") as store:
        ingest(store, [str(corpus)])
        events = store.counts()["events"]
        assert recode(store).articles == 0, "nothing was coded by another coder"
        same = recode(store, everything=True)
        assert (same.articles, same.added, same.removed, same.events_after) == (3, 0, 0, events)
        # an article coded by an older coder that missed an event
        victim = store.con.sql("SELECT article_id, min(event_id) FROM events GROUP BY 1 ORDER BY 1 LIMIT 1").fetchall()[0]
        store.con.execute("DELETE FROM events WHERE article_id = ? AND event_id = ?", list(victim))
        store.con.execute("UPDATE articles SET coder = 'detente-0.0.1' WHERE article_id = ?", [victim[0]])
        changed = recode(store)
        assert (changed.articles, changed.changed_articles, changed.added, changed.removed) == (1, 1, 1, 0)
        assert store.counts()["events"] == events
