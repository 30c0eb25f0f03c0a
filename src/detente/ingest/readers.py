"""Readers: files, JSON Lines and standard input → ``Article`` records or ``Failure`` records.

A reader never raises on bad input: it yields a ``Failure`` naming the file (and line) and
the reason, and goes on with the next document, so one broken record cannot stop a batch.

>>> docs = list(read_source("corpus.jsonl"))      # doctest: +SKIP
>>> [type(d).__name__ for d in docs]               # doctest: +SKIP
['Article', 'Failure', 'Article']
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from detente.records import Article, Failure

MAX_BYTES = 20_000_000  # larger "articles" are almost always a wrong file
_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.I)
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def content_id(text: str) -> str:
    """A stable id for a text that came with none."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def parse_published(value: Any) -> date | None:
    """``YYYY-MM-DD`` (or a longer ISO timestamp) → date; anything else is an error."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published must be a YYYY-MM-DD string, got {type(value).__name__}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"published {value!r} is not a YYYY-MM-DD date") from None


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


def html_to_article(html: str, doc_id: str, where: str) -> Article | Failure:
    """Main text, title and date of a web page (boilerplate removed by trafilatura)."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        return Failure(where, "HTML page has no extractable article text")
    published = None
    raw_date = getattr(doc, "date", None)
    if raw_date:
        try:
            published = parse_published(raw_date)
        except ValueError:
            published = None
    title = getattr(doc, "title", None)
    return Article(
        doc_id=doc_id,
        text=text,
        title=title,
        published=published,
        url=getattr(doc, "url", None),
        source=getattr(doc, "sitename", None),
        published_from="html-metadata" if published else None,
    )


def _record_to_article(record: Any, where: str, fallback_id: str) -> Article | Failure:
    if not isinstance(record, dict):
        return Failure(where, f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        return Failure(where, "missing 'text' field (a string is required)")
    if not text.strip():
        return Failure(where, "empty 'text': no text to code")
    try:
        published = parse_published(record.get("published"))
    except ValueError as err:
        return Failure(where, str(err))
    doc_id = record.get("id")
    if doc_id is not None and not isinstance(doc_id, str | int):
        return Failure(where, "'id' must be a string or an integer")
    optional = {k: record.get(k) for k in ("title", "url", "source")}
    for key, value in optional.items():
        if value is not None and not isinstance(value, str):
            return Failure(where, f"'{key}' must be a string")
    return Article(
        doc_id=str(doc_id) if doc_id is not None else fallback_id,
        text=text,
        published=published,
        published_from="caller" if published else None,
        **optional,
    )


def read_jsonl(stream: IO[bytes], name: str) -> Iterator[Article | Failure]:
    """One document per line: ``{"id", "text", "published"?, "title"?, "url"?, "source"?}``."""
    for lineno, raw in enumerate(stream, start=1):
        where = f"{name}:{lineno}"
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as err:
            yield Failure(where, f"line is not UTF-8 (byte offset {err.start})")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Failure(where, f"malformed JSON: {err.msg} at column {err.colno}")
            continue
        yield _record_to_article(record, where, fallback_id=f"{Path(name).stem}-{lineno}")


def read_bytes(data: bytes, name: str, doc_id: str | None = None) -> Iterator[Article | Failure]:
    """A single document's bytes: HTML or plain text (or JSON Lines, by name)."""
    if Path(name).suffix.lower() in _JSONL_SUFFIXES:
        import io

        yield from read_jsonl(io.BytesIO(data), name)
        return
    if len(data) > MAX_BYTES:
        yield Failure(name, f"file too large ({len(data):,} bytes; limit {MAX_BYTES:,})")
        return
    text = decode_text(data, name)
    if isinstance(text, Failure):
        yield text
        return
    ident = doc_id or content_id(text)
    if Path(name).suffix.lower() in _HTML_SUFFIXES or _HTML_SNIFF.match(data[:512]):
        yield html_to_article(text, ident, name)
        return
    yield Article(doc_id=ident, text=text)


def read_path(path: Path) -> Iterator[Article | Failure]:
    """A file: JSON Lines by suffix, else one text or HTML document (its id is the file stem)."""
    where = str(path)
    if not path.exists():
        yield Failure(where, "no such file")
        return
    if path.is_dir():
        yield Failure(where, "is a directory: give files (or a JSON Lines file)")
        return
    try:
        if path.suffix.lower() in _JSONL_SUFFIXES:
            with path.open("rb") as stream:
                yield from read_jsonl(stream, where)
            return
        if path.stat().st_size > MAX_BYTES:
            yield Failure(where, f"file too large ({path.stat().st_size:,} bytes; limit {MAX_BYTES:,})")
            return
        data = path.read_bytes()
    except OSError as err:
        yield Failure(where, f"cannot read: {err.strerror or err}")
        return
    yield from read_bytes(data, where, doc_id=path.stem)


def read_source(source: str | Path, stdin: IO[bytes] | None = None) -> Iterator[Article | Failure]:
    """Any input the CLI accepts: a path, or ``-`` for standard input (text, HTML or JSON Lines)."""
    if str(source) == "-":
        data = (stdin or sys.stdin.buffer).read()
        first = data.lstrip()[:1]
        if first == b"{":
            import io

            yield from read_jsonl(io.BytesIO(data), "<stdin>")
        else:
            yield from read_bytes(data, "<stdin>")
        return
    yield from read_path(Path(source))
