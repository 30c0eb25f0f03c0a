"""Readers' shared ground: ids, dates, decoding, HTML extraction, and the CLI's ``read_source``.

A reader never raises on bad input: it yields a ``Failure`` naming the file (and line) and
the reason, and goes on with the next document, so one broken record cannot stop a batch.
Format dispatch lives in ``detente.ingest.sources``; ``read_source``, ``read_path`` and
``read_bytes`` are the older single-input entry points and go through the same dispatch.

>>> docs = list(read_source("corpus.jsonl"))      # doctest: +SKIP
>>> [type(d).__name__ for d in docs]               # doctest: +SKIP
['Article', 'Failure', 'Article']
>>> parse_published("Thu, 24 Mar 2016 23:30:00 -0500")
datetime.date(2016, 3, 24)
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from detente.records import Article, Failure

MAX_BYTES = 20_000_000  # larger "articles" are almost always a wrong file
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)


def content_id(text: str) -> str:
    """A stable id for a text that came with none (whitespace differences do not count).

    >>> content_id("Kerry met  Putin.") == content_id("Kerry met Putin.")
    True
    """
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def parse_published(value: Any) -> date | None:
    """A publication date as a caller or a feed writes it → ``date`` (``None`` for nothing).

    Accepts ``YYYY-MM-DD``, ISO 8601 timestamps with or without a timezone, RFC 2822 dates
    (``Thu, 24 Mar 2016 10:00:00 GMT``) and ``date``/``datetime`` objects. The date is taken
    as written: ``2016-03-24T23:30:00-05:00`` is the 24th, not the 25th in UTC, because the
    writer's calendar day is the one relative dates in the text ("on Tuesday") count from.

    >>> parse_published("2016-03-24T23:30:00-05:00")
    datetime.date(2016, 3, 24)
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"published must be a date string (YYYY-MM-DD, ISO timestamp or RFC 2822), got {type(value).__name__}"
        )
    text = value.strip()
    for parse in (date.fromisoformat, lambda s: datetime.fromisoformat(s).date(), _rfc2822_date):
        try:
            return parse(text)
        except (ValueError, TypeError, OverflowError, IndexError):
            continue
    raise ValueError(
        f"published {value!r} is not a YYYY-MM-DD date, an ISO timestamp or an RFC 2822 date"
    )


def _rfc2822_date(text: str) -> date:
    # "24 Mar 2016" and other partial forms are also RFC 2822 to the email parser; a bare
    # number is not a date, so demand at least a letter (the month name).
    if not re.search(r"[A-Za-z]", text):
        raise ValueError(text)
    return parsedate_to_datetime(text).date()


def decode_text(data: bytes, where: str) -> str | Failure:
    """Bytes → text, or the reason they are not a text document."""
    if not data.strip():
        return Failure(where, "empty file: no text to code")
    if b"\x00" in data[:8192]:
        return Failure(where, "binary file (contains NUL bytes): expected UTF-8 text, HTML or JSON Lines")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Failure(
            where,
            f"not UTF-8 text: byte 0x{data[err.start]:02x} at offset {err.start} cannot be decoded",
        )
    if not text.strip():
        return Failure(where, "empty file: no text to code")
    return text


def decode_html(data: bytes, where: str, charset: str | None = None) -> str | Failure:
    """HTML bytes → text, honouring the charset the server or a ``<meta>`` tag declares.

    Undeclared pages must be UTF-8 (as plain text must); a declared charset is trusted and
    its undecodable bytes replaced, since web pages often mislabel a stray byte or two.
    """
    declared = [c for c in (charset, _meta_charset(data)) if c and _known_codec(c)]
    if not declared:
        return decode_text(data, where)
    if not data.strip():
        return Failure(where, "empty file: no text to code")
    if b"\x00" in data[:8192] and not declared[0].lower().startswith("utf-16"):
        return Failure(where, "binary file (contains NUL bytes): expected HTML")
    for codec in declared:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(declared[0], errors="replace")


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def html_to_article(html: str, doc_id: str, where: str) -> Article | Failure:
    """Main text, title and date of a web page (boilerplate removed by trafilatura).

    ``origin`` is set to ``where``; callers that know more (a URL, a WARC record) set
    ``url``, ``source_id`` and ``origin`` on the result.
    """
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as err:  # noqa: BLE001 - a parser crash on one page must not stop a batch
        return Failure(where, f"HTML could not be parsed ({type(err).__name__}: {err})")
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        return Failure(where, "HTML page has no extractable article text")
    # trafilatura puts one paragraph (or heading) per line; the layout splitter and the parser
    # need paragraphs apart, or the headline is read as the start of the first sentence
    text = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    published = None
    raw_date = getattr(doc, "date", None)
    if raw_date:
        try:
            published = parse_published(raw_date)
        except ValueError:
            published = None
    return Article(
        doc_id=doc_id,
        text=text,
        title=getattr(doc, "title", None) or None,
        published=published,
        url=getattr(doc, "url", None) or None,
        source=getattr(doc, "sitename", None) or None,
        published_from="html-metadata" if published else None,
        origin=where,
    )


def read_jsonl(stream: IO[bytes], name: str) -> Iterator[Article | Failure]:
    """One document per line: ``{"id", "text", "published"?, "title"?, "url"?, "source"?}``."""
    from detente.ingest.tables import FieldMap, read_jsonl_records  # tables builds on this module

    yield from read_jsonl_records(stream, name, FieldMap())


def read_bytes(data: bytes, name: str, doc_id: str | None = None) -> Iterator[Article | Failure]:
    """A document's bytes, of any format ``iter_documents`` reads, told by ``name``'s suffix."""
    from detente.ingest.sources import read_data  # sources dispatches to every reader

    yield from read_data(data, name, doc_id=doc_id)


def read_path(path: Path) -> Iterator[Article | Failure]:
    """A file or directory, as ``iter_documents`` reads it (a file's doc_id is its stem)."""
    from detente.ingest.sources import iter_documents

    yield from iter_documents([str(path)])


def read_source(source: str | Path, stdin: IO[bytes] | None = None) -> Iterator[Article | Failure]:
    """Any input the CLI accepts: a path, a directory, a glob, a URL, or ``-`` for standard input."""
    from detente.ingest.sources import iter_documents

    yield from iter_documents([str(source)], stdin=stdin)
