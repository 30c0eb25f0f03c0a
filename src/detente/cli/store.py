"""Commands that write the store: ``ingest``, ``recode``, ``watch``; and ``failures`` to read
what went wrong.

    detente ingest corpus/ feeds.xml 'crawl/*.warc.gz' --db events.duckdb
    detente failures
    detente recode
    detente watch https://example.org/world.rss --every 15m
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from detente.cli.common import date_option, db_option, main, report_failure, resolve_workers, store_errors, workers_option


def _field_options(command):  # type: ignore[no-untyped-def]
    for name, default in reversed((("id", "id"), ("text", "text"), ("title", "title"), ("date", "published"), ("url", "url"), ("source", "source"))):
        command = click.option(
            f"--{name}-field", default=default, show_default=True,
            help=f"JSON/CSV field holding the article's {name}.",
        )(command)
    return command


@main.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@db_option
@workers_option
@click.option("--published", callback=date_option, help="Publication date (YYYY-MM-DD) for documents that carry none.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=64, show_default=True,
              help="Articles coded and committed together (a killed run loses at most one chunk's work).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="dask: code on a Dask cluster and write Parquet to --out (with --load also into --db, "
                   "else `detente load` it later).")
@click.option("--scheduler", help="Dask scheduler HOST:PORT (default: a LocalCluster on 127.0.0.1).")
@click.option("--out", type=click.Path(file_okay=False), help="Parquet output directory of --engine dask.")
@click.option("--load", "load_as_coded", is_flag=True,
              help="--engine dask: load each partition into --db as soon as it is written, while the workers "
                   "code on (--out must be local or a shared file system); as `detente load`, but overlapped.")
@_field_options
def ingest_command(
    inputs: tuple[str, ...], db: str, workers: int | None, published: date | None, quiet: bool,
    chunk_size: int, engine: str, scheduler: str | None, out: str | None, load_as_coded: bool,
    id_field: str, text_field: str, title_field: str, date_field: str, url_field: str, source_field: str,
) -> None:
    """Read INPUTS (files, folders, globs, URLs: text, Markdown, HTML, JSON Lines, CSV, RSS/Atom,
    WARC), code the new articles and store them with their events in the database.

    Articles already stored are skipped, so re-running is safe, and an interrupted run can be
    started again. Bad input is listed on stderr and in `detente failures`; the exit status is 1
    when anything failed.

    With --engine dask the workers write Parquet under --out; --load also fills --db as the
    partitions come in (else run `detente load DIR` afterwards). See docs/scaling.md.
    """
    from detente.ingest.sources import FieldMap
    from detente.jobs.ingest import ingest
    from detente.jobs.progress import make_progress
    from detente.store import Store

    fields = FieldMap(id=id_field, text=text_field, title=title_field, date=date_field, url=url_field, source=source_field)
    if engine == "dask":
        if not out:
            raise click.UsageError("--engine dask writes Parquet: give --out DIR (and --load, or `detente load DIR` after)")
        from contextlib import ExitStack

        from detente.scale.dask_engine import run

        with store_errors(), ExitStack() as stack:
            # the store is opened first, so that a locked one stops the run before any coding
            store = stack.enter_context(Store.open(db)) if load_as_coded else None
            try:
                result = run(list(inputs), out, scheduler=scheduler, workers=resolve_workers(workers), fields=fields,
                             published=published, on_failure=report_failure, store=store)
            except (ConnectionError, FileExistsError, OSError, ImportError) as err:  # ImportError: no s3fs...
                click.echo(f"detente: error: {err}", err=True)
                sys.exit(2)
        click.echo(f"detente: {result.line()}", err=True)
        sys.exit(1 if result.failed else 0)
    if load_as_coded:
        raise click.UsageError("--load is for --engine dask: a local ingest writes the store anyway")
    with store_errors(), Store.open(db) as store:
        summary = ingest(
            store, list(inputs), fields=fields, published=published, workers=resolve_workers(workers),
            chunk_size=chunk_size, progress=make_progress(quiet), on_failure=report_failure,
        )
    click.echo(f"detente: {summary.line()}", err=True)
    if summary.failed:
        sys.exit(1)


@main.command("load")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@db_option
def load_command(directory: str, db: str) -> None:
    """Load the Parquet output of `detente ingest --engine dask` into the database (articles
    already stored are skipped), then group copies and build canonical events."""
    from detente.scale.parquet import load
    from detente.store import Store

    with store_errors(), Store.open(db) as store:
        result = load(store, directory)
    click.echo(f"detente: {result.line()}", err=True)


@main.command("recode")
@db_option
@workers_option
@click.option("--all", "everything", is_flag=True, help="Recode every article, not only those coded by another coder version.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def recode_command(db: str, workers: int | None, everything: bool, quiet: bool) -> None:
    """Re-code stored articles with the current coder and report how many events changed."""
    from detente.jobs.ingest import recode
    from detente.jobs.progress import make_progress
    from detente.store import Store

    with store_errors(), Store.open(db) as store:
        summary = recode(store, everything=everything, workers=resolve_workers(workers),
                         progress=make_progress(quiet), on_failure=report_failure)
    click.echo(f"detente: {summary.line()}", err=True)
    if summary.failed:
        sys.exit(1)


@main.command("failures")
@db_option
@click.option("--run", "run_id", help="Only the failures last met by this run (see `detente runs`).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def failures_command(db: str, run_id: str | None, fmt: str) -> None:
    """List what could not be read or coded: where, why, and how often it was met."""
    from rich.console import Console
    from rich.table import Table

    from detente.store import Store

    with store_errors(), Store.open(db, read_only=True) as store:
        rows = store.failures(run_id)
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, default=str, ensure_ascii=False))
        return
    table = Table(header_style="bold")
    for column in ("where", "reason", "stage", "times", "last seen"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["location"], row["reason"], row["stage"], str(row["times"]), f"{row['last_seen']:%Y-%m-%d %H:%M}")
    Console(width=160).print(table)
    click.echo(f"{len(rows)} failures", err=True)


@main.command("runs")
@db_option
@click.option("--limit", type=int, default=20, show_default=True)
def runs_command(db: str, limit: int) -> None:
    """The latest ingest, recode and watch runs, with what each did (provenance of the data)."""
    from detente.store import Store

    with store_errors(), Store.open(db, read_only=True) as store:
        rows = store.con.execute(
            "SELECT run_id, command, started_at, finished_at, coder, summary FROM runs ORDER BY started_at DESC LIMIT ?", [limit]
        ).fetchall()
    for run_id, command, started, finished, coder, summary in rows:
        state = f"{finished:%H:%M:%S}" if finished else "unfinished"
        click.echo(f"{run_id}  {started:%Y-%m-%d %H:%M:%S} → {state}  {coder or ''}")
        click.echo(f"    {command}")
        if summary:
            counts = {k: v for k, v in json.loads(summary).items() if isinstance(v, int) and v}
            click.echo("    " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@main.command("watch")
@click.argument("feeds", nargs=-1, required=True)
@db_option
@workers_option
@click.option("--every", default="15m", show_default=True, help="Polling interval: 30s, 15m, 1h...")
@click.option("--rounds", type=click.IntRange(min=1), default=None, help="Stop after N polls (default: run until interrupted).")
def watch_command(feeds: tuple[str, ...], db: str, workers: int | None, every: str, rounds: int | None) -> None:
    """Poll FEEDS (RSS/Atom URLs or files) and code new items as they appear.

    The watcher owns the database while it runs; other commands that need it say so.
    Feed errors are logged as failures and the watcher goes on.
    """
    from detente.jobs.watch import parse_interval, watch
    from detente.store import Store

    try:
        interval = parse_interval(every)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--every") from None

    def on_round(n: int, result) -> None:  # type: ignore[no-untyped-def]
        click.echo(f"detente: watch round {n}: {result.line()}", err=True)

    with store_errors(), Store.open(db) as store:
        store.claim(f"detente watch {' '.join(feeds)}"[:300])
        try:
            summary = watch(store, list(feeds), every=interval, rounds=rounds, workers=resolve_workers(workers) if workers else 1,
                            on_failure=report_failure, on_round=on_round)
        except KeyboardInterrupt:
            click.echo("detente: watch stopped", err=True)
            return
    click.echo(f"detente: {summary.line()}", err=True)
    if summary.failed:
        sys.exit(1)
