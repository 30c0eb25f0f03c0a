"""Print an evaluation report for people, or as JSON for programs."""

from __future__ import annotations

import json
from typing import IO

from detente.evaluate import EvalReport
from detente.evaluate.metrics import QUADS


def report_json(report: EvalReport) -> dict[str, object]:
    return {
        "gold": report.path,
        "kind": report.kind,
        "records": report.records,
        "metrics": {k: {"value": f.value, "ci95": [f.low, f.high]} for k, f in report.headline.items()},
        "per_type": {t: {"precision": p, "recall": r, "f1": f, "support": n} for t, (p, r, f, n) in report.per_type.items()},
        "per_class_f1": report.per_class,
        "confusion": [[report.confusion.get((g, p), 0) for p in QUADS] for g in QUADS] if report.kind == "quad" else None,
    }


def write_report(report: EvalReport, out: IO[str], by_type: bool = False, errors: int = 0) -> None:
    w = out.write
    w(f"gold: {report.path}  ({report.kind} records: {report.records}; only asserted events count)\n\n")
    for name, fig in report.headline.items():
        w(f"  {name:22} {fig.value:6.3f}   95% CI [{fig.low:.3f}, {fig.high:.3f}]\n")
    if report.kind == "quad":
        w("\n  per-class F1: " + "  ".join(f"{q}: {report.per_class.get(q, 0):.3f}" for q in QUADS) + "\n")
        w("\n  confusion (rows gold 0-4, columns predicted 0-4):\n")
        for g in QUADS:
            w("    " + f"{g}: " + " ".join(f"{report.confusion.get((g, p), 0):5d}" for p in QUADS) + "\n")
    if by_type and report.per_type:
        w(f"\n  {'type':10} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}\n")
        for event_type, (p, r, f, n) in sorted(report.per_type.items()):
            w(f"  {event_type:10} {p:6.3f} {r:6.3f} {f:6.3f} {n:5d}\n")
    for d in report.errors[:errors]:
        w(f"\n- {d.record.id}: {d.record.text.strip()}\n    gold: {d.gold}\n")
        if not d.predicted:
            w("    detente: no asserted event\n")
        for e in d.predicted:
            recipient = f"{e.recipient.code or '-'} {e.recipient.sector or '-'}" if e.recipient else "-"
            w(f"    detente: {e.event} {e.actor.code or '-'} {e.actor.sector or '-'} → {recipient}  "
              f"cameo {e.cameo}  conf {e.confidence:.2f}  rule {e.evidence.rule}  trigger {e.evidence.trigger.text!r}\n")


def print_json(report: EvalReport, out: IO[str]) -> None:
    json.dump(report_json(report), out, indent=1)
    out.write("\n")
