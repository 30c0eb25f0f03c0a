"""Whatever bytes arrive, ingestion yields Articles and Failures and never raises."""

from __future__ import annotations

import gzip
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.ingest import iter_documents
from detente.records import Article, Failure

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".json", ".csv", ".tsv", ".xml", ".rss", ".warc", ".warc.gz", ".gz", ""]


def check(docs: list) -> None:
    for doc in docs:
        assert isinstance(doc, Article | Failure), doc
        if isinstance(doc, Article):
            assert doc.text.strip() and doc.doc_id.strip(), doc
        else:
            assert doc.where.strip() and doc.reason.strip(), doc
            assert not doc.reason.startswith("internal error"), doc  # the safety net caught a bug


def ingest(name: str, data: bytes) -> list:
    with tempfile.TemporaryDirectory() as folder:  # hypothesis reruns a test body; tmp_path would be shared
        path = Path(folder) / name
        path.write_bytes(data)
        docs = list(iter_documents([str(path)]))
    check(docs)
    return docs


@SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_under_any_name(data, suffix):
    ingest(f"doc{suffix}", data)


@SETTINGS
@given(data=st.binary(max_size=500))
def test_arbitrary_bytes_on_stdin(data):
    check(list(iter_documents(["-"], stdin=io.BytesIO(data))))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
records = st.dictionaries(
    st.sampled_from(["id", "text", "title", "published", "url", "source", "other"]), json_values, max_size=7
)


@SETTINGS
@given(lines=st.lists(records | json_values, max_size=8), junk=st.lists(st.text(max_size=20), max_size=3))
def test_random_json_lines(lines, junk):
    body = "\n".join([json.dumps(line) for line in lines] + junk)
    ingest("docs.jsonl", body.encode("utf-8", "surrogatepass"))


cells = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t\x00é')), max_size=12)


@SETTINGS
@given(header=st.lists(st.sampled_from(["id", "text", "published", "x", '"text"', ""]), max_size=5),
       rows=st.lists(st.lists(cells, max_size=6), max_size=6), tsv=st.booleans())
def test_csv_with_random_quotes_commas_and_newlines(header, rows, tsv):
    sep = "\t" if tsv else ","
    body = "\n".join(sep.join(row) for row in [header, *rows])
    ingest("data.tsv" if tsv else "data.csv", body.encode("utf-8", "surrogatepass"))


FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
    "<item><guid>a</guid><title>One</title><pubDate>Thu, 24 Mar 2016 10:00:00 GMT</pubDate>"
    "<description>&lt;p&gt;Kerry met Lavrov.&lt;/p&gt;</description></item>"
    "<item><title>Two</title><description>Talks ended &amp; resumed.</description></item></channel></rss>"
)


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(FEED)), noise=st.text(max_size=10), atom=st.booleans())
def test_truncated_and_mangled_feeds(cut, noise, atom):
    text = FEED[:cut] + noise
    if atom:
        text = text.replace("<rss", "<feed").replace("item>", "entry>")
    ingest("feed.xml", text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(markdown=st.text(alphabet=st.sampled_from(list("#*_`[]()!<>|-=~\\ \n\tab1")), max_size=300))
def test_random_markdown(markdown):
    ingest("doc.md", markdown.encode("utf-8", "surrogatepass"))


def _tiny_warc(gzipped: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzipped)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    page = b"<html><body><article><p>" + b"The ministers met in Lima to discuss the border. " * 6 + b"</p></article></body></html>"
    writer.write_record(writer.create_warc_record("https://news.example/1", "response", payload=io.BytesIO(page), http_headers=http))
    return buf.getvalue()


WARCS = {False: _tiny_warc(False), True: _tiny_warc(True)}


@SETTINGS
@given(gzipped=st.booleans(), cut=st.integers(min_value=0, max_value=2000), flip=st.integers(min_value=0, max_value=2000))
def test_cut_and_corrupted_warcs(gzipped, cut, flip):
    data = bytearray(WARCS[gzipped][: max(1, len(WARCS[gzipped]) - cut % 400)])
    data[flip % len(data)] ^= 0x5A
    ingest("crawl.warc.gz" if gzipped else "crawl.warc", bytes(data))


def test_gzip_that_is_not_a_warc_fails_cleanly():
    [doc] = ingest("notes.warc.gz", gzip.compress(b"Kerry met Lavrov."))
    assert isinstance(doc, Failure) and "not a WARC file" in doc.reason
