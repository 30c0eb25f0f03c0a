"""Typed, read-only access to the PLOVER ontology and the CAMEO -> PLOVER crosswalk.

Both data files ship inside the package (``detente/ontology/data``) and are validated on load::

    >>> from detente.ontology import load_ontology
    >>> onto = load_ontology()
    >>> onto.event_types["CONSULT"].quad, onto.intensity("CONSULT", "visit")
    (1, 4.0)
    >>> onto.cameo_for("CONSULT", "visit"), onto.quad_for_cameo("102")
    ('042', 3)
    >>> onto.plover_for_cameo("1123")
    PloverMapping(event='ACCUSE', mode='allege', context=('military',))
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import yaml

PLOVER_FILE = "plover.yaml"
CAMEO_FILE = "cameo_plover.tsv"
CAMEO_HEADER = ("cameo", "label", "event", "mode", "context", "note")
_CAMEO_CODE = re.compile(r"\d{2,4}")
# Quad by CAMEO root. It deliberately ignores the crosswalk so that CAMEO-coded data keep
# their conventional quads (e.g. 163 stays verbal conflict although it maps to COERCE).
_ROOT_QUADS: Mapping[int, int] = MappingProxyType(
    {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3, 12: 3, 13: 3,
     14: 4, 15: 4, 16: 3, 17: 4, 18: 4, 19: 4, 20: 4}
)


class OntologyError(ValueError):
    """A data file is missing or malformed; the message names the file and the row."""


@dataclass(frozen=True, slots=True)
class Mode:
    """A PLOVER mode of one event type, e.g. ``CONSULT``/``visit``."""
    name: str
    description: str
    intensity: float
    scored: bool = True  # False: the manual gives no score, so the type's score is used


@dataclass(frozen=True, slots=True)
class EventType:
    """A PLOVER event type, e.g. ``onto.event_types["ASSAULT"].requires_recipient``."""
    name: str
    description: str
    quad: int
    requires_recipient: bool
    intensity: float
    cameo_root: str
    modes: Mapping[str, Mode]
    note: str | None = None
    implied_recipient: str = "none"  # "place" or "place-or-home": see plover.yaml
    implied_sector: str | None = None
    object_is_own: bool = False  # the direct object is the actor's own means, never the recipient


@dataclass(frozen=True, slots=True)
class Sector:
    """A PLOVER actor sector code, e.g. ``onto.sectors["GOV"].frequent``."""
    code: str
    description: str
    frequent: bool


@dataclass(frozen=True, slots=True)
class ActorCode:
    """A special actor country code: non-state (``UNO``) or a territory (``PSE``)."""
    code: str
    description: str
    kind: str  # "non_state" or "territory"


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One crosswalk row, e.g. ``onto.cameo["0311"].event == "AGREE"``."""
    code: str
    label: str
    event: str | None  # None: PLOVER does not code it (CAMEO 01x/02x)
    mode: str | None
    context: tuple[str, ...]
    note: str | None


