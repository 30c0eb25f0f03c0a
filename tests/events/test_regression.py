"""The regression guard: every case of regression_cases.yaml, with its expectations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CASES = yaml.safe_load((Path(__file__).parent / "regression_cases.yaml").read_text(encoding="utf-8"))


def label(entity) -> str:
    if entity is None:
        return "-:-"
    return f"{entity.code or '-'}:{entity.sector or '-'}"


def records(events) -> set[str]:
    out = set()
    for e in events:
        base = f"{label(e.actor)} {e.event} {label(e.recipient)}"
        out.add(f"{base}/{e.modality.value}")
        if e.modality.value == "asserted":
            out.add(base)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, code):
    events = code(case["text"], published=case.get("published", "2016-03-24"))
    got = records(events)
    for wanted in case.get("expect", []):
        assert wanted in got, f"{case['name']}: missing {wanted!r}; got {sorted(got)}"
    for unwanted in case.get("absent", []):
        assert unwanted not in got, f"{case['name']}: should not code {unwanted!r}"
    if "date" in case:
        assert any(e.date and e.date.value == case["date"] for e in events), [e.date for e in events]
    if "target_date" in case:
        assert any(e.target_date and e.target_date.value == case["target_date"] for e in events)
