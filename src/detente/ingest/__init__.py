"""Stage 1, ingest: raw input → ``Article`` records with their layout (or ``Failure`` records).

>>> from detente.ingest import read_source
>>> for doc in read_source("article.txt"):        # doctest: +SKIP
...     print(doc.doc_id, doc.published, [s.kind.value for s in doc.sections])
article 2016-03-24 ['headline', 'byline', 'body', 'body']
"""

from detente.ingest.layout import find_date, split_layout
from detente.ingest.readers import content_id, read_bytes, read_jsonl, read_path, read_source

__all__ = ["content_id", "find_date", "read_bytes", "read_jsonl", "read_path", "read_source", "split_layout"]
