"""The ``detente`` command group and what its commands share: the database option, dates,
failure reporting, and turning store errors into one clear line and exit status 2."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click

from detente import __version__
from detente.records import Failure


def date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from None


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", "db", envvar="DETENTE_DB", default="detente.duckdb", show_default=True,
        type=click.Path(dir_okay=False), help="The DuckDB event store (or $DETENTE_DB).",
    )(command)


def workers_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--workers", type=click.IntRange(min=1), default=None,
        help="Coding processes (default: all cores; 1 codes in this process).",
    )(command)


def resolve_workers(workers: int | None) -> int:
    return workers or max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def report_failure(failure: Failure) -> None:
    """One line on stderr per bad document: where, and why."""
    click.echo(f"detente: error: {failure.where}: {failure.reason}", err=True)


@contextmanager
def store_errors() -> Iterator[None]:
    """Store problems (a locked or foreign file, a bad filter) → one line and exit status 2."""
    from detente.query.filters import FilterError
    from detente.store.database import StoreError

    try:
        yield
    except (StoreError, FilterError) as err:
        click.echo(f"detente: error: {err}", err=True)
        sys.exit(2)


@click.group()
@click.version_option(__version__, prog_name="detente")
def main() -> None:
    """detente: political event data from news text (PLOVER, with evidence)."""
    warnings.filterwarnings("ignore", category=UserWarning, module="spacy")
