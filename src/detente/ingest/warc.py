"""WARC files (Common Crawl's CC-NEWS, a newsroom's own crawls): HTML responses → articles.

Only ``response`` records with a 2xx status and an HTML content type are articles; requests,
metadata, redirects and images are skipped without comment. Each record is read fully and
its WARC digests checked, so a corrupt or truncated record (the last one of a download that
was cut off) is reported as a ``Failure`` at its offset, while every complete record before
it is still read.

>>> with open("CC-NEWS-20160324.warc.gz", "rb") as f:           # doctest: +SKIP
...     [a.url for a in read_warc(f, "CC-NEWS-20160324.warc.gz")][:1]
['https://example.org/news/talks-end']
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from typing import IO, Any

from detente.ingest.readers import MAX_BYTES, content_id, decode_html, html_to_article
from detente.records import Article, Failure

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_CHUNK = 1 << 16


def read_warc(stream: IO[bytes], name: str) -> Iterator[Article | Failure]:
    """Every HTML page in a WARC (plain or gzipped); ``where`` is ``name@offset N``."""
    from warcio.archiveiterator import ArchiveIterator

    problem = _not_an_archive(stream)
    if problem:
        yield Failure(name, problem)
        return
    archive = ArchiveIterator(stream, check_digests=True)
    records = iter(archive)
    yielded = False
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as err:  # noqa: BLE001 - warcio raises many kinds on corrupt input
            where = f"{name}@offset {archive.offset}"
            yield Failure(where, f"corrupt WARC data, reading stops here ({_describe(err)})")
            return
        # warcio moves ``offset`` to a record's start (compressed offset for .gz) when it
        # parses that record's headers, so now it is this record's.
        offset = archive.offset
        try:
            result = _record_to_article(record, name, offset)
        except Exception as err:  # noqa: BLE001 - e.g. a broken gzip member inside the record
            yield Failure(f"{name}@offset {offset}", f"record could not be read, reading stops here ({_describe(err)})")
            return
        if result is not None:
            yielded = True
            yield result
    leftover = _bytes_after(stream, archive.offset)
    if leftover:
        # warcio ends quietly when a file stops inside a record's headers (or inside a gzip
        # member it cannot decompress far enough to see a record): say so.
        yielded = True
        yield Failure(f"{name}@offset {archive.offset}",
                      f"truncated record: the last {leftover:,} bytes of the file are not a complete record")
    if not yielded:
        yield Failure(name, "WARC file holds no HTML response records")


def _not_an_archive(stream: IO[bytes]) -> str | None:
    """Why a seekable stream cannot be a WARC (or ARC) file, judged by its first bytes."""
    if not stream.seekable():
        return None
    start = stream.tell()
    head = stream.read(1024)
    stream.seek(start)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return "not a WARC file: the gzip data is corrupt"
    if not head.strip():
        return "empty file: no WARC records"
    if head.lstrip().startswith((b"WARC/", b"filedesc://")):
        return None
    return "not a WARC file: it does not start with a 'WARC/' record header"


def _bytes_after(stream: IO[bytes], offset: int) -> int:
    """Bytes of a seekable stream past ``offset``, where warcio stopped reading records."""
    try:
        if not stream.seekable():
            return 0
        return max(0, stream.seek(0, io.SEEK_END) - offset)
    except (OSError, ValueError):
        return 0


def _describe(err: Exception) -> str:
    """A one-line reason; warcio quotes the offending bytes, which may be binary."""
    if isinstance(err, AttributeError | TypeError | KeyError | IndexError | ValueError):
        return "record headers are malformed or cut off"  # warcio fails this way on partial headers
    message = "".join(ch if ch.isprintable() else "?" for ch in str(err))
    message = message if len(message) <= 120 else message[:117] + "..."
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


def _record_to_article(record: Any, name: str, offset: int) -> Article | Failure | None:
    where = f"{name}@offset {offset}"
    headers = record.rec_headers
    uri = (headers.get_header("WARC-Target-URI") or "").strip() or None
    wanted = record.rec_type == "response" and record.http_headers is not None
    if wanted:
        status = str(record.http_headers.get_statuscode() or "")
        content_type = record.http_headers.get_header("Content-Type") or ""
        wanted = status.startswith("2") and "html" in content_type.lower()
    if not wanted:
        return None
    payload = record.content_stream().read(MAX_BYTES + 1)
    while record.raw_stream.read(_CHUNK):  # the rest: digests are only checked at the end
        pass
    label = uri or "record"
    missing = getattr(record.raw_stream, "limit", 0)
    has_digest = headers.get_header("WARC-Payload-Digest") or headers.get_header("WARC-Block-Digest")
    if missing > 0 or (has_digest and record.digest_checker.passed is None):
        return Failure(where, f"truncated record for {label}: it ends before its Content-Length")
    if record.digest_checker.passed is False:
        problems = "; ".join(record.digest_checker.problems) or "digest mismatch"
        return Failure(where, f"corrupt record for {label}: its content does not match its digest ({problems})")
    if len(payload) > MAX_BYTES:
        return Failure(where, f"page for {label} too large (over {MAX_BYTES:,} bytes)")
    charset = _CHARSET.search(content_type)
    html = decode_html(payload, where, charset.group(1) if charset else None)
    if isinstance(html, Failure):
        return Failure(where, f"{html.reason} ({label})")
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<> ") or None
    source_id = uri or record_id
    article = html_to_article(html, source_id or content_id(html), where)
    if isinstance(article, Failure):
        return Failure(where, f"{article.reason} ({label})")
    article.url = uri or article.url
    article.source_id = source_id
    return article
