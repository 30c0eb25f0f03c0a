"""Progress reports for long runs: a rich bar on a terminal, plain lines in logs, or nothing.

Plain lines matter beyond looks: a supervisor (or a test) reading stderr learns from them how
far a run got, since the database file cannot be opened by anyone else while the run writes.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichBar
from rich.text import Text


class Progress(Protocol):
    """``start`` with the total when it is known (``None`` while the input is still being read);
    ``found`` raises it as reading goes on, ``final`` once the input is exhausted."""

    def start(self, total: int | None, what: str) -> None: ...
    def found(self, total: int, final: bool) -> None: ...
    def advance(self, done: int) -> None: ...
    def finish(self) -> None: ...


class NoProgress:
    def start(self, total: int | None, what: str) -> None:
        pass

    def found(self, total: int, final: bool) -> None:
        pass

    def advance(self, done: int) -> None:
        pass

    def finish(self) -> None:
        pass


class PlainProgress:
    """``detente: 32/120 articles (4.1/s, ETA 21 s)``, at most one line a second; while the
    input is still being read, ``detente: 32/2000+ articles (4.1/s)``."""

    def __init__(self, out: IO[str], every: float = 1.0) -> None:
        self.out, self.every = out, every
        self.total, self.final, self.done, self.what = 0, True, 0, "articles"
        self.started = self.last = 0.0

    def start(self, total: int | None, what: str) -> None:
        self.total, self.final, self.what, self.done = total or 0, total is not None, what, 0
        self.started = time.monotonic()
        self.last = 0.0

    def found(self, total: int, final: bool) -> None:
        self.total, self.final = total, final

    def advance(self, done: int) -> None:
        self.done += done
        now = time.monotonic()
        if now - self.last >= self.every or (self.final and self.done >= self.total):
            self.last = now
            rate = self.done / max(now - self.started, 1e-9)
            if self.final:
                eta = (self.total - self.done) / rate if rate > 0 else float("inf")
                line = f"{self.done}/{self.total} {self.what} ({rate:.1f}/s, ETA {eta:.0f} s)"
            else:
                line = f"{self.done}/{self.total}+ {self.what} ({rate:.1f}/s)"
            self.out.write(f"detente: {line}\n")
            self.out.flush()

    def finish(self) -> None:
        pass


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} art/s" if speed else "– art/s", style="progress.data.speed")


class BarProgress:
    """A rich progress bar with articles/s and ETA, on stderr."""

    def __init__(self, out: IO[str]) -> None:
        self.bar = RichBar(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(file=out), transient=False,
        )
        self.task: int | None = None

    def start(self, total: int | None, what: str) -> None:
        if self.task is None:
            self.bar.start()
        else:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(f"coding {what}", total=total)

    def found(self, total: int, final: bool) -> None:
        # a bar with a lower bound for its total would show a false ETA: it stays open until then
        if self.task is not None:
            self.bar.update(self.task, total=total if final else None)

    def advance(self, done: int) -> None:
        if self.task is not None:
            self.bar.advance(self.task, done)

    def finish(self) -> None:
        self.bar.stop()


def make_progress(quiet: bool = False, out: IO[str] | None = None) -> Progress:
    """A bar on a terminal, plain lines otherwise, nothing with ``quiet``."""
    stream = out or sys.stderr
    if quiet:
        return NoProgress()
    if stream.isatty():
        return BarProgress(stream)
    return PlainProgress(stream)
