"""Similarity of two MinHash signatures, apart from ``fingerprints`` so that grouping stored
articles does not import what taking a fingerprint needs (spaCy's stop words, datasketch,
wordfreq: two seconds)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def minhash_similarity(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray) -> float:
    """The fraction of equal values of two MinHash signatures, the estimate of the Jaccard
    similarity of the two shingle sets (arrays are compared at C speed)."""
    if len(a) != len(b):
        raise ValueError(f"fingerprints of different sizes: {len(a)} vs {len(b)} values")
    if not len(a):
        return 0.0
    return float(np.count_nonzero(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64))) / len(a)
