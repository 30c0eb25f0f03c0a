"""Candidate-sentence parsing against the full parse: speed, tokens parsed and events kept.

    python bench/candidates.py [--rounds 3] [--copies 3]

Corpora, each coded in full-parse and in candidate mode (``parse_articles(..., fast=...)``) in
this process, the two modes alternating round by round and the fastest round of each counting:

- ``demo``: the bundled demo corpus (``samples/corpus/news-2015-2016.jsonl``), ``--copies``
  times over;
- ``samples``: the bundled sample texts and the seed article (when ``../shared`` is there);
- ``basil``: the article texts of ``../shared/gold/basil_dedup_dev.jsonl`` (skipped when absent).

For each: articles/s of both modes and the speed-up; the share of tokens that went through the
full pipeline in candidate mode (the rest only through the tokenizer and the entity ruler, or
also the tagger for runs whose trigger words the tags rule out; the names of skipped sentences
count as parsed, so it is an upper bound); and
event agreement: the share of the full parse's events (type, actor, recipient, modality,
trigger offset) that candidate mode also codes, and the share of candidate mode's events the
full parse has. Event ids are not compared: sentence numbering can differ between the modes.
Dev-set F1 is not measured here: ``DETENTE_FAST=1 detente eval GOLD`` gives it.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "src" / "detente" / "samples" / "corpus" / "news-2015-2016.jsonl"
SAMPLES = ROOT / "src" / "detente" / "samples"
SEED = SHARED / "seed" / "kerry-putin-moscow-2016-03-24.txt"
BASIL = SHARED / "gold" / "basil_dedup_dev.jsonl"


def corpora(copies: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    demo = [json.loads(line)["text"] for line in DEMO.read_text("utf-8").splitlines() if line.strip()]
    out["demo"] = demo * copies
    samples = [p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    out["samples"] = samples + ([SEED.read_text("utf-8")] if SEED.is_file() else [])
    if BASIL.is_file():
        texts = [json.loads(line).get("text") or "" for line in BASIL.read_text("utf-8").splitlines() if line.strip()]
        out["basil"] = [t for t in texts if t.strip()]
    return out


def code(texts: list[str], fast: bool) -> tuple[float, Counter[tuple], int, int]:
    """→ (seconds, event keys, tokens through the full pipeline, tokens in all)."""
    from detente.events.coder import code_parsed
    from detente.ingest import split_layout
    from detente.nlp import load_pipeline, model_id, parse_articles
    from detente.records import Article

    nlp = load_pipeline()
    model = model_id(nlp)
    articles = [split_layout(Article(f"b{i}", text)) for i, text in enumerate(texts)]
    events: Counter[tuple] = Counter()
    parsed_tokens = all_tokens = 0
    start = time.perf_counter()
    for parsed in parse_articles(articles, nlp, fast=fast):
        for event in code_parsed(parsed, model):
            events[(event.doc_id, event.event, event.actor.code, event.actor.sector,
                    event.recipient.code if event.recipient else None, event.modality.value,
                    event.evidence.trigger.start)] += 1
        for paragraph in parsed.paragraphs:
            all_tokens += len(paragraph.doc)
            # a skipped sentence is left untagged but for the ruler's names (tagged NNP), so this
            # share is an upper bound by the names of skipped sentences
            parsed_tokens += sum(1 for t in paragraph.doc if t.tag_)
    return time.perf_counter() - start, events, parsed_tokens, all_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="runs per mode, alternating; the fastest counts")
    parser.add_argument("--copies", type=int, default=3, help="copies of the demo corpus")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    os.environ.pop("DETENTE_FAST", None)  # the modes are chosen per call
    code(["Kerry met Lavrov in Geneva on Monday."], fast=False)  # model and tables loaded before any clock
    code(["Kerry met Lavrov in Geneva on Monday."], fast=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; other work skews the times)")
    print(f"{'corpus':8} {'articles':>8} {'full art/s':>10} {'cand art/s':>10} {'speed-up':>8} {'tokens parsed':>13} "
          f"{'full kept':>9} {'cand in full':>12}")
    for name, texts in corpora(args.copies).items():
        best: dict[bool, tuple[float, Counter[tuple], int, int]] = {}
        for _ in range(args.rounds):
            for fast in (False, True):
                run = code(texts, fast)
                if fast not in best or run[0] < best[fast][0]:
                    best[fast] = run
        (full_s, full_events, _, _), (fast_s, fast_events, parsed, tokens) = best[False], best[True]
        both = sum((full_events & fast_events).values())
        kept = both / max(1, sum(full_events.values()))
        precise = both / max(1, sum(fast_events.values()))
        print(f"{name:8} {len(texts):8d} {len(texts) / full_s:10.2f} {len(texts) / fast_s:10.2f} {full_s / fast_s:7.2f}x "
              f"{parsed / max(1, tokens):12.0%} {kept:9.1%} {precise:12.1%}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
