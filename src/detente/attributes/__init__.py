"""Stage 5, attributes: an event's date, place, modality and attribution.

Each is a plain function over the parse: ``resolve_date_text`` and ``event_date`` (dates),
``resolve_place`` and ``event_place`` (gazetteer), ``modality_of`` (negation, speculation,
intention, allegation), and the quote helpers in ``detente.attributes.quotes``.
"""

from detente.attributes.anchoring import attached, event_date, event_place, place_candidates, target_date
from detente.attributes.dates import resolve_date_text
from detente.attributes.modality import load_cues, modality_of
from detente.attributes.places import resolve_place

__all__ = [
    "attached",
    "event_date",
    "event_place",
    "load_cues",
    "modality_of",
    "place_candidates",
    "resolve_date_text",
    "resolve_place",
    "target_date",
]
