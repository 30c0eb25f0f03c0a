"""Stage 1, ingest: raw input → ``Article`` records with their layout (or ``Failure`` records).

``iter_documents`` reads every input format (text, Markdown, HTML, JSON Lines, JSON, CSV/TSV,
RSS/Atom, WARC) from paths, directories, globs, URLs and standard input.

>>> from detente.ingest import FieldMap, iter_documents
>>> for doc in iter_documents(["article.txt"]):     # doctest: +SKIP
...     print(doc.doc_id, doc.origin)
article article.txt
"""

from detente.ingest.language import detect_language
from detente.ingest.layout import find_date, split_layout
from detente.ingest.markdown import markdown_to_text
from detente.ingest.readers import (
    MAX_BYTES,
    content_id,
    parse_published,
    read_bytes,
    read_jsonl,
    read_path,
    read_source,
)
from detente.ingest.sources import FetchError, FieldMap, detect_format, fetch_url, iter_documents, read_data

__all__ = [
    "MAX_BYTES",
    "FetchError",
    "FieldMap",
    "content_id",
    "detect_format",
    "detect_language",
    "fetch_url",
    "find_date",
    "iter_documents",
    "markdown_to_text",
    "parse_published",
    "read_bytes",
    "read_data",
    "read_jsonl",
    "read_path",
    "read_source",
    "split_layout",
]
