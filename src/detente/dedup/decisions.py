"""A person's corrections to the clustering: split a cluster, merge clusters.

Decisions name *mentions* (event ids), not clusters, because cluster ids are recomputed by every
rebuild while a mention keeps its id (it is a hash of the article, sentence, trigger and dyad).
So a decision survives rebuilds and re-ingestion: a merge becomes must-link pairs, a split a
cannot-link between the mentions moved out and the mentions left in.

>>> record_split(store, "c3f...", ["e1", "e2"])          # doctest: +SKIP
>>> record_merge(store, ["c3f...", "c9a..."])            # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from detente.store.database import Store, StoreError, now_utc


@dataclass(slots=True)
class Constraints:
    together: list[tuple[str, str]] = field(default_factory=list)  # must-link pairs
    tags: dict[str, set[tuple[str, int]]] = field(default_factory=dict)  # mention → (split decision, side)


def load_constraints(store: Store, event_ids: Iterable[str] | None = None) -> Constraints:
    """Every decision, as constraints on the given mentions (all mentions when None)."""
    wanted = set(event_ids) if event_ids is not None else None
    constraints = Constraints()
    for decision_id, kind, mentions, others in store.con.sql(
        "SELECT decision_id, kind, mentions, others FROM cluster_decisions ORDER BY made_at, decision_id"
    ).fetchall():
        if kind == "merge":
            present = [m for m in mentions if wanted is None or m in wanted]
            constraints.together.extend((present[0], m) for m in present[1:])
        else:
            for side, group in enumerate((mentions, others)):
                for mention in group:
                    if wanted is None or mention in wanted:
                        constraints.tags.setdefault(mention, set()).add((decision_id, side))
    return constraints


def _members(store: Store, cluster_id: str) -> list[str]:
    members = [r[0] for r in store.con.execute(
        "SELECT event_id FROM mention_clusters WHERE cluster_id = ? ORDER BY event_id", [cluster_id]
    ).fetchall()]
    if not members:
        raise StoreError(f"no event cluster {cluster_id!r} (see `detente events --level event`)")
    return members


def _articles_of(store: Store, event_ids: Sequence[str]) -> list[str]:
    return [r[0] for r in store.con.execute(
        "SELECT DISTINCT article_id FROM mention_clusters WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [list(event_ids)]
    ).fetchall()]


def _supersede(store: Store, kind: str, mentions: Sequence[str], others: Sequence[str]) -> None:
    """The newest decision wins: a merge cancels earlier splits between the mentions it joins;
    a split takes the mentions it moves out of earlier merges with the mentions that stay."""
    joined, moved, kept = set(mentions), set(mentions), set(others)
    for decision_id, old_kind, old_mentions, old_others in store.con.sql(
        "SELECT decision_id, kind, mentions, others FROM cluster_decisions"
    ).fetchall():
        if kind == "merge" and old_kind == "split" and joined & set(old_mentions) and joined & set(old_others):
            store.con.execute("DELETE FROM cluster_decisions WHERE decision_id = ?", [decision_id])
        elif kind == "split" and old_kind == "merge" and moved & set(old_mentions) and kept & set(old_mentions):
            remaining = [m for m in old_mentions if m not in moved]
            store.con.execute("UPDATE cluster_decisions SET mentions = ? WHERE decision_id = ?", [remaining, decision_id])


def _record(store: Store, kind: str, mentions: Sequence[str], others: Sequence[str], note: str | None) -> str:
    key = f"{kind}\n{','.join(sorted(mentions))}\n{','.join(sorted(others))}"
    decision_id = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    with store.transaction():
        _supersede(store, kind, mentions, others)
        store.con.execute(
            "INSERT OR REPLACE INTO cluster_decisions VALUES (?, ?, ?, ?, ?, ?)",
            [decision_id, kind, list(mentions), list(others), now_utc(), note],
        )
    return decision_id


def record_split(store: Store, cluster_id: str, mentions: Sequence[str], note: str | None = None) -> str:
    """Move ``mentions`` out of the cluster: they must never again join the mentions left in it."""
    from detente.dedup.clusters import cluster_events

    members = _members(store, cluster_id)
    moved = [m for m in dict.fromkeys(mentions)]
    unknown = sorted(set(moved) - set(members))
    if unknown:
        raise StoreError(f"{', '.join(unknown)} not in cluster {cluster_id}")
    rest = [m for m in members if m not in set(moved)]
    if not moved or not rest:
        raise StoreError("a split needs at least one mention to move out and one to stay")
    decision = _record(store, "split", moved, rest, note)
    cluster_events(store, _articles_of(store, members))
    return decision


def record_merge(store: Store, cluster_ids: Sequence[str], note: str | None = None) -> str:
    """Join the clusters: their mentions are one event from now on."""
    from detente.dedup.clusters import cluster_events

    if len(set(cluster_ids)) < 2:
        raise StoreError("a merge needs two or more cluster ids")
    mentions = [m for cid in dict.fromkeys(cluster_ids) for m in _members(store, cid)]
    decision = _record(store, "merge", mentions, [], note)
    cluster_events(store, _articles_of(store, mentions))
    return decision