class PloverMapping(NamedTuple):
    """PLOVER coding of a CAMEO code: ``event, mode, context = onto.plover_for_cameo("042")``."""
    event: str | None
    mode: str | None
    context: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Ontology:
    """The loaded ontology; build it with :func:`load_ontology`, never by hand."""
    version: str
    event_types: Mapping[str, EventType]
    quads: Mapping[int, str]
    contexts: Mapping[str, str]
    sectors: Mapping[str, Sector]
    actor_codes: Mapping[str, ActorCode]
    cameo: Mapping[str, CameoCode]

    def event_type(self, event: str) -> EventType:
        """Look up a type case-insensitively: ``onto.event_type("assault").quad == 4``."""
        try:
            return self.event_types[event.upper()]
        except KeyError:
            raise KeyError(f"unknown PLOVER event type {event!r}") from None

    def quad(self, event: str) -> int:
        """Quad (1-4) of a PLOVER type: ``onto.quad("ASSAULT") == 4``."""
        return self.event_type(event).quad

    def intensity(self, event: str, mode: str | None = None) -> float:
        """Mode score if the type has that mode, else the type score.

        ``onto.intensity("CONSULT", "visit") == 4.0``; ``onto.intensity("CONSULT") == 2.5``.
        """
        etype = self.event_type(event)
        found = etype.modes.get(mode.lower()) if mode else None
        return found.intensity if found else etype.intensity

    def is_valid_mode(self, event: str, mode: str) -> bool:
        """Whether the manual lists the mode: ``onto.is_valid_mode("ASSAULT", "aerial")``."""
        etype = self.event_types.get(event.upper())
        return etype is not None and mode.lower() in etype.modes

    def is_valid_context(self, context: str) -> bool:
        """Whether ``context`` is a PLOVER context: ``onto.is_valid_context("diplomatic")``."""
        return context in self.contexts

    def cameo_for(self, event: str, mode: str | None = None, *, context: str | None = None) -> str:
        """Nearest 3- or 4-digit CAMEO code for a PLOVER type and mode.

        Picks the most generic code with the same event and mode, preferring codes tagged with
        ``context`` when one is given; falls back to the type's root code.
        ``onto.cameo_for("CONSULT", "visit") == "042"``;
        ``onto.cameo_for("AID", context="asylum") == "075"``.
        """
        etype = self.event_type(event)
        wanted = mode.lower() if mode else None
        rows = [r for r in self.cameo.values()
                if len(r.code) > 2 and r.event == etype.name and r.mode == wanted]
        in_context = [r for r in rows if context in r.context] if context else []
        # Without a mode, only a context match beats the type's generic root code.
        best = in_context or (rows if wanted else [])
        return min(best, key=lambda r: (len(r.code), r.code)).code if best else etype.cameo_root

    def plover_for_cameo(self, code: str, *, strict: bool = False) -> PloverMapping:
        """PLOVER (event, mode, context) for a CAMEO code, walking up to the parent code.

        ``strict=True`` drops modes and contexts that the manual does not define.
        ``onto.plover_for_cameo("0315").event == "AGREE"`` (0315 is absent, 031 is used).
        Raises ValueError for a malformed code and KeyError for an unknown one.
        """
        code = _check_code(code)
        row = next((self.cameo[code[:n]] for n in (4, 3, 2) if code[:n] in self.cameo), None)
        if row is None:
            raise KeyError(f"CAMEO code {code!r} is not in the crosswalk")
        if not strict or row.event is None:
            return PloverMapping(row.event, row.mode, row.context)
        mode = row.mode if row.mode and self.is_valid_mode(row.event, row.mode) else None
        return PloverMapping(row.event, mode, tuple(c for c in row.context if c in self.contexts))

    def quad_for_cameo(self, code: str) -> int:
        """Quad from the CAMEO root alone, 0 for 01-02: ``onto.quad_for_cameo("145") == 4``."""
        return _ROOT_QUADS[int(_check_code(code)[:2])]


def _check_code(code: str) -> str:
    code = code.strip()
    if not _CAMEO_CODE.fullmatch(code) or int(code[:2]) not in _ROOT_QUADS:
        raise ValueError(f"not a CAMEO event code: {code!r}")
    return code


@functools.cache
def load_ontology(data_dir: str | Path | None = None) -> Ontology:
    """Load and validate ``plover.yaml`` and ``cameo_plover.tsv`` (cached per ``data_dir``).

    ``data_dir`` defaults to the package's own data; tests point it at a temporary copy.
    Raises :class:`OntologyError` naming the file and row when a file is malformed.
    """
    root: Traversable = (
        resources.files(__package__).joinpath("data") if data_dir is None else Path(data_dir)
    )
    plover_src, cameo_src = root.joinpath(PLOVER_FILE), root.joinpath(CAMEO_FILE)
    version, event_types, quads, contexts, sectors, actors = _parse_plover(
        _read(plover_src), str(plover_src)
    )
    cameo = _parse_cameo(_read(cameo_src), str(cameo_src), event_types, contexts)
    for etype in event_types.values():
        row = cameo.get(etype.cameo_root)
        if row is None or row.event != etype.name:
            raise OntologyError(
                f"{plover_src}: event_types.{etype.name}.cameo_root {etype.cameo_root!r} "
                f"is not a {etype.name} row of {CAMEO_FILE}"
            )
    return Ontology(version, event_types, quads, contexts, sectors, actors, cameo)


def _read(src: Traversable) -> str:
    try:
        return src.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OntologyError(f"{src}: cannot read: {exc}") from exc


_MISSING: Any = object()


def _get(node: Any, key: Any, kinds: type | tuple[type, ...], where: str, src: str,
         default: Any = _MISSING) -> Any:
    """``node[key]`` checked against ``kinds`` (a bool never passes as a number)."""
    if not isinstance(node, dict):
        raise OntologyError(f"{src}: {where}: expected a mapping, got {node!r}")
    if key not in node and default is not _MISSING:
        return default
    value = node.get(key)
    if not isinstance(value, kinds) or (isinstance(value, bool) and kinds is not bool):
        raise OntologyError(f"{src}: {where}.{key}: expected {kinds}, got {value!r}")
    return value


def _score(node: Any, where: str, src: str) -> float:
    value = float(_get(node, "intensity", (int, float), where, src))
    if not -10.0 <= value <= 10.0:
        raise OntologyError(f"{src}: {where}.intensity: {value} is outside [-10, 10]")
    return value


