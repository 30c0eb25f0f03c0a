"""What the user names → documents: paths, directories, globs, URLs and ``-``, in every format.

``iter_documents`` is ingestion's single entry point. It expands each input, tells each file's
format by its suffix (then by its first bytes) and hands it to the matching reader. It never
raises on bad input: every problem is a ``Failure`` naming the file, record or URL.

>>> for doc in iter_documents(["corpus/", "feeds/*.xml", "-"], FieldMap(text="body")):  # doctest: +SKIP
...     print(doc)
"""

from __future__ import annotations

import glob
import io
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

from detente.ingest.feeds import looks_like_feed, read_feed
from detente.ingest.markdown import read_markdown
from detente.ingest.readers import MAX_BYTES, content_id, decode_html, decode_text, html_to_article
from detente.ingest.tables import FieldMap, read_csv, read_json, read_jsonl_records
from detente.ingest.warc import read_warc
from detente.records import Article, Failure

__all__ = ["FetchError", "FieldMap", "detect_format", "fetch_url", "iter_documents", "read_data"]

Document = Article | Failure
Fetch = Callable[[str], bytes]

_SUFFIXES = {
    ".txt": "text", ".text": "text", "": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "tsv",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".warc": "warc",
}
_CONTENT_TYPES = [  # (substring of the Content-Type, format); None: decide by suffix and sniffing
    ("html", "html"), ("rss", "feed"), ("atom", "feed"), ("rdf", "feed"), ("ndjson", "jsonl"),
    ("jsonl", "jsonl"), ("json-seq", "jsonl"), ("json", "json"), ("csv", "csv"), ("tab-separated", "tsv"),
    ("warc", "warc"), ("markdown", "markdown"),
]
_MAGIC = [  # binary files people drop into a corpus folder, named so the Failure says what they are
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx file)"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"BZh", "a bzip2-compressed file"), (b"\xfd7zXZ", "an xz-compressed file"),
]
_HTML_SNIFF = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.I | re.S)
_STREAMED = frozenset({"jsonl", "csv", "tsv", "warc"})  # read record by record, any size
_DOCUMENT_FORMATS = frozenset(_SUFFIXES.values())


class FetchError(Exception):
    """A URL could not be fetched; the message is one sentence for the user."""


class Download(bytes):
    """Fetched bytes that remember the server's Content-Type (used to choose the reader)."""

    content_type: str | None

    def __new__(cls, data: bytes, content_type: str | None = None) -> Download:
        obj = super().__new__(cls, data)
        obj.content_type = content_type
        return obj


