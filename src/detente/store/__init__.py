"""Stage 6, store: coded articles → one DuckDB file (articles, events, entities, failures, runs).

>>> from detente.store import Store
>>> with Store.open("detente.duckdb") as store:     # doctest: +SKIP
...     print(store.counts())
{'articles': 46, 'events': 301, 'failures': 0, 'distinct_texts': 46}
"""

from detente.store.database import DatabaseLocked, Store, StoreError, StoredArticle, default_path
from detente.store.rows import assign_identity, content_hash

__all__ = ["DatabaseLocked", "Store", "StoreError", "StoredArticle", "assign_identity", "content_hash", "default_path"]