def _event_type(name: str, node: Any, src: str) -> EventType:
    where = f"event_types.{name}"
    quad = _get(node, "quad", int, where, src)
    if quad not in (1, 2, 3, 4):
        raise OntologyError(f"{src}: {where}.quad: {quad} is not 1-4")
    modes = {
        m: Mode(m, _get(n, "description", str, f"{where}.modes.{m}", src),
                _score(n, f"{where}.modes.{m}", src),
                _get(n, "scored", bool, f"{where}.modes.{m}", src, default=True))
        for m, n in _get(node, "modes", dict, where, src).items()
    }
    return EventType(
        name, _get(node, "description", str, where, src), quad,
        _get(node, "requires_recipient", bool, where, src), _score(node, where, src),
        _get(node, "cameo_root", str, where, src), MappingProxyType(modes),
        _get(node, "note", str, where, src, default=None),
        _implied(node, where, src),
        _get(node, "implied_sector", str, where, src, default=None),
        _get(node, "object_is_own", bool, where, src, default=False),
    )


_IMPLIED = ("none", "place", "place-or-home")


def _implied(node: Any, where: str, src: str) -> str:
    value = _get(node, "implied_recipient", str, where, src, default="none")
    if value not in _IMPLIED:
        raise OntologyError(f"{src}: {where}.implied_recipient: {value!r} is not one of {', '.join(_IMPLIED)}")
    return value


def _parse_plover(text: str, src: str) -> tuple[
    str, Mapping[str, EventType], Mapping[int, str], Mapping[str, str],
    Mapping[str, Sector], Mapping[str, ActorCode],
]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise OntologyError(f"{src}: invalid YAML: {exc}") from exc
    top = "(top level)"
    version = str(_get(doc, "version", (str, int, float), top, src))
    types = {n: _event_type(n, node, src)
             for n, node in _get(doc, "event_types", dict, top, src).items()}
    quads = {k: _get(doc["quads"], k, str, "quads", src)
             for k in _get(doc, "quads", dict, top, src)}
    if set(quads) != {0, 1, 2, 3, 4}:
        raise OntologyError(f"{src}: quads: keys must be 0-4, got {sorted(quads, key=str)}")
    contexts = {k: _get(doc["contexts"], k, str, "contexts", src)
                for k in _get(doc, "contexts", dict, top, src)}
    sectors = {c: Sector(c, _get(n, "description", str, f"sectors.{c}", src),
                         _get(n, "frequent", bool, f"sectors.{c}", src))
               for c, n in _get(doc, "sectors", dict, top, src).items()}
    actors = {c: ActorCode(c, _get(n, "description", str, f"actor_codes.{c}", src),
                           _get(n, "kind", str, f"actor_codes.{c}", src))
              for c, n in _get(doc, "actor_codes", dict, top, src).items()}
    return (version, MappingProxyType(types), MappingProxyType(quads),
            MappingProxyType(contexts), MappingProxyType(sectors), MappingProxyType(actors))


def _parse_cameo(
    text: str, src: str, event_types: Mapping[str, EventType], contexts: Mapping[str, str]
) -> Mapping[str, CameoCode]:
    rows: dict[str, CameoCode] = {}
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{src}, line {lineno}"
        if not header_seen:
            if tuple(cells) != CAMEO_HEADER:
                raise OntologyError(f"{where}: header must be {'<TAB>'.join(CAMEO_HEADER)!r}")
            header_seen = True
            continue
        # Trailing empty cells may be omitted so that no line ends in whitespace.
        if not 2 <= len(cells) <= len(CAMEO_HEADER) or any(c != c.strip() for c in cells):
            raise OntologyError(f"{where}: need 2-{len(CAMEO_HEADER)} tab-separated cells "
                                f"without surrounding spaces, got {cells!r}")
        cells += [""] * (len(CAMEO_HEADER) - len(cells))
        code, label, event, mode, context, note = cells
        ctx = tuple(context.split("|")) if context else ()
        problem = None
        if not _CAMEO_CODE.fullmatch(code) or int(code[:2]) not in _ROOT_QUADS:
            problem = "bad CAMEO code"
        elif code in rows or not label:
            problem = "duplicate code or empty label"
        elif event and event not in event_types:
            problem = f"unknown PLOVER event {event!r}"
        elif mode and not event:
            problem = f"mode {mode!r} without an event"
        # Modes/contexts outside the manual are kept from the crosswalk but must be explained.
        elif mode and mode not in event_types[event].modes and not note:
            problem = f"mode {mode!r} is not a {event} mode and has no note"
        elif any(c not in contexts for c in ctx) and not note:
            problem = f"unknown context in {context!r} and no note"
        if problem:
            raise OntologyError(f"{where}: {problem} (code {code!r})")
        rows[code] = CameoCode(code, label, event or None, mode or None, ctx, note or None)
    if not header_seen:
        raise OntologyError(f"{src}: no header line")
    return MappingProxyType(rows)