def fetch_url(url: str, timeout: float = 30, max_bytes: int = MAX_BYTES) -> bytes:
    """GET an http(s) URL → its body (a ``Download`` carrying the Content-Type), or ``FetchError``.

    >>> page = fetch_url("https://example.org/news/talks-end.html")     # doctest: +SKIP
    >>> page.content_type                                                # doctest: +SKIP
    'text/html; charset=utf-8'
    """
    import http.client
    import urllib.error
    import urllib.request

    from detente import __version__

    if urlparse(url).scheme.lower() not in ("http", "https"):
        raise FetchError("only http and https URLs can be fetched")
    request = urllib.request.Request(url, headers={"User-Agent": f"detente/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"response too large ({int(declared):,} bytes; limit {max_bytes:,})")
            data = response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise FetchError(f"response too large (over {max_bytes:,} bytes)")
            return Download(data, response.headers.get("Content-Type"))
    except urllib.error.HTTPError as err:
        raise FetchError(f"HTTP error {err.code} ({err.reason})") from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(f"cannot connect ({err.reason})") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (http.client.HTTPException, OSError) as err:
        raise FetchError(f"connection failed ({type(err).__name__}: {err})") from None


def detect_format(name: str, head: bytes, content_type: str | None = None) -> str:
    """The reader for a file: by Content-Type, then suffix, then its first bytes.

    Returns a key of ``_SUFFIXES``' values, or ``"compressed"`` / ``"binary:<what>"``. Plain-text
    suffixes still let the bytes speak: a ``.txt`` or suffix-less file holding HTML or a feed
    is read as one.

    >>> detect_format("wire", b'<?xml version="1.0"?><rss version="2.0">')
    'feed'
    """
    lower = name.lower()
    if lower.endswith((".warc", ".warc.gz")):
        return "warc"
    if content_type and looks_like_feed(head):  # servers label feeds text/html or text/plain too
        return "feed"
    if content_type:
        mime = content_type.split(";")[0].strip().lower()
        for key, fmt in _CONTENT_TYPES:
            if key in mime:
                return fmt
    suffix = os.path.splitext(lower)[1]
    fmt = _SUFFIXES.get(suffix)
    if fmt is not None and fmt != "text":
        return fmt
    if head[:2] == b"\x1f\x8b":
        return "warc" if _gzipped_warc(head) else "compressed"
    body = head.lstrip()
    if body.startswith(b"WARC/"):
        return "warc"
    if looks_like_feed(head):
        return "feed"
    if _HTML_SNIFF.match(head):
        return "html"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"binary:{what}"
    return "text"


def _gzipped_warc(head: bytes) -> bool:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 16).startswith(b"WARC/")
    except zlib.error:
        return False


def read_data(
    data: bytes,
    name: str,
    fields: FieldMap = FieldMap(),
    *,
    doc_id: str | None = None,
    content_type: str | None = None,
    fmt: str | None = None,
) -> Iterator[Document]:
    """Documents in bytes already in memory (stdin, a download, a test), ``name`` naming them."""
    fmt = fmt or detect_format(name, data[:4096], content_type)
    if fmt == "jsonl":
        yield from read_jsonl_records(io.BytesIO(data), name, fields)
    elif fmt in ("csv", "tsv"):
        yield from read_csv(io.BytesIO(data), name, fields, delimiter="\t" if fmt == "tsv" else ",")
    elif fmt == "warc":
        yield from read_warc(io.BytesIO(data), name)
    elif fmt == "compressed":
        yield Failure(name, "compressed file: decompress it first (only .warc.gz is read compressed)")
    elif fmt.startswith("binary:"):
        yield Failure(name, f"binary file ({fmt.partition(':')[2]}): expected text, HTML, Markdown, a feed, JSON Lines, CSV or WARC")
    elif len(data) > MAX_BYTES:
        yield Failure(name, f"file too large ({len(data):,} bytes; limit {MAX_BYTES:,})")
    elif fmt == "json":
        yield from read_json(data, name, fields)
    elif fmt == "feed":
        yield from read_feed(data, name)
    elif fmt == "markdown":
        yield read_markdown(data, name, doc_id)
    elif fmt == "html":
        charset = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.I)
        html = decode_html(data, name, charset.group(1) if charset else None)
        if isinstance(html, Failure):
            yield html
            return
        page = html_to_article(html, doc_id or "", name)
        if isinstance(page, Article) and not doc_id:
            page.doc_id = content_id(page.text)  # named by its text, like any document without a name
        yield page
    else:
        text = decode_text(data, name)
        yield text if isinstance(text, Failure) else Article(doc_id or content_id(text), text, origin=name)


def iter_documents(
    inputs: Iterable[str],
    fields: FieldMap = FieldMap(),
    *,
    stdin: IO[bytes] | None = None,
    fetch: Fetch | None = None,
) -> Iterator[Document]:
    """Every document in ``inputs``, in order; each input a path, directory, glob, URL or ``-``.

    doc_ids: the source's own id (JSON/CSV id field, feed guid, WARC target URI, the URL
    fetched), else the file stem for single-document files (the path below the directory,
    without suffix, for files found in a directory or by a glob, so ``a/index.html`` and
    ``b/index.html`` differ), else the hash of the text.
    """
    for spec in inputs:
        try:
            yield from _read_input(str(spec), fields, stdin, fetch or fetch_url)
        except Exception as err:  # noqa: BLE001 - a reader bug on one input must not stop the batch
            yield Failure(str(spec), f"internal error while reading ({type(err).__name__}: {err})")


def _read_input(spec: str, fields: FieldMap, stdin: IO[bytes] | None, fetch: Fetch) -> Iterator[Document]:
    if spec == "-":
        yield from _read_stdin(stdin or sys.stdin.buffer, fields)
        return
    if re.match(r"(?i)https?://", spec):
        yield from _read_url(spec, fields, fetch)
        return
    path = Path(spec)
    if path.is_dir():
        yield from _read_directory(path, fields)
    elif path.exists() or path.is_symlink():
        yield from _read_file(path, str(path), path.stem, fields)
    elif re.search(r"[*?[]", spec):
        yield from _read_glob(spec, fields)
    else:
        yield Failure(spec, "no such file or directory")


