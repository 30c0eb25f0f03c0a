"""Commands for canonical events: ``cluster`` (rebuild, show, split, merge) and ``eval-clusters``.

    detente cluster --rebuild
    detente cluster show c3f0a...
    detente cluster split c3f0a... --mention 9b1e... --mention 77aa...
    detente cluster merge c3f0a... c91b2...
    detente eval-clusters basil_dedup_dev.jsonl --errors 10
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click

from detente.cli.common import db_option, main, store_errors


@main.group("cluster", invoke_without_command=True)
@db_option
@click.option("--rebuild", is_flag=True, help="Recompute every canonical event from the mentions (decisions are kept).")
@click.pass_context
def cluster_group(ctx: click.Context, db: str, rebuild: bool) -> None:
    """Canonical events: each real event once, with the mentions that report it.

    Ingestion keeps them up to date; --rebuild recomputes them all (after changing thresholds or
    type classes, or for a database written before de-duplication existed).
    """
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    from detente.dedup.clusters import cluster_events
    from detente.dedup.duplicates import backfill_fingerprints
    from detente.store import Store

    with store_errors(), Store.open(db, read_only=not rebuild) as store:
        if rebuild:
            added = backfill_fingerprints(store)
            summary = cluster_events(store)
            click.echo(f"detente: {summary.line()} in {summary.seconds:.1f} s"
                       + (f"; fingerprinted {added} older articles" if added else ""), err=True)
            return
        mentions, events, multi, decisions = store.con.sql(
            """SELECT (SELECT count(*) FROM mention_clusters), (SELECT count(*) FROM event_clusters),
                      (SELECT count(*) FROM event_clusters WHERE n_articles > 1), (SELECT count(*) FROM cluster_decisions)"""
        ).fetchall()[0]
    click.echo(f"{mentions} asserted mentions in {events} canonical events ({multi} reported by several articles); "
               f"{decisions} split/merge decisions")


@cluster_group.command("show")
@click.argument("cluster_id")
@click.pass_obj
def cluster_show(db: str, cluster_id: str) -> None:
    """A canonical event and every mention that reports it, with its article."""
    from detente.store import Store, StoreError

    with store_errors(), Store.open(db, read_only=True) as store:
        event = store.con.execute("SELECT * FROM event_clusters WHERE cluster_id = ?", [cluster_id]).fetchall()
        if not event:
            raise StoreError(f"no event cluster {cluster_id!r}")
        names = [d[0] for d in store.con.execute("SELECT * FROM event_clusters LIMIT 0").description]
        row = dict(zip(names, event[0], strict=True))
        mentions = store.con.execute(
            """SELECT e.event_id, e.event, e.actor_code, e.recipient_code, e.date_value, a.source, a.title, e.sentence
               FROM mention_clusters mc JOIN events e ON e.event_id = mc.event_id AND e.article_id = mc.article_id
               JOIN articles a ON a.article_id = e.article_id WHERE mc.cluster_id = ? ORDER BY a.published, e.event_id""",
            [cluster_id],
        ).fetchall()
    click.echo(f"{row['cluster_id']}  {row['event']}  {row['actor_code'] or '-'} → {row['recipient_code'] or '-'}"
               f"{' (both ways)' if row['reciprocal'] else ''}  {row['date_value'] or ''}  {row['place'] or ''}")
    click.echo(f"  {row['n_mentions']} mentions in {row['n_articles']} articles from {row['n_sources']} independent "
               f"sources; confidence {row['confidence']:.2f}; reported {row['first_reported']} .. {row['last_reported']}")
    for event_id, kind, actor, recipient, when, source, title, sentence in mentions:
        click.echo(f"  - {event_id}  {kind} {actor or '-'}→{recipient or '-'} {when or ''}  [{source or '?'}] {title or ''}")
        click.echo(f"      {sentence}")


@cluster_group.command("split")
@click.argument("cluster_id")
@click.option("--mention", "mentions", multiple=True, required=True, help="Event id of a mention to move out (repeatable).")
@click.option("--note", help="Why (kept with the decision).")
@click.pass_obj
def cluster_split(db: str, cluster_id: str, mentions: tuple[str, ...], note: str | None) -> None:
    """Move mentions out of a canonical event; the decision survives rebuilds."""
    from detente.dedup.decisions import record_split
    from detente.store import Store

    with store_errors(), Store.open(db) as store:
        decision = record_split(store, cluster_id, list(mentions), note)
    click.echo(f"detente: split recorded ({decision})", err=True)


@cluster_group.command("merge")
@click.argument("cluster_ids", nargs=-1, required=True)
@click.option("--note", help="Why (kept with the decision).")
@click.pass_obj
def cluster_merge(db: str, cluster_ids: tuple[str, ...], note: str | None) -> None:
    """Join canonical events into one; the decision survives rebuilds."""
    from detente.dedup.decisions import record_merge
    from detente.store import Store

    with store_errors(), Store.open(db) as store:
        decision = record_merge(store, list(cluster_ids), note)
    click.echo(f"detente: merge recorded ({decision})", err=True)


@main.command("eval-clusters")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--errors", type=int, default=0, show_default=True, help="Show N article pairs of different stories that were joined, and why.")
@click.option("--db", "db", type=click.Path(dir_okay=False), help="Keep the evaluation store in this (new) file.")
def eval_clusters_command(gold: str, as_json: bool, errors: int, db: str | None) -> None:
    """Ingest GOLD (articles with a `story` field) into a fresh store and score the article
    grouping implied by the canonical events: pairwise and B-cubed precision, recall and F1."""
    from detente.evaluate import GoldError
    from detente.evaluate.clusters import evaluate_clusters

    try:
        report = evaluate_clusters(gold, db=db, errors=errors)
    except GoldError as err:
        click.echo(f"detente: error: {err}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(asdict(report), indent=1))
        return
    click.echo(f"{report.path}: {report.articles} articles in {report.stories} stories; "
               f"{report.mentions} asserted mentions in {report.canonical_events} canonical events; "
               f"{report.linked_articles} articles share an event with another")
    for name, prf in (("pairwise", report.pairwise), ("B-cubed", report.bcubed)):
        click.echo(f"  {name:9} P {prf.precision:.3f}  R {prf.recall:.3f}  F1 {prf.f1:.3f}")
    click.echo(f"  pairs: {report.pairs['gold']} same-story, {report.pairs['predicted']} linked, {report.pairs['correct']} both")
    for link in report.cross_links:
        click.echo(f"  joined across stories: {link.article_a} + {link.article_b} by {link.event} {link.dyad} ({link.cluster_id})")
        for sentence in link.sentences[:2]:
            click.echo(f"      {sentence[:160]}")
