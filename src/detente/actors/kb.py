"""The actor knowledge base: countries, organisations, people with time-bounded offices.

All of it is data (``actors/data/*.tsv``, ``actors/data/people/*.tsv``) so that users can
correct and extend it; a user overlay directory with the same layout adds rows, and replaces
every packaged row of a name it mentions.

>>> kb = load_kb()
>>> kb.person("Kerry").role_on(date(2010, 6, 1)).sector        # doctest: +SKIP
'LEG'
>>> kb.person("Kerry").role_on(date(2016, 3, 24)).office       # doctest: +SKIP
'secretary of state'
"""

from __future__ import annotations

import calendar
import functools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
OVERLAY_ENV = "DETENTE_ACTORS"
MIN_MISSPELT = 7  # letters in a name before a one-letter slip is read as a misspelling
COMMON_NAME_ZIPF = 2.5  # wordfreq's Zipf scale: about once per 3 million words of English text
# Offices ranked so that a person holding two at once is described by the higher one.
_OFFICE_RANK = ("king", "queen", "emperor", "supreme leader", "president", "prime minister",
                "chancellor", "premier", "crown prince", "vice president")


class KnowledgeBaseError(ValueError):
    """A knowledge-base file is malformed: names the file, line and problem."""


def parse_kb_date(text: str, *, end: bool, where: str) -> date | None:
    """``2016``, ``2016-03`` or ``2016-03-24``; a start rounds down, an end rounds up."""
    if not text:
        return None
    m = _DATE.match(text.strip())
    if not m:
        raise KnowledgeBaseError(f"{where}: {text!r} is not a YYYY[-MM[-DD]] date")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day:
            return date(year, int(month), int(day))
        if month:
            mon = int(month)
            return date(year, mon, calendar.monthrange(year, mon)[1] if end else 1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError as err:
        raise KnowledgeBaseError(f"{where}: {text!r}: {err}") from None


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


def read_tsv(path: Path, required: Iterable[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Rows of a TSV data file as (``file:line``, row); ``#`` lines are comments."""
    with path.open(encoding="utf-8") as fh:
        numbered = [(n, line) for n, line in enumerate(fh, 1) if line.strip() and not line.startswith("#")]
    if not numbered:
        return
    header = numbered[0][1].rstrip("\n").split("\t")
    missing = set(required) - set(header)
    if missing:
        raise KnowledgeBaseError(f"{path}:{numbered[0][0]}: missing columns {sorted(missing)}")
    for lineno, line in numbered[1:]:
        cells = line.rstrip("\n").split("\t")
        if len(cells) > len(header):
            raise KnowledgeBaseError(f"{path}:{lineno}: {len(cells)} cells for {len(header)} columns")
        cells += [""] * (len(header) - len(cells))
        yield f"{path.name}:{lineno}", dict(zip(header, (c.strip() for c in cells), strict=True))


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    capitals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Office:
    country: str
    sector: str
    office: str
    start: date | None
    end: date | None

    def holds_on(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass(slots=True)
class Person:
    name: str
    aliases: tuple[str, ...]
    qid: str | None
    offices: list[Office] = field(default_factory=list)
    best_known: Office | None = None

    def role_on(self, when: date | None) -> Office | None:
        """The office held on ``when``; with no date, the best-known one.

        After the last office ends the person is an ELI (former official) of that country;
        before the first, they carry that country with no sector.
        """
        if when is None or not self.offices:
            return self.best_known or (self.offices[0] if self.offices else None)
        current = [o for o in self.offices if o.holds_on(when)]
        if current:
            return min(current, key=_office_rank)
        past = [o for o in self.offices if o.end is not None and o.end < when]
        if past:
            last = max(past, key=lambda o: o.end or date.min)
            return Office(last.country, "ELI", f"former {last.office}", last.end, None)
        first = min(self.offices, key=lambda o: o.start or date.min)
        return Office(first.country, "", "", None, first.start)


def _office_rank(office: Office) -> tuple[int, date]:
    title = office.office.lower()
    rank = next((i for i, word in enumerate(_OFFICE_RANK) if title == word), len(_OFFICE_RANK))
    return rank, office.start or date.min


@dataclass(frozen=True, slots=True)
class Organization:
    name: str
    aliases: tuple[str, ...]
    code: str
    sector: str | None
    start: date | None
    end: date | None
    qid: str | None
    kind: str

    def holds_on(self, when: date | None) -> bool:
        if when is None:
            return True
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass(frozen=True, slots=True)
class SectorNoun:
    noun: str
    sector: str
    office: str | None


@dataclass(slots=True)
class KnowledgeBase:
    """Fast lookups over the actor data; build it with ``load_kb()``."""

    countries: dict[str, Country] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    organizations: dict[str, list[Organization]] = field(default_factory=dict)
    sector_nouns: dict[str, SectorNoun] = field(default_factory=dict)
    # surface form → keys, e.g. "Moscow" → ["capital:RUS"], "Kerry" → ["person:John Kerry"]
    surface: dict[str, list[str]] = field(default_factory=dict)
    # (country, office) → people who held it, for "the US secretary of state"
    office_holders: dict[tuple[str, str], list[Person]] = field(default_factory=dict)
    _spelling: dict[str, str] | None = None  # country names and adjectives → key, built on first use
    _misspellings: dict[str, str | None] = field(default_factory=dict)  # form → key, memoised

    def _index(self, form: str, key: str) -> None:
        keys = self.surface.setdefault(form, [])
        if key not in keys:
            keys.append(key)

    def add_country(self, c: Country) -> None:
        self.countries[c.code] = c
        for form in (c.name, *c.aliases):
            self._index(form, f"country:{c.code}")
        for form in c.adjectives:
            self._index(form, f"demonym:{c.code}")
        for form in c.capitals:
            self._index(form, f"capital:{c.code}")

    def add_person(self, p: Person) -> None:
        self.people[p.name] = p
        for form in (p.name, *p.aliases):
            self._index(form, f"person:{p.name}")
        for o in p.offices:
            holders = self.office_holders.setdefault((o.country, o.office), [])
            if p not in holders:
                holders.append(p)

    def add_organization(self, o: Organization) -> None:
        self.organizations.setdefault(o.name, []).append(o)
        for form in (o.name, *o.aliases):
            self._index(form, f"org:{o.name}")

    def misspelt_country(self, form: str) -> str | None:
        """The key of the country name or adjective that ``form`` misspells by one letter (left
        out, added, changed or swapped with its neighbour), when exactly one country fits.

        Wire copy misspells names ("Afganistan", "Ethopia"); an actor lost to a typo loses the
        event. Only names of ``MIN_MISSPELT`` letters or more are matched: shorter ones lie one
        letter apart from each other ("Iran", "Iraq"; "Niger", "Nigel"). A form common in English
        text is a name in its own right, not a slip: "Columbia", "Georgina", "Bolivar".

        >>> load_kb().misspelt_country("Afganistan")                  # doctest: +SKIP
        'country:AFG'
        """
        if len(form) < MIN_MISSPELT or form in self.surface:
            return None
        if form not in self._misspellings:
            self._misspellings[form] = self._closest_country(form)
        return self._misspellings[form]

    def _closest_country(self, form: str) -> str | None:
        if zipf_frequency(form, "en") >= COMMON_NAME_ZIPF:
            return None
        if self._spelling is None:
            self._spelling = {f: keys[0] for f, keys in self.surface.items()
                              if len(f) >= MIN_MISSPELT - 1 and keys[0].startswith(("country:", "demonym:"))}
        close = process.extract(form, list(self._spelling), scorer=OSA.distance, score_cutoff=1, limit=None)
        keys = {self._spelling[f] for f, _, _ in close if f[0] == form[0]}
        if len({k.partition(":")[2] for k in keys}) != 1:
            return None
        return min(keys)

    def person(self, form: str) -> Person | None:
        for key in self.surface.get(form, ()):
            if key.startswith("person:"):
                return self.people[key[7:]]
        return None

    def organization(self, name: str, when: date | None) -> Organization | None:
        """The organisation's row on ``when``; with no date, the role it held longest
        (the Taliban are best known as rebels, though they govern now)."""
        rows = self.organizations.get(name, [])
        if when is None and len(rows) > 1:
            today = date.today()
            return max(rows, key=lambda o: ((o.end or today) - (o.start or date(1900, 1, 1))).days)
        return next((o for o in rows if o.holds_on(when)), rows[-1] if rows else None)

    def holder(self, country: str, office: str, when: date | None) -> Person | None:
        """Who held ``office`` in ``country`` on ``when`` ("the US secretary of state")."""
        if when is None:
            return None
        for person in self.office_holders.get((country, office), ()):
            if any(o.office == office and o.country == country and o.holds_on(when) for o in person.offices):
                return person
        return None

    def ruler_patterns(self) -> list[dict[str, str]]:
        """EntityRuler phrase patterns for every known name, labelled as spaCy labels them."""
        labels = {"person": "PERSON", "org": "ORG", "country": "GPE", "capital": "GPE", "demonym": "NORP"}
        patterns = []
        for form, keys in self.surface.items():
            key = keys[0]
            patterns.append({"label": labels[key.split(":", 1)[0]], "pattern": form, "id": form})
        return patterns


def _data_dir() -> Path:
    return Path(str(resources.files("detente.actors") / "data"))


def _load_dir(directory: Path, rows: dict[str, list[tuple[str, dict[str, str]]]]) -> None:
    """Collect rows by kind; a name in a later directory replaces that name's earlier rows."""
    sources = {
        "country": [directory / "countries.tsv"],
        "org": [directory / "organizations.tsv"],
        "noun": [directory / "sector_nouns.tsv"],
        "person": sorted((directory / "people").glob("*.tsv")) if (directory / "people").is_dir() else [],
    }
    required = {
        "country": ("code", "name"),
        "org": ("name", "code"),
        "noun": ("noun", "sector"),
        "person": ("name", "country", "sector", "office", "start", "end"),
    }
    key_column = {"country": "code", "org": "name", "noun": "noun", "person": "name"}
    for kind, paths in sources.items():
        fresh: dict[str, list[tuple[str, dict[str, str]]]] = {}
        for path in paths:
            if path.is_file():
                for where, row in read_tsv(path, required[kind]):
                    fresh.setdefault(row[key_column[kind]], []).append((where, row))
        existing = rows.setdefault(kind, [])
        replaced = set(fresh)
        existing[:] = [r for r in existing if r[1][key_column[kind]] not in replaced]
        for group in fresh.values():
            existing.extend(group)


def build_kb(directories: Iterable[Path]) -> KnowledgeBase:
    rows: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for directory in directories:
        _load_dir(directory, rows)
    kb = KnowledgeBase()
    for _, r in rows.get("country", []):
        kb.add_country(Country(r["code"], r["name"], _split(r.get("aliases")),
                               _split(r.get("adjectives")), _split(r.get("capitals"))))
    for where, r in rows.get("org", []):
        kb.add_organization(Organization(
            r["name"], _split(r.get("aliases")), r["code"], r.get("sector") or None,
            parse_kb_date(r.get("start", ""), end=False, where=where),
            parse_kb_date(r.get("end", ""), end=True, where=where),
            r.get("qid") or None, r.get("kind") or "other"))
    for _, r in rows.get("noun", []):
        kb.sector_nouns[r["noun"].lower()] = SectorNoun(r["noun"].lower(), r["sector"], r.get("office") or None)
    people: dict[str, Person] = {}
    for where, r in rows.get("person", []):
        office = Office(r["country"], r["sector"], r["office"].lower(),
                        parse_kb_date(r["start"], end=False, where=where),
                        parse_kb_date(r["end"], end=True, where=where))
        if office.start and office.end and office.start > office.end:
            raise KnowledgeBaseError(f"{where}: office ends before it starts")
        person = people.setdefault(r["name"], Person(r["name"], _split(r.get("aliases")), r.get("qid") or None))
        person.offices.append(office)
        if (r.get("best_known") or "").lower() in ("y", "yes", "1", "true"):
            person.best_known = office
    for person in people.values():
        kb.add_person(person)
    return kb


@functools.cache
def _cached_kb(overlay: str | None) -> KnowledgeBase:
    dirs = [_data_dir()]
    if overlay:
        path = Path(overlay)
        if not path.is_dir():
            raise KnowledgeBaseError(f"{overlay}: actor overlay must be a directory of TSV files")
        dirs.append(path)
    return build_kb(dirs)


def load_kb(overlay: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """The packaged knowledge base plus an optional overlay directory (or ``$DETENTE_ACTORS``)."""
    chosen = overlay if overlay is not None else os.environ.get(OVERLAY_ENV) or None
    return _cached_kb(str(chosen) if chosen else None)
