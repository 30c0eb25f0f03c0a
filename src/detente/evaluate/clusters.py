"""Evaluation of event clustering: do articles that report the same story end up linked?

>>> report = evaluate_clusters("basil_dedup_dev.jsonl")     # doctest: +SKIP
>>> round(report.pairwise.f1, 2)                             # doctest: +SKIP
0.83

The gold is JSON Lines of articles (``id``, ``text`` and optional ``title``, ``published``,
``source``, ``url``) with a ``story`` field shared by the articles of one story. The articles are
ingested into a fresh store (coded, fingerprinted, clustered exactly as ``detente ingest`` does),
and the grouping of articles implied by the event clusters — connected components of articles
that share a canonical event — is scored against the stories: pairwise precision, recall and F1
over article pairs, and B-cubed precision, recall and F1 over articles.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from detente.dedup.unionfind import UnionFind
from detente.evaluate.gold import GoldError
from detente.jobs.ingest import ingest
from detente.store.database import Store


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


@dataclass(slots=True)
class CrossLink:
    """Two articles of different stories joined by a canonical event: why they were joined."""

    article_a: str
    article_b: str
    cluster_id: str
    event: str
    dyad: str
    sentences: list[str]


@dataclass(slots=True)
class ClusterEvalReport:
    path: str
    articles: int
    stories: int
    mentions: int
    canonical_events: int
    linked_articles: int  # articles sharing at least one canonical event with another article
    pairwise: PRF
    bcubed: PRF
    pairs: dict[str, int] = field(default_factory=dict)
    cross_links: list[CrossLink] = field(default_factory=list)


def _prf(tp: float, predicted: float, gold: float) -> PRF:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def read_stories(path: str | Path) -> dict[str, str]:
    """``{article id: story}`` of a gold file; a record without ``id`` or ``story`` is an error."""
    stories: dict[str, str] = {}
    with open(path, encoding="utf-8") as lines:
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise GoldError(f"{path}:{n}: malformed JSON ({err.msg})") from None
            if not isinstance(record, dict) or not record.get("id") or not record.get("story"):
                raise GoldError(f"{path}:{n}: a story record needs 'id', 'text' and 'story'")
            stories[str(record["id"])] = str(record["story"])
    if not stories:
        raise GoldError(f"{path}: no records")
    return stories


def article_components(store: Store) -> dict[str, str]:
    """``{source id: component}``: articles joined when they share a canonical event."""
    groups = UnionFind()
    ids = dict(store.con.sql("SELECT article_id, source_id FROM articles").fetchall())
    for (articles,) in store.con.sql(
        "SELECT list(DISTINCT article_id) FROM mention_clusters GROUP BY cluster_id HAVING count(DISTINCT article_id) > 1"
    ).fetchall():
        for other in articles[1:]:
            groups.union(articles[0], other)
    return {ids[a]: groups.find(a) for a in ids}


def _cross_links(store: Store, stories: dict[str, str], limit: int) -> list[CrossLink]:
    rows = store.con.sql(
        """SELECT c.cluster_id, c.event, coalesce(c.actor_code, '-') || '-' || coalesce(c.recipient_code, '-'),
                  list(DISTINCT a.source_id), list(DISTINCT e.sentence)
           FROM event_clusters c JOIN mention_clusters mc USING (cluster_id)
           JOIN articles a ON a.article_id = mc.article_id JOIN events e ON e.event_id = mc.event_id
           WHERE c.n_articles > 1 GROUP BY ALL ORDER BY c.cluster_id"""
    ).fetchall()
    links = []
    for cid, event, dyad, articles, sentences in rows:
        for a, b in itertools.combinations(sorted(articles), 2):
            if stories.get(a) != stories.get(b):
                links.append(CrossLink(a, b, cid, event, dyad, sentences[:4]))
    return links[:limit]


def evaluate_clusters(path: str | Path, db: str | Path | None = None, errors: int = 0) -> ClusterEvalReport:
    """Ingest the gold articles into a fresh store (``db``, or a temporary file) and score."""
    stories = read_stories(path)
    with tempfile.TemporaryDirectory(prefix="detente-eval-") as scratch:
        target = Path(db) if db else Path(scratch) / "clusters.duckdb"
        if target.exists():
            raise GoldError(f"{target} exists: eval-clusters needs a fresh database")
        with Store.open(target) as store:
            ingest(store, [str(path)], command="eval-clusters")
            component = article_components(store)
            mentions = store.con.sql("SELECT count(*) FROM mention_clusters").fetchall()[0][0]
            canonical = store.con.sql("SELECT count(*) FROM event_clusters").fetchall()[0][0]
            crossing = _cross_links(store, stories, errors) if errors else []
    articles = list(stories)
    for a in articles:  # an article that failed to ingest is a group of its own
        component.setdefault(a, f"missing:{a}")
    gold_pairs = predicted_pairs = true_pairs = 0
    for a, b in itertools.combinations(articles, 2):
        same_story = stories[a] == stories[b]
        same_component = component[a] == component[b]
        gold_pairs += same_story
        predicted_pairs += same_component
        true_pairs += same_story and same_component
    by_story: dict[str, set[str]] = defaultdict(set)
    by_component: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        by_story[stories[a]].add(a)
        by_component[component[a]].add(a)
    precision = recall = 0.0
    for a in articles:
        story, comp = by_story[stories[a]], by_component[component[a]]
        overlap = len(story & comp)
        precision += overlap / len(comp)
        recall += overlap / len(story)
    n = len(articles) or 1
    b_p, b_r = precision / n, recall / n
    return ClusterEvalReport(
        path=str(path), articles=len(articles), stories=len(by_story), mentions=mentions, canonical_events=canonical,
        linked_articles=sum(len(members) for members in by_component.values() if len(members) > 1),
        pairwise=_prf(true_pairs, predicted_pairs, gold_pairs),
        bcubed=PRF(b_p, b_r, 2 * b_p * b_r / (b_p + b_r) if b_p + b_r else 0.0),
        pairs={"gold": gold_pairs, "predicted": predicted_pairs, "correct": true_pairs},
        cross_links=crossing,
    )
