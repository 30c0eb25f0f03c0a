"""The ``detente`` command: a thin layer over the library, one module per family of commands.

    detente code ARTICLE.txt                 code without a store (cli/coding.py)
    detente ingest corpus/ --db events.duckdb  read, code and store (cli/store.py)
    detente panel --unit dyad --freq month   query the store (cli/query.py)
"""

from detente.cli import coding, dedup, query, store, web  # noqa: F401 - importing registers the commands
from detente.cli.common import main

__all__ = ["main"]
