"""Evaluation: code the texts of a gold file and score the events against it.

>>> report = evaluate("plover_gsr_dev.jsonl")           # doctest: +SKIP
>>> round(report.headline["type_f1"].value, 2)          # doctest: +SKIP
0.81

Only asserted events count: a coder is scored on what it states as fact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any
from dataclasses import dataclass, field
from pathlib import Path

from detente.evaluate.gold import GoldError, GoldRecord, read_gold
from detente.evaluate.metrics import (
    Counts,
    PloverScore,
    bootstrap,
    macro_f1,
    predicted_quad,
    prf,
    score_plover,
    token_f1,
    unique_dyads,
)
from detente.ontology import load_ontology
from detente.records import Article, Event, Modality

__all__ = ["EvalReport", "GoldError", "Figure", "evaluate", "read_gold"]


@dataclass(frozen=True, slots=True)
class Figure:
    value: float
    low: float
    high: float


@dataclass(slots=True)
class Disagreement:
    record: GoldRecord
    gold: str
    predicted: list[Event]
    badness: float


@dataclass(slots=True)
class EvalReport:
    path: str
    kind: str
    records: int
    headline: dict[str, Figure] = field(default_factory=dict)
    per_type: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    per_class: dict[int, float] = field(default_factory=dict)
    confusion: dict[tuple[int, int], int] = field(default_factory=dict)
    errors: list[Disagreement] = field(default_factory=list)


def _code_records(records: Sequence[GoldRecord]) -> list[list[Event]]:
    """Each record's asserted events, in record order. Records are told apart by position, not
    by id: a gold file may give two records one id (the PLOVER dev set does)."""
    from datetime import date

    from detente.pipeline import CodedArticle, code_articles

    articles = [Article(f"{r.id}#{i}", r.text, published=date.fromisoformat(r.published) if r.published else None,
                        published_from="caller" if r.published else None) for i, r in enumerate(records)]
    position = {a.doc_id: i for i, a in enumerate(articles)}
    out: list[list[Event]] = [[] for _ in records]
    for result in code_articles(articles):
        if isinstance(result, CodedArticle):
            out[position[result.article.doc_id]] = [e for e in result.events if e.modality is Modality.ASSERTED]
    return out


def _figure(items: Sequence[Any], statistic: Callable[[Sequence[Any]], float]) -> Figure:
    low, high = bootstrap(items, statistic)
    return Figure(statistic(items), low, high)


def _sum_counts(scores: Sequence[PloverScore], pick: Callable[[PloverScore], Counts]) -> Counts:
    total = Counts()
    for s in scores:
        total += pick(s)
    return total


def _plover_report(report: EvalReport, records: Sequence[GoldRecord], coded: list[list[Event]]) -> None:
    scores = [score_plover(events, r.events) for r, events in zip(records, coded, strict=True)]

    def type_counts(ss: Sequence[PloverScore]) -> Counts:
        return _sum_counts(ss, lambda s: sum(s.types.values(), Counts()))

    report.headline["type_precision"] = _figure(scores, lambda ss: prf(type_counts(ss))[0])
    report.headline["type_recall"] = _figure(scores, lambda ss: prf(type_counts(ss))[1])
    report.headline["type_f1"] = _figure(scores, lambda ss: prf(type_counts(ss))[2])
    report.headline["event_precision"] = _figure(scores, lambda ss: prf(_sum_counts(ss, lambda s: s.events))[0])
    report.headline["event_recall"] = _figure(scores, lambda ss: prf(_sum_counts(ss, lambda s: s.events))[1])
    report.headline["event_f1"] = _figure(scores, lambda ss: prf(_sum_counts(ss, lambda s: s.events))[2])

    def sector_accuracy(ss: Sequence[PloverScore]) -> float:
        total = sum(s.sector_total for s in ss)
        return sum(s.sector_right for s in ss) / total if total else 0.0

    report.headline["sector_accuracy"] = _figure(scores, sector_accuracy)
    for event_type in sorted({t for s in scores for t in s.types}):
        c = _sum_counts(scores, lambda s: s.types.get(event_type, Counts()))
        p, r, f = prf(c)
        report.per_type[event_type] = (p, r, f, c.tp + c.fn)
    for record, score, events in zip(records, scores, coded, strict=True):
        badness = score.events.fp + score.events.fn
        if badness:
            gold = "; ".join(f"{g.type} {'+'.join(a.country or a.sector or '?' for a in g.sources)}"
                             f"→{'+'.join(a.country or a.sector or '?' for a in g.targets) or '-'}" for g in record.events)
            report.errors.append(Disagreement(record, gold, unique_dyads(events), badness))


def _quad_report(report: EvalReport, records: Sequence[GoldRecord], coded: list[list[Event]]) -> None:
    onto = load_ontology()
    rows = []
    for record, events in zip(records, coded, strict=True):
        quad, best = predicted_quad(events, onto.quad_for_cameo)
        rows.append((record, record.quad, quad, best))
    report.confusion = dict(Counter((g, p) for _, g, p, _ in rows))
    report.headline["quad_accuracy"] = _figure(rows, lambda rs: sum(g == p for _, g, p, _ in rs) / len(rs))
    report.headline["quad_macro_f1"] = _figure(rows, lambda rs: macro_f1(Counter((g, p) for _, g, p, _ in rs))[0])
    report.per_class = macro_f1(report.confusion)[1]
    for side, spans_of, entity_of in (
        ("source", lambda r: r.source_spans, lambda e: e.actor),
        ("target", lambda r: r.target_spans, lambda e: e.recipient),
    ):
        scored = [max((token_f1(entity_of(best).entity_text if best and entity_of(best) else "", g)
                       for g in spans_of(record)), default=0.0)
                  for record, _, _, best in rows if spans_of(record)]
        if scored:
            report.headline[f"{side}_span_token_f1"] = _figure(scored, lambda xs: sum(xs) / len(xs))
    for record, gold, quad, best in rows:
        if gold != quad:
            report.errors.append(Disagreement(record, f"quad {gold}", [best] if best else [], abs(gold - quad) + 1))


def evaluate(path: str | Path, limit: int | None = None) -> EvalReport:
    """Code every text of the gold file and score it; ``limit`` takes the first N records."""
    records = read_gold(path)[:limit]
    kinds = {r.kind for r in records}
    if len(kinds) > 1:
        raise GoldError(f"{path}: mixes PLOVER and quad records; score them in separate files")
    kind = kinds.pop() if kinds else "plover"
    report = EvalReport(str(path), kind, len(records))
    coded = _code_records(records)
    (_quad_report if kind == "quad" else _plover_report)(report, records, coded)
    report.errors.sort(key=lambda d: -d.badness)
    return report
