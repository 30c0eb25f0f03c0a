"""WARC files: HTML responses become articles; truncated and corrupt records are named by offset."""

from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from detente.ingest import iter_documents
from detente.records import Article, Failure


def page(n: int) -> bytes:
    body = "".join(
        f"<p>Paragraph {i}: the foreign ministers of Chile and Peru met in Lima to discuss maritime border {n}.</p>"
        for i in range(5)
    )
    return (f"<html><head><title>Border talks {n}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>Border talks {n}</h1>{body}</article></body></html>").encode()


def response(writer: WARCWriter, uri: str, payload: bytes, content_type: str = "text/html; charset=utf-8",
             status: str = "200 OK") -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=http))


def crawl(gzip: bool, pages: int = 3) -> bytes:
    """A small crawl: warcinfo, a request, HTML pages, an image and a redirect (HTML pages last)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "detente tests"}))
    request = StatusAndHeaders("GET /0 HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://news.example/0", "request", http_headers=request))
    response(writer, "https://news.example/logo.png", b"\x89PNG\r\n", content_type="image/png")
    response(writer, "https://news.example/old", page(9), status="301 Moved Permanently")
    for n in range(pages):
        response(writer, f"https://news.example/{n}", page(n))
    return buf.getvalue()


@pytest.mark.parametrize("name,gzip", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_html_responses_become_articles_named_by_their_uri(tmp_path, name, gzip):
    path = tmp_path / name
    path.write_bytes(crawl(gzip))
    docs = list(iter_documents([str(path)]))
    assert all(isinstance(d, Article) for d in docs), docs
    assert [d.doc_id for d in docs] == ["https://news.example/0", "https://news.example/1", "https://news.example/2"]
    first = docs[0]
    assert first.url == first.source_id == "https://news.example/0"
    assert "foreign ministers of Chile and Peru" in first.text and "Home | World" not in first.text
    assert first.origin.startswith(f"{path}@offset ")
    offsets = [int(d.origin.rsplit(" ", 1)[1]) for d in docs]
    assert offsets == sorted(offsets) and offsets[0] > 0


@pytest.mark.parametrize("name,gzip", [("cut.warc", False), ("cut.warc.gz", True)])
def test_a_truncated_last_record_fails_at_its_offset_and_the_rest_are_kept(tmp_path, name, gzip):
    data = crawl(gzip)
    path = tmp_path / name
    path.write_bytes(data[: len(data) - 200])  # a download cut off inside the last page
    docs = list(iter_documents([str(path)]))
    assert [type(d).__name__ for d in docs] == ["Article", "Article", "Failure"]
    failure = docs[-1]
    assert failure.where.startswith(f"{path}@offset ")
    assert failure.reason.startswith("truncated record")
    # the offset is where the cut record starts, after the last complete one
    offset = int(failure.where.rsplit(" ", 1)[1])
    assert offset > int(docs[1].origin.rsplit(" ", 1)[1])


def test_a_record_cut_inside_its_payload_is_named_with_its_uri(tmp_path):
    data = crawl(gzip=False)
    path = tmp_path / "cut-payload.warc"
    path.write_bytes(data[: len(data) - 300])
    failure = list(iter_documents([str(path)]))[-1]
    assert failure.reason == "truncated record for https://news.example/2: it ends before its Content-Length"


def test_a_record_whose_digest_does_not_match_fails_alone(tmp_path):
    data = crawl(gzip=False)
    tampered = data.replace(b"maritime border 1.", b"maritime border X.")
    path = tmp_path / "tampered.warc"
    path.write_bytes(tampered)
    docs = list(iter_documents([str(path)]))
    assert [type(d).__name__ for d in docs] == ["Article", "Failure", "Article"]
    assert "https://news.example/1" in docs[1].reason and "digest" in docs[1].reason


def test_a_corrupt_gzip_stream_stops_with_a_failure_after_what_was_read(tmp_path):
    data = bytearray(crawl(gzip=True))
    data[len(data) - 300] ^= 0xFF  # a flipped byte inside the last gzip member
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(bytes(data))
    docs = list(iter_documents([str(path)]))
    assert [d.doc_id for d in docs if isinstance(d, Article)] == ["https://news.example/0", "https://news.example/1"]
    [failure] = [d for d in docs if isinstance(d, Failure)]
    assert failure.where.startswith(f"{path}@offset ")


def test_warcs_without_pages_and_files_that_are_no_warc_fail(tmp_path):
    only_image = tmp_path / "images.warc"
    only_image.write_bytes(crawl(gzip=False, pages=0))
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a web archive\n" * 10)
    docs = list(iter_documents([str(only_image), str(garbage)]))
    assert docs[0] == Failure(str(only_image), "WARC file holds no HTML response records")
    assert docs[1] == Failure(str(garbage), "not a WARC file: it does not start with a 'WARC/' record header")


def test_a_gzipped_warc_is_recognised_without_its_suffix(tmp_path):
    path = tmp_path / "CC-NEWS-20160324-00001"
    path.write_bytes(crawl(gzip=True, pages=1))
    [doc] = iter_documents([str(path)])
    assert isinstance(doc, Article) and doc.doc_id == "https://news.example/0"
