"""Which coder produced a record: the package version plus a fingerprint of the coding stages.

The lexicon, the actor knowledge base and the rules change between releases and during
development; an event is only reproducible if its record says exactly which of them coded it.
``coder_id()`` is ``detente-0.1.0+3f9a1c2e``: the suffix hashes every source and data file of the
stages that decide what is coded (nlp, actors, events, attributes, ontology, layout), so
``detente recode`` can find the articles coded by anything else.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from detente import __version__

_PACKAGE = Path(__file__).resolve().parent
_CODING_STAGES = ("nlp", "actors", "events", "attributes", "ontology")
_CODING_FILES = ("ingest/layout.py", "records.py")


def _coding_files() -> list[Path]:
    files = [p for stage in _CODING_STAGES for p in (_PACKAGE / stage).rglob("*") if p.is_file()]
    files += [_PACKAGE / name for name in _CODING_FILES]
    return sorted(p for p in files if "__pycache__" not in p.parts and p.suffix != ".pyc")


@lru_cache(maxsize=1)
def coder_id() -> str:
    """``detente-<version>+<8 hex digits of the coding stages' files>``."""
    digest = hashlib.sha1()
    for path in _coding_files():
        digest.update(path.relative_to(_PACKAGE).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return f"detente-{__version__}+{digest.hexdigest()[:8]}"
