import io
import json

import pytest

from detente.ingest import content_id, read_source
from detente.records import Article, Failure


def test_text_file_becomes_one_article_named_after_the_file(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Kerry met Putin.", encoding="utf-8")
    [doc] = read_source(path)
    assert isinstance(doc, Article) and doc.doc_id == "story" and doc.text == "Kerry met Putin."


def test_missing_empty_binary_and_undecodable_files_fail_with_their_reason(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 talks".encode("latin-1"))
    reasons = {}
    for name in ("missing.txt", "empty.txt", "binary.txt", "latin1.txt"):
        [doc] = read_source(tmp_path / name)
        assert isinstance(doc, Failure)
        assert doc.where.endswith(name)
        reasons[name] = doc.reason
    assert "no such file" in reasons["missing.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"] and "0xe9" in reasons["latin1.txt"]


def test_jsonl_bad_lines_fail_alone_and_good_lines_are_read(tmp_path):
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Iran met Iraq.", "published": "2016-03-24", "title": "T"}),
        "{not json",
        json.dumps({"id": "c"}),
        json.dumps({"id": "d", "text": "x", "published": "24/03/2016"}),
        json.dumps([1, 2]),
        "",
        json.dumps({"text": "Chad met Niger."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = list(read_source(path))
    good = [d for d in docs if isinstance(d, Article)]
    bad = {d.where.rsplit(":", 1)[1]: d.reason for d in docs if isinstance(d, Failure)}
    # a record without an id is named by its text, so re-reading the file gives the same id
    assert [d.doc_id for d in good] == ["a", content_id("Chad met Niger.")]
    assert [(d.source_id, d.origin) for d in good] == [("a", f"{path}:1"), (None, f"{path}:7")]
    assert good[0].published_from == "caller"
    assert good[0].published.isoformat() == "2016-03-24" and good[0].title == "T"
    assert set(bad) == {"2", "3", "4", "5"}
    assert "malformed JSON" in bad["2"]
    assert "'text'" in bad["3"]
    assert "not a YYYY-MM-DD date" in bad["4"]
    assert "JSON object" in bad["5"]


def test_html_is_reduced_to_its_article_text(tmp_path):
    body = "".join(f"<p>Paragraph {i}: the foreign ministers of Chile and Peru met in Lima to discuss the border.</p>" for i in range(5))
    html = (
        "<!doctype html><html><head><title>Chile and Peru talks</title>"
        '<meta property="article:published_time" content="2015-06-02"></head>'
        f"<body><nav>Home | World | Sport</nav><article><h1>Chile and Peru talks</h1>{body}</article>"
        "<footer>Copyright</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [doc] = read_source(path)
    assert isinstance(doc, Article)
    assert "foreign ministers of Chile and Peru" in doc.text
    assert "Home | World" not in doc.text
    assert doc.published is not None and doc.published.isoformat() == "2015-06-02"


def test_stdin_accepts_text_and_jsonl():
    [doc] = read_source("-", stdin=io.BytesIO(b"Kerry met Putin."))
    assert isinstance(doc, Article)
    docs = list(read_source("-", stdin=io.BytesIO(b'{"id": "x", "text": "A met B."}\n{bad\n')))
    assert isinstance(docs[0], Article) and isinstance(docs[1], Failure) and docs[1].where == "<stdin>:2"


def test_publication_dates_in_the_forms_feeds_and_dumps_use():
    from datetime import date, datetime, timedelta, timezone

    from detente.ingest import parse_published

    day = date(2016, 3, 24)
    assert parse_published("2016-03-24") == day
    assert parse_published("2016-03-24T10:00:00Z") == day
    assert parse_published("2016-03-24 23:30:00") == day
    assert parse_published("2016-03-24T23:30:00-05:00") == day  # the date as written, not in UTC
    assert parse_published("Thu, 24 Mar 2016 10:00:00 GMT") == day
    assert parse_published("Thu, 24 Mar 2016 23:30:00 -0500") == day
    assert parse_published(datetime(2016, 3, 24, 23, 30, tzinfo=timezone(timedelta(hours=-5)))) == day
    assert parse_published(day) == day
    assert parse_published(None) is None and parse_published("") is None
    for bad in ("24/03/2016", "yesterday", "2016-02-30", "1458813600"):
        with pytest.raises(ValueError, match="is not a YYYY-MM-DD date, an ISO timestamp or an RFC 2822 date"):
            parse_published(bad)
    with pytest.raises(ValueError, match="got int"):
        parse_published(1458813600)
