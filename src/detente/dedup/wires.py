"""Which wire service an article credits, from the credit line a syndicated reprint carries.

Reprints of one agency story are one report, not several: the credit tells the clustering
that two articles share a source even when their wording has drifted. Credit lines sit at the
top ("MOSCOW (Reuters) -", "By The Associated Press") or the bottom ("— AP", "(With AFP)") of
the text, so only the first ``HEAD`` and last ``TAIL`` characters are searched.

The table is ``data/wires.tsv``; ``$DETENTE_WIRES`` may name another TSV with the same columns,
which replaces it.

>>> credit_of("MOSCOW, March 24 (AFP) - Russia and the US agreed on Thursday to press on.")
'afp'
>>> credit_of("Kerry told Reuters in an interview that talks would go on.") is None
True
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from detente.actors.kb import read_tsv

WIRES_ENV = "DETENTE_WIRES"
HEAD = 400
TAIL = 300

# A pattern that is only a name ("Reuters", "Agence France-Presse") is also how a sentence
# mentions the agency ("told Reuters"), so it counts only where a credit stands (see
# ``_credit_position``). Anything else, "(Reuters)", "Reuters -", "By The Associated Press",
# is a credit line wherever it appears in the searched windows.
_BARE_NAME = re.compile(r"[^\W\d_]+(?:[ .'-][^\W\d_]+)*\.?")

# Contexts of a bare name on its line. Left: nothing but punctuation ("— AP", "(Xinhua)"),
# a credit word ("By the", "(With", "Copyright 2016 The", "Additional reporting by"), a dash
# ending the preceding text ("... next week. — AP"), or a byline ("By Lara Jakes, AP").
_LEFT_BLANK = re.compile(r"[\W\d]*")
_LEFT_CREDIT_WORD = re.compile(
    r"[\W\d]*(?:(?:(?:[Aa]dditional\s+)?[Rr]eporting|[Cc]ompiled|[Ww]ritten|[Ss]tory)\s+)?"
    r"(?:[Bb]y|BY|[Ff]rom|FROM|[Ww]ith|WITH|[Vv]ia|[Ss]ource|SOURCE|[Cc]opyright|COPYRIGHT)"
    r"[\W\d]*(?:[Tt]he\s+|THE\s+)?"
)
_LEFT_DASH = re.compile(r".*(?:^|\s)(?:-{1,2}|–|—)\s*")
_LEFT_BYLINE = re.compile(r"\W*(?:By|BY)\s.+,\s*")
# Right: nothing but punctuation and dates, perhaps "All rights reserved"; or a dash or colon
# that opens the story ("Reuters - The talks...") when the name starts the line.
_RIGHT_BLANK = re.compile(r"[\W\d]*(?:[Aa]ll [Rr]ights [Rr]eserved\W*)?")
_RIGHT_DASH = re.compile(r"\s*(?:-{1,2}|–|—|:)(?:\s.*)?")
_LINE_CAP = 400


class WiresError(ValueError):
    """The wires table is malformed."""


@dataclass(frozen=True, slots=True)
class Wire:
    wire: str  # short id, e.g. "reuters"
    name: str  # display name, e.g. "Reuters"
    patterns: tuple[str, ...]  # case-sensitive literal forms as they appear in text


def _default_path() -> Path:
    return Path(str(resources.files("detente.dedup") / "data" / "wires.tsv"))


@functools.cache
def _load(path: str) -> tuple[Wire, ...]:
    wires = []
    for where, row in read_tsv(Path(path), ("wire", "name", "patterns")):
        patterns = tuple(p.strip() for p in row["patterns"].split("|") if p.strip())
        if not row["wire"] or not patterns:
            raise WiresError(f"{where}: a wire needs an id and at least one pattern")
        wires.append(Wire(row["wire"], row["name"] or row["wire"], patterns))
    return tuple(wires)


def load_wires() -> tuple[Wire, ...]:
    """The wires table: ``$DETENTE_WIRES`` if set, else the packaged ``data/wires.tsv``.

    >>> next(w.name for w in load_wires() if w.wire == "ap")
    'Associated Press'
    """
    return _load(os.environ.get(WIRES_ENV) or str(_default_path()))


_Pattern = tuple[str, str, bool]  # (literal, wire id, is an explicit credit form)
_Match = tuple[int, int, str, bool]  # (start, end, wire id, is an explicit credit form)


@functools.cache
def _patterns(wires: tuple[Wire, ...]) -> tuple[_Pattern, ...]:
    """Every pattern with its wire, longest first; the first wire listing a pattern owns it."""
    owner: dict[str, tuple[str, bool]] = {}
    for w in wires:
        for p in w.patterns:
            explicit = p.startswith(("By ", "BY ")) or not _BARE_NAME.fullmatch(p)
            owner.setdefault(p, (w.wire, explicit))
    ordered = sorted(owner, key=lambda p: (-len(p), p))
    return tuple((p, *owner[p]) for p in ordered)


def _is_word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _matches(text: str, lo: int, hi: int, patterns: tuple[_Pattern, ...]) -> list[_Match]:
    """Leftmost-longest, non-overlapping occurrences starting in ``text[lo:hi]``, whole words only.

    A plain ``str.find`` per pattern: a regex alternation of a hundred literals is tried at
    every position and was ten times slower on a 700-character window.
    """
    found = []
    for pattern, wire, explicit in patterns:
        # A pattern edge that is a letter must be a word edge in the text ("AP" is not "APEC").
        guard_start, guard_end = pattern[0].isalnum(), pattern[-1].isalnum()
        at = text.find(pattern, lo, hi + len(pattern) - 1)
        while at >= 0:
            end = at + len(pattern)
            glued = (guard_start and _is_word_char(text, at - 1)) or (guard_end and _is_word_char(text, end))
            if not glued:
                found.append((at, end, wire, explicit))
            at = text.find(pattern, at + 1, hi + len(pattern) - 1)
    found.sort(key=lambda m: (m[0], -m[1]))
    kept: list[_Match] = []
    for match in found:
        if not kept or match[0] >= kept[-1][1]:
            kept.append(match)
    return kept


def _credit_position(text: str, start: int, end: int) -> bool:
    """Does the bare name at ``text[start:end]`` stand where a credit stands on its line?"""
    # A credit line is short; the cap keeps a one-line 20 MB "article" from being scanned whole.
    line_start = max(text.rfind("\n", max(0, start - _LINE_CAP), start) + 1, start - _LINE_CAP)
    line_end = text.find("\n", end, end + _LINE_CAP)
    left = text[line_start:start]
    right = text[end : min(len(text), end + _LINE_CAP) if line_end < 0 else line_end]
    if _LEFT_BYLINE.fullmatch(left):
        return True
    if _LEFT_BLANK.fullmatch(left):
        return bool(_RIGHT_BLANK.fullmatch(right) or _RIGHT_DASH.fullmatch(right))
    if _LEFT_CREDIT_WORD.fullmatch(left) or _LEFT_DASH.fullmatch(left):
        return bool(_RIGHT_BLANK.fullmatch(right))
    return False


def credit_of(text: str) -> str | None:
    """The id of the wire service credited in ``text``'s opening or closing lines, or None.

    Explicit credit forms ("(AP)", "Reuters -", "By The Associated Press") anywhere in the two
    windows win over a bare agency name standing in a credit position ("— AP" at the end, a
    line reading "Xinhua"); within each kind, the head comes before the tail.

    >>> credit_of("The ministers met on Thursday.\\n\\n— AP")
    'ap'
    """
    if not text:
        return None
    patterns = _patterns(load_wires())
    tail_start = max(HEAD, len(text) - TAIL)
    windows = ((0, HEAD), (tail_start, len(text))) if tail_start < len(text) else ((0, HEAD),)
    explicit: list[str] = []
    positional: list[str] = []
    for lo, hi in windows:
        for start, end, wire, is_explicit in _matches(text, lo, hi, patterns):
            if is_explicit:
                explicit.append(wire)
            elif _credit_position(text, start, end):
                positional.append(wire)
    found = explicit or positional
    return found[0] if found else None
