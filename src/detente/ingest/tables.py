"""Tabular inputs: JSON Lines, JSON and CSV/TSV, one document per record, under a ``FieldMap``.

A record's text, id, date, title, url and source come from the fields ``FieldMap`` names
(the CLI's ``--text-field`` and friends), so a dump with ``{"body": ..., "pubdate": ...}``
needs no conversion. Each bad record becomes one ``Failure`` (``x.jsonl:12``,
``data.csv:row 17``) and reading goes on.

>>> import io
>>> rows = io.BytesIO(b"id,body\\nr1,Kerry met Putin.\\n")
>>> [a.doc_id for a in read_csv(rows, "d.csv", FieldMap(text="body"))]
['r1']
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from detente.ingest.readers import MAX_BYTES, content_id, parse_published
from detente.records import Article, Failure


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which JSON/CSV field holds what. CLI options ``--id-field``, ``--text-field``, ... map onto it.

    A name with dots (``meta.published``) also reaches into nested JSON objects.
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    date: str = "published"
    url: str = "url"
    source: str = "source"


_MISSING = object()


def _field(record: Mapping[str, Any], name: str) -> Any:
    if name in record:
        return record[name]
    if "." not in name:
        return _MISSING
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def record_to_article(record: Any, fields: FieldMap, where: str) -> Article | Failure:
    """One JSON object or CSV row → an ``Article``, or the ``Failure`` saying what is wrong.

    Empty strings count as absent (a CSV has no other way to say "no date"). The doc_id is
    the record's id when it has one, else the hash of its text.
    """
    if not isinstance(record, Mapping):
        return Failure(where, f"expected a JSON object, got {_type_name(record)}")
    text = _field(record, fields.text)
    if text is _MISSING or text is None:
        return Failure(where, f"missing '{fields.text}' field (the document text; a string is required)")
    if not isinstance(text, str):
        return Failure(where, f"'{fields.text}' must be a string, got {_type_name(text)}")
    if not text.strip():
        return Failure(where, f"empty '{fields.text}': no text to code")
    raw_id = _field(record, fields.id)
    if raw_id is _MISSING or raw_id is None or raw_id == "":
        source_id = None
    elif isinstance(raw_id, str | int) and not isinstance(raw_id, bool):
        source_id = str(raw_id).strip() or None
    else:
        return Failure(where, f"'{fields.id}' must be a string or an integer, got {_type_name(raw_id)}")
    raw_date = _field(record, fields.date)
    try:
        published = parse_published(None if raw_date is _MISSING else raw_date)
    except ValueError as err:
        return Failure(where, str(err))
    optional: dict[str, str | None] = {}
    for key, name in (("title", fields.title), ("url", fields.url), ("source", fields.source)):
        value = _field(record, name)
        if value is _MISSING or value is None or value == "":
            optional[key] = None
        elif isinstance(value, str):
            optional[key] = value
        else:
            return Failure(where, f"'{name}' must be a string, got {_type_name(value)}")
    return Article(
        doc_id=source_id or content_id(text),
        text=text,
        published=published,
        published_from="caller" if published else None,
        source_id=source_id,
        origin=where,
        **optional,
    )


def _type_name(value: Any) -> str:
    names = {dict: "an object", list: "an array", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


def read_jsonl_records(stream: IO[bytes], name: str, fields: FieldMap) -> Iterator[Article | Failure]:
    """JSON Lines: one object per line; blank lines are skipped; ``where`` is ``name:line``."""
    lineno = 0
    try:
        for lineno, raw in enumerate(stream, start=1):
            where = f"{name}:{lineno}"
            if not raw.strip():
                continue
            if len(raw) > MAX_BYTES:
                yield Failure(where, f"line too long ({len(raw):,} bytes; limit {MAX_BYTES:,})")
                continue
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as err:
                yield Failure(where, f"line is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})")
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                yield Failure(where, f"malformed JSON: {err.msg} at column {err.colno}")
                continue
            except RecursionError:
                yield Failure(where, "malformed JSON: nested too deeply")
                continue
            yield record_to_article(record, fields, where)
    except OSError as err:
        yield Failure(f"{name}:{lineno + 1}", f"cannot read: {err.strerror or err}")


def read_json(data: bytes, name: str, fields: FieldMap) -> Iterator[Article | Failure]:
    """A ``.json`` file: one document object, or an array of them (``where`` is ``name[i]``).

    A file of one object per line is read as JSON Lines: servers and exporters often label
    JSON Lines as plain JSON.
    """
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        yield Failure(name, f"not UTF-8 text: byte 0x{data[err.start]:02x} at offset {err.start} cannot be decoded")
        return
    except json.JSONDecodeError as err:
        if err.msg == "Extra data" and err.lineno > 1:  # JSON Lines under a .json name or MIME type
            yield from read_jsonl_records(io.BytesIO(data), name, fields)
            return
        yield Failure(name, f"malformed JSON: {err.msg} at line {err.lineno}, column {err.colno}")
        return
    except RecursionError:
        yield Failure(name, "malformed JSON: nested too deeply")
        return
    if isinstance(value, list):
        if not value:
            yield Failure(name, "the JSON array is empty: no documents")
        for i, item in enumerate(value):
            yield record_to_article(item, fields, f"{name}[{i}]")
        return
    yield record_to_article(value, fields, name)


def read_csv(stream: IO[bytes], name: str, fields: FieldMap, delimiter: str = ",") -> Iterator[Article | Failure]:
    """CSV (or TSV with ``delimiter="\\t"``) with a header row naming the fields.

    ``where`` is ``name:row N`` with rows counted as a spreadsheet shows them: the header is
    row 1, so the first document is row 2.
    """
    # News texts easily exceed csv's default 128 KiB cell limit; a cell as big as a whole
    # input file is the largest that can make sense.
    if csv.field_size_limit() < MAX_BYTES:
        csv.field_size_limit(MAX_BYTES)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    rows = csv.reader(text, delimiter=delimiter)
    row_no = 0
    header: list[str] | None = None
    while True:
        row_no += 1
        where = f"{name}:row {row_no}"
        try:
            row = next(rows)
        except StopIteration:
            break
        except UnicodeDecodeError as err:
            yield Failure(where, f"not UTF-8 text (byte 0x{err.object[err.start]:02x}): cannot read further")
            return
        except csv.Error as err:
            yield Failure(where, f"malformed {'TSV' if delimiter == chr(9) else 'CSV'} row: {err}")
            continue
        except OSError as err:
            yield Failure(where, f"cannot read: {err.strerror or err}")
            return
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            if fields.text not in header:
                columns = ", ".join(repr(c) for c in header)
                yield Failure(name, f"no '{fields.text}' column for the document text (the columns are {columns})")
                return
            continue
        if len(row) != len(header):
            yield Failure(where, f"row has {len(row)} fields but the header has {len(header)}")
            continue
        yield record_to_article(dict(zip(header, row, strict=True)), fields, where)
    if header is None:
        yield Failure(name, "empty file: no header row and no documents")