def _read_stdin(stream: IO[bytes], fields: FieldMap) -> Iterator[Document]:
    try:
        data = stream.read()
    except OSError as err:
        yield Failure("<stdin>", f"cannot read standard input: {err.strerror or err}")
        return
    first = data.lstrip()[:1]
    fmt = "jsonl" if first == b"{" else "json" if first == b"[" else None
    yield from read_data(data, "<stdin>", fields, fmt=fmt)


def _read_url(url: str, fields: FieldMap, fetch: Fetch) -> Iterator[Document]:
    try:
        data = fetch(url)
    except FetchError as err:
        yield Failure(url, f"cannot fetch: {err}")
        return
    except Exception as err:  # noqa: BLE001 - a caller's fetch may raise anything
        yield Failure(url, f"cannot fetch ({type(err).__name__}: {err})")
        return
    content_type = getattr(data, "content_type", None)
    fmt = detect_format(urlparse(url).path or "/", bytes(data[:4096]), content_type)
    for doc in read_data(bytes(data), url, fields, doc_id=url, content_type=content_type, fmt=fmt):
        if isinstance(doc, Article) and fmt in ("html", "text", "markdown"):
            doc.url, doc.source_id = url, url
        yield doc


def _read_glob(pattern: str, fields: FieldMap) -> Iterator[Document]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Failure(pattern, "no files match this pattern")
        return
    fixed = []  # the pattern's leading directories without wildcards: ids are relative to them
    for part in Path(pattern).parts:
        if re.search(r"[*?[]", part):
            break
        fixed.append(part)
    base = Path(*fixed) if fixed else Path(".")
    for match in matches:
        path = Path(match)
        if path.is_dir():
            yield from _read_directory(path, fields)
        else:
            yield from _read_file(path, str(path), _relative_id(path, base), fields)


def _read_directory(root: Path, fields: FieldMap) -> Iterator[Document]:
    skipped: dict[str, int] = {}
    errors: list[OSError] = []
    found = 0
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # also prunes hidden trees
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            lower = name.lower()
            suffix = os.path.splitext(lower)[1]
            if suffix not in _SUFFIXES and not lower.endswith(".warc.gz"):
                skipped[suffix] = skipped.get(suffix, 0) + 1
                continue
            found += 1
            yield from _read_file(path, str(path), _relative_id(path, root), fields)
    for err in errors:
        yield Failure(str(err.filename or root), f"cannot read directory: {err.strerror or err}")
    if skipped:
        kinds = ", ".join(sorted(skipped))
        count = sum(skipped.values())
        yield Failure(
            str(root),
            f"skipped {count} file{'s' if count > 1 else ''} that {'are' if count > 1 else 'is'} "
            f"not in a document format ({kinds}); "
            "name them or match them with a glob to read them anyway",
        )
    elif not found and not errors:
        yield Failure(str(root), "directory holds no documents")


def _relative_id(path: Path, root: Path) -> str:
    try:
        relative = path.relative_to(root)
    except ValueError:
        relative = Path(path.name)
    return relative.with_suffix("").as_posix() if relative.suffix else relative.as_posix()


def _read_file(path: Path, where: str, doc_id: str, fields: FieldMap) -> Iterator[Document]:
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
            fmt = detect_format(path.name, head)
            if fmt in _STREAMED:
                stream.seek(0)
                yield from _read_stream(stream, fmt, where, fields)
                return
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_BYTES and fmt in _DOCUMENT_FORMATS:
                yield Failure(where, f"file too large ({size:,} bytes; limit {MAX_BYTES:,})")
                return
            data = head + stream.read()
    except OSError as err:
        yield Failure(where, f"cannot read: {err.strerror or err}")
        return
    yield from read_data(data, where, fields, doc_id=doc_id, fmt=fmt)


def _read_stream(stream: IO[bytes], fmt: str, where: str, fields: FieldMap) -> Iterator[Document]:
    if fmt == "jsonl":
        yield from read_jsonl_records(stream, where, fields)
    elif fmt == "warc":
        yield from read_warc(stream, where)
    else:
        yield from read_csv(stream, where, fields, delimiter="\t" if fmt == "tsv" else ",")

