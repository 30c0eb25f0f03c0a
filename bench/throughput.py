"""Throughput of detente against spaCy alone on the same texts, in the same run.

    python bench/throughput.py [--copies 40] [--batch-size 32] [--rounds 3] [FILES...]

Each engine runs in a fresh child process, so that its peak RSS is its own, and codes one text
before the clock starts, so that start-up (model, knowledge base, gazetteer) is not counted.
Prints articles/s, words/s, peak RSS and detente's speed as a ratio of spaCy's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "detente" / "samples"
SEED = ROOT.parent / "shared" / "seed" / "kerry-putin-moscow-2016-03-24.txt"


def _texts(files: list[str]) -> list[str]:
    paths = [Path(f) for f in files] or sorted(SAMPLES.glob("*.txt")) + ([SEED] if SEED.is_file() else [])
    return [p.read_text(encoding="utf-8") for p in paths]


def _child(engine: str, files: list[str], copies: int, batch_size: int) -> dict[str, float]:
    warnings.filterwarnings("ignore")
    from detente.ingest import split_layout
    from detente.nlp import load_pipeline
    from detente.pipeline import code_articles
    from detente.records import Article

    texts = _texts(files) * copies
    words = sum(len(t.split()) for t in texts)
    import spacy

    from detente.nlp import model_name

    # spaCy alone is the plain model; detente adds its knowledge-base entity ruler and the coder.
    nlp = spacy.load(model_name()) if engine == "spacy" else load_pipeline()
    # Start-up (model, knowledge base, gazetteer) is excluded for both engines: code one text first.
    list(nlp.pipe(texts[:1]))
    if engine == "detente":
        list(code_articles([Article("warm-up", texts[0])]))
        try:  # newer versions index alternate city names, loaded on the first unusual place
            from detente.attributes.places import load_gazetteer
        except ImportError:
            pass
        else:
            load_gazetteer()
    if engine == "spacy":
        # The same text detente parses: the body paragraphs.
        paragraphs = []
        for i, text in enumerate(texts):
            article = split_layout(Article(str(i), text))
            paragraphs.extend(text[s.start : s.end] for s in article.body_sections())
        start = time.perf_counter()
        for _ in nlp.pipe(paragraphs, batch_size=batch_size):
            pass
        events = 0
    else:
        articles = [Article(f"doc-{i}", t) for i, t in enumerate(texts)]
        start = time.perf_counter()
        events = sum(len(r.events) for r in code_articles(articles, batch_size=batch_size))
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"articles": len(texts), "words": words, "seconds": elapsed, "events": events, "peak_rss_mb": rss_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*")
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="runs per engine, alternating; the fastest counts")
    parser.add_argument("--child", choices=["spacy", "detente"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.files, args.copies, args.batch_size)))
        return
    # Alternate the engines and keep each one's fastest round: on a shared 2-core machine a
    # single run varies by up to 20%.
    results: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for engine in ("spacy", "detente"):
            out = subprocess.run([sys.executable, __file__, "--child", engine, "--copies", str(args.copies),
                                  "--batch-size", str(args.batch_size), *args.files],
                                 capture_output=True, text=True, check=True)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            if engine not in results or run["seconds"] < results[engine]["seconds"]:
                results[engine] = run
    print(f"{'engine':10} {'articles':>8} {'words':>8} {'seconds':>8} {'art/s':>8} {'words/s':>9} {'events':>7} {'peak RSS MB':>12}")
    for engine, r in results.items():
        print(f"{engine:10} {r['articles']:8d} {r['words']:8d} {r['seconds']:8.2f} {r['articles'] / r['seconds']:8.2f} "
              f"{r['words'] / r['seconds']:9.0f} {r['events']:7d} {r['peak_rss_mb']:12.0f}")
    ratio = (results["detente"]["articles"] / results["detente"]["seconds"]) / (results["spacy"]["articles"] / results["spacy"]["seconds"])
    print(f"detente throughput = {ratio:.2f} x spaCy alone (overhead {100 * (1 / ratio - 1):.0f}% on top of the parse)")


if __name__ == "__main__":
    main()
