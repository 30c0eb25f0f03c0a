"""Commands that read the store: ``events``, ``panel``, ``export``, ``summary``.

    detente events --dyad USA-RUS --type CONSULT --since 2016-01-01
    detente panel --unit dyad --freq month --measure quad-counts --format csv > panel.csv
    detente export --format polecat-tsv --output events.tsv
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from detente.cli.common import date_option, db_option, main, store_errors


def _filter_options(default_modality: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option("--level", type=click.Choice(["event", "mention"]), default="event", show_default=True,
                         help="event: each real event once (clusters of mentions); mention: every coded record."),
            click.option("--actor", help="Actor: country code (USA), CODE:SECTOR (USA:GOV) or :SECTOR."),
            click.option("--recipient", help="Recipient, same forms as --actor."),
            click.option("--dyad", help="ACTOR-RECIPIENT country codes, e.g. USA-RUS (directed)."),
            click.option("--undirected", is_flag=True, help="--dyad matches both directions."),
            click.option("--type", "types", multiple=True, help="PLOVER event type (repeatable)."),
            click.option("--quad", type=click.IntRange(1, 4), help="PLOVER quad: 1 verbal coop … 4 material conflict."),
            click.option("--since", callback=date_option, help="Events on or after this date."),
            click.option("--until", callback=date_option, help="Events on or before this date."),
            click.option("--text", help="Words that must all occur in the event's sentence."),
            click.option("--modality", "modalities", default=default_modality, show_default=True,
                         help="asserted, negated, speculative, future, alleged (comma-separated), or 'any'."),
            click.option("--min-confidence", type=float, help="Only events at least this confident (0-1)."),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _make_filter(**kw: Any):  # type: ignore[no-untyped-def]
    from detente.query import make_filter

    modalities = kw.pop("modalities")
    kw["modalities"] = () if modalities.strip().lower() in ("any", "all", "") else modalities
    kw["types"] = tuple(kw["types"])
    kw.pop("level", None)
    return make_filter(**kw)


def _write_frame(frame: Any, fmt: str, output: str | None) -> None:
    if fmt in ("table", "csv"):
        # DuckDB DATEs arrive as pandas datetimes: print them as the dates they are
        for column in frame.select_dtypes(include=["datetime", "datetimetz"]).columns:
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    if fmt == "parquet":
        if not output:
            raise click.UsageError("--format parquet needs --output FILE")
        frame.to_parquet(output, index=False)
    elif fmt == "csv":
        frame.to_csv(output or sys.stdout, index=False)
    elif fmt == "jsonl":
        text = frame.to_json(orient="records", lines=True, date_format="iso", force_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.write(text)
        else:
            sys.stdout.write(text)
    else:
        from rich.console import Console
        from rich.table import Table

        import pandas as pd

        table = Table(header_style="bold")
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        if output:
            with open(output, "w", encoding="utf-8") as out:
                Console(file=out, width=200).print(table)
        else:
            Console(width=200).print(table)


@main.command("events")
@db_option
@_filter_options("asserted")
@click.option("--limit", type=int, default=None, help="At most N events.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "parquet"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
def events_command(db: str, limit: int | None, fmt: str, output: str | None, **conditions: Any) -> None:
    """List stored events (asserted ones unless --modality says otherwise), oldest first."""
    from detente.query import Dataset

    with store_errors(), Dataset.open(db) as data:
        level = conditions["level"]
        frame = data.events(_make_filter(**conditions), limit=limit, level=level)
        if fmt == "table":
            extra = ["n_articles", "n_sources"] if level == "event" else ["modality"]
            frame = frame[["date", "actor_code", "actor_sector", "actor", "event", "mode", "recipient_code",
                           "recipient_sector", "recipient", "place", *extra, "confidence", "trigger", "title"]]
        _write_frame(frame, fmt, output)
    click.echo(f"{len(frame)} events", err=True)


@main.command("panel")
@db_option
@click.option("--unit", type=click.Choice(["dyad", "actor", "recipient", "country", "place"]), default="dyad", show_default=True,
              help="dyad: actor→recipient countries; country: events involving it on either side; place: where it happened.")
@click.option("--freq", type=click.Choice(["day", "week", "month", "year"]), default="month", show_default=True)
@click.option("--measure", type=click.Choice(["count", "intensity", "quad-counts"]), default="count", show_default=True)
@_filter_options("asserted")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "parquet"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
def panel_command(db: str, unit: str, freq: str, measure: str, fmt: str, output: str | None, **conditions: Any) -> None:
    """A tidy unit × period panel of asserted events: every period zero-filled, with the number
    of coded articles published in it (to normalise for news volume)."""
    from detente.query import Dataset

    with store_errors(), Dataset.open(db) as data:
        frame = data.panel(unit, freq, measure, _make_filter(**conditions), level=conditions["level"])
    _write_frame(frame, fmt, output)
    click.echo(f"{len(frame)} rows ({frame.iloc[:, 1].nunique() if len(frame) else 0} units)", err=True)


@main.command("export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["plover-jsonl", "polecat-tsv", "csv", "parquet"]), required=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Output file (required for parquet; default stdout).")
@click.option("--with-text", is_flag=True, help="Include each article's full text (mind the rights to redistribute it).")
@_filter_options("any")
def export_command(db: str, fmt: str, output: str | None, with_text: bool, **conditions: Any) -> None:
    """Export canonical events (or, with --level mention, every mention of any modality, linked to
    its canonical event) as PLOVER JSON Lines, POLECAT TSV, CSV or Parquet."""
    from detente.query import Dataset

    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs --output FILE")
    with store_errors(), Dataset.open(db) as data:
        n = data.export(fmt, output or sys.stdout, _make_filter(**conditions), with_text=with_text, level=conditions["level"])
    click.echo(f"{n} events exported", err=True)


@main.command("summary")
@db_option
@click.option("--top", type=int, default=15, show_default=True, help="How many dyads to list.")
def summary_command(db: str, top: int) -> None:
    """What the store holds, and its busiest dyads (canonical events, each counted once)."""
    from detente.query import Dataset

    with store_errors(), Dataset.open(db) as data:
        counts = data.counts()
        canonical = data.sql("SELECT count(*) AS n FROM event_clusters").n[0]
        dyads = data.sql(
            """SELECT c.actor_code || '-' || c.recipient_code AS dyad, count(DISTINCT c.cluster_id) AS events,
                      count(*) AS mentions, count(DISTINCT mc.article_id) AS articles,
                      min(c.event_date) AS first, max(c.event_date) AS last,
                      count(DISTINCT c.cluster_id) FILTER (WHERE c.quad_code IN (1, 2)) AS cooperation,
                      count(DISTINCT c.cluster_id) FILTER (WHERE c.quad_code IN (3, 4)) AS conflict,
                      string_agg(DISTINCT c.event, ' ' ORDER BY c.event) AS types
               FROM event_clusters c JOIN mention_clusters mc USING (cluster_id)
               WHERE c.actor_code IS NOT NULL AND c.recipient_code IS NOT NULL AND c.actor_code <> c.recipient_code
               GROUP BY 1 ORDER BY events DESC, dyad LIMIT ?""",
            [top],
        )
    click.echo(
        f"{counts['articles']} articles ({counts['distinct_texts']} distinct texts), {counts['events']} event mentions "
        f"in {canonical} canonical events, {counts['failures']} failures"
    )
    _write_frame(dyads, "table", None)
