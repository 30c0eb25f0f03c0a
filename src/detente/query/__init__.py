"""Stage 7, query: events, panels and exports over the store, as frames or files.

>>> from detente.query import Dataset
>>> with Dataset.open("detente.duckdb") as data:                          # doctest: +SKIP
...     data.panel(unit="dyad", freq="month").query("events > 0")
"""

from detente.query.dataset import Dataset, make_filter
from detente.query.export import FORMATS, export
from detente.query.filters import EventFilter, FilterError
from detente.query.panel import FREQUENCIES, MEASURES, UNITS, events_sql, panel_sql

__all__ = [
    "FORMATS", "FREQUENCIES", "MEASURES", "UNITS", "Dataset", "EventFilter", "FilterError",
    "events_sql", "export", "make_filter", "panel_sql",
]
