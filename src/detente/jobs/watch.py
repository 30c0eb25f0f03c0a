"""Live monitoring: poll feeds, code what is new, keep going through errors and restarts.

>>> with Store.open("detente.duckdb") as store:                                    # doctest: +SKIP
...     watch(store, ["https://example.org/world.rss"], every=900, on_round=print)

The store is the watcher's only state: an item is new when its article id is not stored yet, so
a watcher killed and started again picks up exactly where the last committed article left it.
A feed that cannot be fetched or parsed is a failure of that round, not of the watcher.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from detente.jobs.ingest import IngestSummary, OnFailure, _ignore, ingest
from detente.store.database import Store

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.I)
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """``15m`` → 900.0; ``30s``, ``2h``, ``1d``; a bare number is seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"interval {text!r}: write a number with s, m, h or d, e.g. 15m")
    seconds = float(match[1]) * _SECONDS[(match[2] or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"interval {text!r} must be positive")
    return seconds


@dataclass(slots=True)
class WatchSummary:
    rounds: int = 0
    stored: int = 0
    events: int = 0
    failed: int = 0
    last: IngestSummary | None = None

    def line(self) -> str:
        return f"{self.rounds} rounds: {self.stored} new articles, {self.events} events; {self.failed} failures"


def watch(
    store: Store,
    feeds: Sequence[str],
    *,
    every: float,
    rounds: int | None = None,
    workers: int = 1,
    on_failure: OnFailure = _ignore,
    on_round: Callable[[int, IngestSummary], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> WatchSummary:
    """Poll ``feeds`` every ``every`` seconds (``rounds`` times, or until interrupted)."""
    summary = WatchSummary()
    while rounds is None or summary.rounds < rounds:
        started = time.monotonic()
        result = ingest(store, feeds, workers=workers, on_failure=on_failure, command="watch")
        summary.rounds += 1
        summary.stored += result.stored
        summary.events += result.events
        summary.failed += result.failed
        summary.last = result
        if on_round is not None:
            on_round(summary.rounds, result)
        if rounds is not None and summary.rounds >= rounds:
            break
        sleep(max(0.0, every - (time.monotonic() - started)))
    return summary
