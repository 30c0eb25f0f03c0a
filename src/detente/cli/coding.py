"""Commands that code text without a store: ``code``, ``eval``, ``actors lookup``.

    detente code ARTICLE.txt --format jsonl
    detente eval gold.jsonl --by-type --errors 10
    detente actors lookup Kerry --date 2010-06-01
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click

from detente.cli.common import date_option, main
from detente.version import coder_id


@main.command("code")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", callback=date_option, help="Publication date (YYYY-MM-DD) for documents that carry none.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "json"]), default="table", show_default=True)
def code_command(inputs: tuple[str, ...], published: date | None, fmt: str) -> None:
    """Code INPUTS (text or HTML files, JSON Lines files of documents, or - for stdin) into events.

    Bad documents are reported on stderr with the file (and line) and the reason; the good
    ones are still coded, and the exit status is 1 when anything failed.
    """
    from detente.ingest import read_source
    from detente.nlp import load_pipeline, model_id
    from detente.output import write_jsonl, write_table
    from detente.pipeline import CodedArticle, code_articles
    from detente.records import Failure, to_jsonable

    def documents():  # type: ignore[no-untyped-def]
        for source in inputs:
            for doc in read_source(source):
                if published is not None and not isinstance(doc, Failure) and doc.published is None:
                    doc.published, doc.published_from = published, "caller"
                yield doc

    failures: list[Failure] = []
    coded: list[CodedArticle] = []
    n_events = n_docs = 0
    for result in code_articles(documents()):
        if isinstance(result, Failure):
            failures.append(result)
            click.echo(f"detente: error: {result}", err=True)
            continue
        n_docs += 1
        n_events += len(result.events)
        if fmt == "jsonl":
            write_jsonl(result.events, sys.stdout)
        else:
            coded.append(result)
    if fmt == "table":
        write_table([e for c in coded for e in c.events], sys.stdout)
    elif fmt == "json":
        payload = {
            "coder": coder_id(),
            "model": model_id(load_pipeline()),
            "documents": [
                {"doc_id": c.article.doc_id, "title": c.article.title, "published": to_jsonable(c.article.published),
                 "published_from": c.article.published_from, "events": [e.to_dict() for e in c.events]}
                for c in coded
            ],
            "failures": [{"where": f.where, "reason": f.reason} for f in failures],
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    summary = f"detente: {n_docs} documents coded, {n_events} events"
    summary += f"; {len(failures)} failed" if failures else ""
    click.echo(summary, err=True)
    if failures:
        sys.exit(1)


@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--by-type", is_flag=True, help="Precision, recall and F1 per PLOVER event type.")
@click.option("--errors", type=int, default=0, show_default=True, help="Show the N worst disagreements and what fired.")
@click.option("--limit", type=int, default=None, help="Score only the first N records.")
def eval_command(gold: str, as_json: bool, by_type: bool, errors: int, limit: int | None) -> None:
    """Code the texts of GOLD (JSON Lines in the gold format) and score the events against it."""
    from detente.evaluate import GoldError, evaluate
    from detente.evaluate.report import print_json, write_report

    try:
        report = evaluate(gold, limit=limit)
    except GoldError as err:
        click.echo(f"detente: error: {err}", err=True)
        sys.exit(1)
    if as_json:
        print_json(report, sys.stdout)
    else:
        write_report(report, sys.stdout, by_type=by_type, errors=errors)


@main.group("actors")
def actors_group() -> None:
    """The actor knowledge base."""


@actors_group.command("lookup")
@click.argument("name")
@click.option("--date", "when", callback=date_option, help="Resolve the role held on this date (YYYY-MM-DD).")
@click.option("--actors", "overlay", type=click.Path(file_okay=False), help="Overlay directory of TSV files.")
def actors_lookup(name: str, when: date | None, overlay: str | None) -> None:
    """Show what NAME means to detente, and its role on --date."""
    from detente.actors.kb import load_kb

    kb = load_kb(overlay)
    keys = kb.surface.get(name, [])
    if not keys:
        click.echo(f"detente: {name!r} is not in the actor knowledge base", err=True)
        sys.exit(1)
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == "person":
            person = kb.people[ident]
            role = person.role_on(when)
            click.echo(f"person  {person.name}" + (f"  [{person.qid}]" if person.qid else ""))
            if role is not None:
                on = when.isoformat() if when else "best known"
                click.echo(f"  role ({on}): {role.country} {role.sector or '-'}  {role.office or ''}")
            for office in sorted(person.offices, key=lambda o: o.start or date.min):
                span = f"{office.start or '?'} .. {office.end or 'now'}"
                click.echo(f"  {span:26} {office.country} {office.sector:4} {office.office}")
        elif kind == "org":
            for org in kb.organizations[ident]:
                span = f"  ({org.start or '?'} .. {org.end or 'now'})" if org.start or org.end else ""
                click.echo(f"organization  {org.name}: {org.code} {org.sector or '-'} [{org.kind}]{span}")
        elif kind in ("country", "demonym", "capital"):
            country = kb.countries[ident]
            click.echo(f"{kind}  {name} → {country.code} ({country.name})" + ("  sector GOV" if kind == "capital" else ""))

