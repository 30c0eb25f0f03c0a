"""The PLOVER event ontology and its CAMEO crosswalk, as typed read-only data.

    >>> from detente.ontology import load_ontology
    >>> onto = load_ontology()
    >>> onto.quad("ASSAULT"), onto.intensity("CONSULT", "visit"), onto.cameo["0311"].event
    (4, 4.0, 'AGREE')
"""

from detente.ontology.loader import (
    ActorCode,
    CameoCode,
    EventType,
    Mode,
    Ontology,
    OntologyError,
    PloverMapping,
    Sector,
    load_ontology,
)

__all__ = [
    "ActorCode",
    "CameoCode",
    "EventType",
    "Mode",
    "Ontology",
    "OntologyError",
    "PloverMapping",
    "Sector",
    "load_ontology",
]
