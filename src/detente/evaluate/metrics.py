"""Scoring coded events against gold: pure functions over per-record counts.

Every headline figure is computed from per-record counts, so that a bootstrap over records
gives its 95% confidence interval.

>>> prf(Counts(tp=8, fp=2, fn=4))
(0.8, 0.6666666666666666, 0.7272727272727272)
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from detente.evaluate.gold import GoldActor, GoldEvent
from detente.records import Entity, Event

# Codes that stand for an organisation without a country, as the gold's "sector" writes them.
_STATELESS = {"IGO": {"IGO", "UNO", "EUR"}, "NGO": {"NGO"}, "IMG": {"IMG"}}
QUADS = (0, 1, 2, 3, 4)


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def __iadd__(self, other: Counts) -> Counts:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


def prf(c: Counts) -> tuple[float, float, float]:
    p = c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0
    r = c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def actor_matches(predicted: Entity | None, gold: GoldActor) -> bool:
    """Country must match; an organisation without a country matches by its kind (IGO, NGO, IMG)."""
    if predicted is None:
        return False
    if gold.country:
        return predicted.code == gold.country
    if gold.sector in _STATELESS:
        return predicted.code in _STATELESS[gold.sector]
    return predicted.code is None and predicted.sector == gold.sector


def event_matches(event: Event, gold: GoldEvent) -> bool:
    """Type, actor and recipient agree; joint actions (several sources, no target) match
    a dyad between any two of the sources, in either direction."""
    if event.event != gold.type or not any(actor_matches(event.actor, s) for s in gold.sources):
        return False
    if gold.targets:
        return any(actor_matches(event.recipient, t) for t in gold.targets)
    if len(gold.sources) >= 2 and event.recipient is not None:
        return any(actor_matches(event.recipient, s) for s in gold.sources)
    return True


def dyad_key(event: Event) -> tuple[str, str | None, str | None]:
    return event.event, event.actor.code, event.recipient.code if event.recipient else None


def unique_dyads(events: Sequence[Event]) -> list[Event]:
    """One predicted event per (type, actor, recipient): mentions of the same dyad in one
    sentence are one prediction."""
    seen: dict[tuple[str, str | None, str | None], Event] = {}
    for event in events:
        key = dyad_key(event)
        if key not in seen or event.confidence > seen[key].confidence:
            seen[key] = event
    return list(seen.values())


@dataclass(slots=True)
class PloverScore:
    """Per-record counts for PLOVER-style gold."""

    types: dict[str, Counts]
    events: Counts
    sector_right: int
    sector_total: int


def score_plover(predicted: Sequence[Event], gold: Sequence[GoldEvent]) -> PloverScore:
    pred_types = {e.event for e in predicted}
    gold_types = {g.type for g in gold}
    types = {t: Counts(int(t in pred_types and t in gold_types), int(t in pred_types and t not in gold_types),
                       int(t in gold_types and t not in pred_types)) for t in pred_types | gold_types}
    dyads = unique_dyads(predicted)
    matched_pred = sum(1 for e in dyads if any(event_matches(e, g) for g in gold))
    matched_gold = sum(1 for g in gold if any(event_matches(e, g) for e in dyads))
    events = Counts(tp=matched_gold, fp=len(dyads) - matched_pred, fn=len(gold) - matched_gold)
    right = total = 0
    for g in gold:
        for e in (e for e in dyads if event_matches(e, g)):
            pairs = [(e.actor, s) for s in g.sources if actor_matches(e.actor, s)]
            pairs += [(e.recipient, t) for t in g.targets if actor_matches(e.recipient, t)]
            for entity, actor in pairs:
                if actor.sector and actor.sector not in _STATELESS and entity is not None:
                    total += 1
                    right += int(entity.sector == actor.sector)
            break
    return PloverScore(types, events, right, total)


def quad_of(event: Event, quad_for_cameo: Callable[[str], int]) -> int:
    """The CAMEO-root quad (statements and appeals are 0), else PLOVER's quad table."""
    return quad_for_cameo(event.cameo) if event.cameo else event.quad_code


def predicted_quad(events: Sequence[Event], quad_for_cameo: Callable[[str], int]) -> tuple[int, Event | None]:
    """The quad of the most confident event (0 when there is none)."""
    if not events:
        return 0, None
    best = max(events, key=lambda e: e.confidence)
    return quad_of(best, quad_for_cameo), best


_WORD = re.compile(r"\w+")


def token_f1(predicted: str, gold: str) -> float:
    p, g = _WORD.findall(predicted.lower()), _WORD.findall(gold.lower())
    if not p or not g:
        return 0.0
    common = 0
    pool = list(g)
    for word in p:
        if word in pool:
            pool.remove(word)
            common += 1
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def macro_f1(confusion: dict[tuple[int, int], int]) -> tuple[float, dict[int, float]]:
    """Macro-F1 over the quad classes from a (gold, predicted) → count table."""
    per_class = {}
    for q in QUADS:
        tp = confusion.get((q, q), 0)
        fp = sum(n for (g, p), n in confusion.items() if p == q and g != q)
        fn = sum(n for (g, p), n in confusion.items() if g == q and p != q)
        per_class[q] = prf(Counts(tp, fp, fn))[2]
    return sum(per_class.values()) / len(QUADS), per_class


def bootstrap(items: Sequence[object], statistic: Callable[[Sequence[object]], float],
              rounds: int = 1000, seed: int = 20160324) -> tuple[float, float]:
    """95% percentile interval of ``statistic`` over records resampled with replacement."""
    if not items:
        return 0.0, 0.0
    rng = random.Random(seed)
    n = len(items)
    values = sorted(statistic([items[rng.randrange(n)] for _ in range(n)]) for _ in range(rounds))
    return values[int(0.025 * rounds)], values[min(rounds - 1, int(0.975 * rounds))]
