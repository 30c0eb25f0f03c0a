"""Near-duplicate articles: a wire story and its reprints are one independent source.

>>> group_duplicates(store, ["a1", "a2"])      # doctest: +SKIP
{'a2': 'a1'}                                   # a2 is a reprint of a1: both in group 'a1'

Candidates come from the LSH buckets stored with each article's fingerprint (articles sharing
any band bucket), so finding the copies of a new article costs one indexed lookup, not a pass
over the store. A candidate is a copy when the MinHash estimate of the Jaccard similarity of the
two texts' word 5-grams is high; credited to the same wire, a lower similarity suffices, since
reprints of a wire story are often cut or lightly edited.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from detente.dedup.similarity import minhash_similarity
from detente.dedup.unionfind import UnionFind
from detente.store.database import Store

COPY_JACCARD = 0.5
SAME_WIRE_JACCARD = 0.3


def group_duplicates(store: Store, article_ids: Iterable[str]) -> dict[str, str]:
    """Assign the given (new) articles to duplicate groups, merging groups where a new article
    is a copy of articles in several; returns ``{article_id: dup_group}`` of every row changed."""
    new = list(dict.fromkeys(article_ids))
    if not new:
        return {}
    con = store.con
    pairs = con.execute(
        """SELECT DISTINCT n.article_id, o.article_id FROM article_bands n
           JOIN article_bands o ON o.band = n.band AND o.bucket = n.bucket AND o.article_id <> n.article_id
           WHERE n.article_id IN (SELECT unnest(?::VARCHAR[]))""",
        [new],
    ).fetchall()
    involved = sorted({a for pair in pairs for a in pair} | set(new))
    prints = {
        row[0]: (np.asarray(row[1], dtype=np.uint64), row[2])
        for row in con.execute(
            "SELECT article_id, minhash, credit FROM article_fingerprints WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
            [involved],
        ).fetchall()
    }
    groups = dict(con.execute(
        "SELECT article_id, dup_group FROM article_groups WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [involved]
    ).fetchall())
    uf = UnionFind()
    for article, group in groups.items():
        uf.union(article, group)
    for article in new:
        uf.find(article)
    for a, b in pairs:
        if a not in prints or b not in prints:
            continue
        (hash_a, credit_a), (hash_b, credit_b) = prints[a], prints[b]
        similarity = minhash_similarity(hash_a, hash_b)
        same_wire = credit_a is not None and credit_a == credit_b
        if similarity >= COPY_JACCARD or (same_wire and similarity >= SAME_WIRE_JACCARD):
            uf.union(a, b)
    # members of existing groups that were merged must follow their group's new id
    touched_groups = sorted(set(groups.values()))
    members = con.execute(
        "SELECT article_id, dup_group FROM article_groups WHERE dup_group IN (SELECT unnest(?::VARCHAR[]))", [touched_groups]
    ).fetchall() if touched_groups else []
    for article, group in members:
        uf.union(article, group)
    changed: dict[str, str] = {}
    known = dict(members) | groups
    for article in set(new) | {a for a, _ in members} | set(groups):
        root = uf.find(article)
        if known.get(article) != root:
            changed[article] = root
    if changed:
        with store.transaction():
            con.execute("DELETE FROM article_groups WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [list(changed)])
            store.insert_rows("article_groups", [{"article_id": a, "dup_group": g} for a, g in changed.items()])
    return changed


def backfill_fingerprints(store: Store, batch: int = 500) -> int:
    """Fingerprint stored articles that have none (stored before de-duplication existed) and
    group them; returns how many were added."""
    from detente.dedup.fingerprints import fingerprint
    from detente.store.database import FINGERPRINT_SCHEMA
    from detente.store.rows import fingerprint_rows

    missing = [r[0] for r in store.con.sql(
        "SELECT article_id FROM articles WHERE article_id NOT IN (SELECT article_id FROM article_fingerprints) ORDER BY 1"
    ).fetchall()]
    for start in range(0, len(missing), batch):
        ids = missing[start : start + batch]
        texts = store.con.execute(
            "SELECT article_id, text, title FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        ).fetchall()
        heads, bands, terms = [], [], []
        for article_id, text, title in texts:
            head, more_bands, more_terms = fingerprint_rows(article_id, fingerprint(text, title))
            heads.append(head)
            bands.extend(more_bands)
            terms.extend(more_terms)
        with store.transaction():
            store.insert_rows("article_fingerprints", heads, FINGERPRINT_SCHEMA)
            store.insert_rows("article_bands", bands)
            store.insert_rows("article_terms", terms)
        group_duplicates(store, ids)
    return len(missing)
