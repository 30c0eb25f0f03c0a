"""Office titles that name the same function in different states.

"the US secretary of state" and "Washington's foreign policy chief" both mean the holder of
the foreign-minister office; the knowledge base uses each state's own title, so look-ups by
office try every equivalent title. The table is data: ``actors/data/offices.tsv``.

>>> "secretary of state" in equivalent_offices("foreign minister")
True
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from detente.actors.kb import read_tsv


@functools.cache
def _groups() -> dict[str, tuple[str, ...]]:
    path = Path(str(resources.files("detente.actors") / "data" / "offices.tsv"))
    groups: dict[str, tuple[str, ...]] = {}
    for _, row in read_tsv(path, ("office", "equivalents")):
        titles = (row["office"], *(t.strip() for t in row["equivalents"].split("|") if t.strip()))
        for title in titles:
            groups[title] = titles
    return groups


def equivalent_offices(office: str) -> tuple[str, ...]:
    """``office`` first, then the titles that name the same function elsewhere."""
    group = _groups().get(office.lower(), (office.lower(),))
    return (office.lower(), *(t for t in group if t != office.lower()))
