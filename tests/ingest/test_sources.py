"""iter_documents: paths, directories, globs, URLs and stdin, each file to the right reader."""

from __future__ import annotations

import gzip
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from detente import __version__
from detente.ingest import FetchError, content_id, detect_format, fetch_url, iter_documents, read_source
from detente.records import Article, Failure

PARAGRAPHS = "".join(
    f"<p>Paragraph {i}: the foreign ministers of Chile and Peru met in Lima to discuss the border.</p>" for i in range(5)
)
PAGE = f"<!doctype html><html><head><title>Lima talks</title></head><body><article>{PARAGRAPHS}</article></body></html>"
RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><guid>w1</guid>'
       b"<description>Kerry met Lavrov.</description></item></channel></rss>")


def kinds(docs):
    return [type(d).__name__ for d in docs]


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "b").mkdir(parents=True)
    (root / "a").mkdir()
    (root / ".git").mkdir()
    (root / "b" / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "a" / "index.html").write_text(PAGE.replace("Lima", "Quito"), encoding="utf-8")
    (root / "note.txt").write_text("Chad met Niger.", encoding="utf-8")
    (root / "wire.jsonl").write_text(json.dumps({"id": "j1", "text": "Iran met Iraq."}) + "\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("secret", encoding="utf-8")
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main", encoding="utf-8")
    (root / "style.css").write_text("p { color: red }", encoding="utf-8")
    return root


def test_a_directory_is_read_recursively_in_order_skipping_hidden_files(corpus):
    docs = list(iter_documents([str(corpus)]))
    articles = [d for d in docs if isinstance(d, Article)]
    # ids below the directory keep a/index.html and b/index.html apart
    assert [a.doc_id for a in articles] == ["note", "j1", "a/index", "b/index"]
    assert articles[2].origin == str(corpus / "a" / "index.html") and "Quito" in articles[2].text
    [skipped] = [d for d in docs if isinstance(d, Failure)]
    assert skipped.where == str(corpus) and "skipped 1 file that is not in a document format (.css)" in skipped.reason


def test_globs_expand_sorted_and_a_glob_matching_nothing_fails(corpus):
    docs = list(iter_documents([f"{corpus}/**/*.html", f"{corpus}/*.pdf"]))
    assert [d.doc_id for d in docs[:2]] == ["a/index", "b/index"]
    assert docs[2] == Failure(f"{corpus}/*.pdf", "no files match this pattern")


def test_missing_paths_and_empty_directories_fail(tmp_path):
    (tmp_path / "empty").mkdir()
    docs = list(iter_documents([str(tmp_path / "nope.txt"), str(tmp_path / "empty")]))
    assert docs == [Failure(str(tmp_path / "nope.txt"), "no such file or directory"),
                    Failure(str(tmp_path / "empty"), "directory holds no documents")]


def test_the_bytes_decide_when_the_suffix_does_not(tmp_path):
    assert detect_format("page.txt", PAGE.encode()) == "html"
    assert detect_format("page", b"<!-- saved -->\n<html><body>") == "html"
    assert detect_format("notes.txt", b"Kerry met Lavrov.") == "text"
    assert detect_format("x.json", b"{}") == "json" and detect_format("x.ndjson", b"{}") == "jsonl"
    assert detect_format("download", RSS, content_type="application/octet-stream") == "feed"
    assert detect_format("latest", RSS, content_type="text/html") == "feed"  # a mislabelled feed
    assert detect_format("story", b"Kerry", content_type="text/html; charset=utf-8") == "html"
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(b"Kerry met Lavrov."))
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "saved-page").write_text(PAGE, encoding="utf-8")
    pdf, gz, blob, page = iter_documents([str(tmp_path / n) for n in ("report.pdf", "notes.txt.gz", "blob.bin", "saved-page")])
    assert "binary file (a PDF document)" in pdf.reason
    assert gz.reason.startswith("compressed file")
    assert "binary" in blob.reason
    assert isinstance(page, Article) and page.doc_id == "saved-page" and "Lima" in page.text


def test_stdin_may_hold_text_json_lines_a_feed_or_html():
    [text] = iter_documents(["-"], stdin=io.BytesIO(b"Kerry met Putin."))
    assert text.text == "Kerry met Putin." and text.origin == "<stdin>"
    docs = list(iter_documents(["-"], stdin=io.BytesIO(b'{"id": "x", "text": "A met B."}\n{bad\n')))
    assert kinds(docs) == ["Article", "Failure"] and docs[1].where == "<stdin>:2"
    [entry] = iter_documents(["-"], stdin=io.BytesIO(RSS))
    assert entry.doc_id == "w1" and entry.origin == "<stdin>#entry 1"
    [page] = iter_documents(["-"], stdin=io.BytesIO(PAGE.encode()))
    assert "foreign ministers" in page.text and page.doc_id == content_id(page.text)


def test_read_source_reads_directories_too(corpus):
    assert "note" in [d.doc_id for d in read_source(corpus) if isinstance(d, Article)]


class Handler(BaseHTTPRequestHandler):
    agents: list[str] = []
    routes = {
        "/story": ("text/html; charset=utf-8", PAGE.encode()),
        "/cafe": ("text/html; charset=windows-1252", PAGE.replace("Lima", "Caf\u00e9 Lima").encode("cp1252")),
        "/latest": ("application/rss+xml", RSS),
        "/notes": ("text/plain", b"Chad and Niger signed a deal."),
        "/big": ("text/plain", b"x" * 5000),
    }

    def do_GET(self):  # noqa: N802 - http.server's naming
        Handler.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(1.0)  # the client has given up by now: answering it is pointless
            return
        if self.path not in self.routes:
            self.send_error(404, "Not Found")
            return
        content_type, body = self.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_urls_are_fetched_and_read_by_their_content_type(server):
    story, cafe, entry, notes = iter_documents([f"{server}/story", f"{server}/cafe", f"{server}/latest", f"{server}/notes"])
    assert isinstance(story, Article) and "foreign ministers" in story.text
    assert story.doc_id == story.url == story.source_id == story.origin == f"{server}/story"
    assert "Café Lima" in cafe.text  # the charset the server declared
    assert entry.doc_id == "w1" and entry.origin == f"{server}/latest#entry 1"
    assert notes.text == "Chad and Niger signed a deal." and notes.url == f"{server}/notes"
    assert Handler.agents[-1] == f"detente/{__version__}"


def test_fetch_problems_fail_naming_the_url(server):
    missing, big = iter_documents([f"{server}/missing", f"{server}/big"], fetch=lambda url: fetch_url(url, max_bytes=1000))
    assert missing == Failure(f"{server}/missing", "cannot fetch: HTTP error 404 (Not Found)")
    assert big.where == f"{server}/big" and "too large" in big.reason
    with pytest.raises(FetchError, match="timed out"):
        fetch_url(f"{server}/slow", timeout=0.2)
    with pytest.raises(FetchError, match="only http and https"):
        fetch_url("file:///etc/passwd")


def test_a_callers_fetch_may_fail_in_its_own_way():
    def broken(url: str) -> bytes:
        raise ConnectionResetError("peer went away")

    [failure] = iter_documents(["https://news.example/x"], fetch=broken)
    assert failure == Failure("https://news.example/x", "cannot fetch (ConnectionResetError: peer went away)")
