"""Article fingerprints: what two reprints of one wire story have in common.

A fingerprint is computed once per article, at ingest time, in whatever worker process handles
it, without looking at the rest of the store. It carries two views of the text:

* a MinHash of the article's word 5-grams, and its LSH band keys, for near-verbatim copies
  (a wire story and its reprints, re-wrapped, re-quoted, with a credit line added);
* the top content terms with rarity weights, for "same story, rewritten" comparisons.

>>> a = fingerprint("MOSCOW (Reuters) - The two foreign ministers met in Moscow on Thursday "
...                 "and agreed to resume talks on the ceasefire next week.")
>>> b = fingerprint("The two foreign ministers met in Moscow on Thursday\\nand agreed to "
...                 "resume talks on the ceasefire next week.")
>>> estimated_jaccard(a, b) > 0.6, bool(set(a.bands) & set(b.bands)), a.credit, b.credit
(True, True, 'reuters', None)
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash
from spacy.lang.en.stop_words import STOP_WORDS
from wordfreq import zipf_frequency

from detente.dedup.similarity import minhash_similarity
from detente.dedup.wires import credit_of

# 32 bands of 4 rows: a pair with Jaccard s shares a band with probability 1 - (1 - s^4)^32,
# about 0.56 at s = 0.4, 0.99 at 0.6 and 0.05 at 0.2, so reprints become candidates and
# merely related stories rarely do.
NUM_PERM = 128
BANDS = 32
ROWS = 4
TOP_TERMS = 64
# Longer "words" are run-together scripts, URLs or base64, not what a story is about.
MAX_TERM_LEN = 30
SHINGLE_SIZE = 5

# Everything that decides the hash values is pinned here rather than left to library defaults:
# fingerprints are stored, and one computed next year must still compare with one from today.
# (datasketch 2.0 changed its default scheme; "affine64" gives full 64-bit values.)
_SEED = 1
_SCHEME = "affine64"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations
_BAND_PERSON = b"detente-lsh-band"
_WORD_PERSON = b"detente-word"
_EMPTY_PERSON = b"detente-empty"
# Shingle hashes are combined from word hashes with these odd multipliers (one per position in
# the 5-gram), vectorised over the article: hashing each 5-gram string separately costs a
# SHA-1 call per word of text. _SHORT marks the single shingle of a text under five words.
_POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD], dtype=np.uint64)
_SHORT = 0x2545F4914F6CDD1D
# uint64 array arithmetic wraps modulo 2^64, which is what a multiplicative hash wants.
# update_batch builds a (shingles x NUM_PERM) matrix; in chunks it stays in cache and off mmap.
_CHUNK = 256

# Reprints differ in typography, not words: curly vs straight quotes, "U.S." vs "US", thin
# spaces, "1,200" vs "1200". Quotes, apostrophes and periods are deleted (so "don't" and
# "don’t" both give "dont"), possessive "'s" with them (so "Russia's" is "russia"); every other
# non-word character only separates words.
_QUOTES = "'\"`´‘’‚‛“”„‟′″«»‹›"
_DELETE = re.compile("['’‘`´]s\\b|[" + re.escape(_QUOTES) + ".\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_DIGIT_COMMA = re.compile(r"(\d),(?=\d)")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the store keeps per article for de-duplication (see ``fingerprint``)."""

    minhash: tuple[int, ...]  # NUM_PERM unsigned 64-bit values (DuckDB UBIGINT[])
    bands: tuple[int, ...]  # BANDS signed 64-bit LSH bucket keys (DuckDB BIGINT), band index mixed in
    terms: tuple[str, ...]  # top content terms by weight, descending
    weights: tuple[float, ...]  # their weights, L2-normalised over the kept terms
    credit: str | None  # the wire service credited (``wires.credit_of``), or None


def words(text: str) -> list[str]:
    """The normalised words of ``text``: lowercase, punctuation and quote style removed.

    >>> words("Russia’s “new” U.S. envoy said: 1,200 troops.")
    ['russia', 'new', 'us', 'envoy', 'said', '1200', 'troops']
    """
    lowered = unicodedata.normalize("NFKC", text).lower()
    lowered = _DELETE.sub("", _DIGIT_COMMA.sub(r"\1", lowered))
    return _WORD.findall(lowered)


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """The word ``size``-grams of the normalised text; a shorter text is one shingle of all its words.

    >>> sorted(shingles("He said: “Talks will resume.”", size=3))
    ['he said talks', 'said talks will', 'talks will resume']
    >>> shingles("Talks resume"), shingles("")
    ({'talks resume'}, set())
    """
    tokens = words(text)
    if not tokens:
        return set()
    if len(tokens) <= size:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


# Both caches are bounded: a day of news has far fewer distinct words, and the same ones recur.
@functools.lru_cache(maxsize=1 << 16)
def _rarity(word: str) -> float:
    """Corpus-independent inverse-frequency weight: 8 minus the word's Zipf frequency in English."""
    return max(0.0, 8.0 - zipf_frequency(word, "en"))


@functools.lru_cache(maxsize=1 << 16)
def _word_hash(word: str) -> int:
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8, person=_WORD_PERSON).digest()
    return int.from_bytes(digest, "little")


def _shingle_hashes(tokens: list[str]) -> np.ndarray:
    """One 64-bit hash per word 5-gram of ``tokens`` (the set ``shingles`` would give, hashed)."""
    hashes = np.fromiter(map(_word_hash, tokens), dtype=np.uint64, count=len(tokens))
    size = len(_POSITION)
    if len(tokens) < size:
        # The length marker keeps "talks" and "talks talks" apart however the sum wraps.
        marker = np.uint64(_SHORT * len(tokens) % (1 << 64))
        return (hashes * _POSITION[: len(tokens)]).sum(dtype=np.uint64, keepdims=True) + marker
    count = len(tokens) - size + 1
    combined = hashes[:count] * _POSITION[0]
    for offset in range(1, size):
        combined += hashes[offset : offset + count] * _POSITION[offset]
    return combined


def _term_vector(tokens: list[str], title: str | None) -> tuple[tuple[str, ...], tuple[float, ...]]:
    counts = Counter(tokens)
    if title:
        # Titles say what the story is about: each title term counts twice.
        for term in words(title):
            counts[term] += 2
    # Filtered after counting, once per distinct word rather than once per token.
    scored = ((term, (1.0 + math.log(n)) * _rarity(term)) for term, n in counts.items()
              if 3 <= len(term) <= MAX_TERM_LEN and term.isalpha() and term not in STOP_WORDS)
    # Ties broken by the term itself so the kept set never depends on dict order.
    top = heapq.nsmallest(TOP_TERMS, ((-w, t) for t, w in scored if w > 0.0))
    norm = math.sqrt(sum(w * w for w, _ in top))
    if not top or norm == 0.0:
        return (), ()
    return tuple(t for _, t in top), tuple(-w / norm for w, _ in top)


def _minhash_values(tokens: list[str], text: str, title: str | None) -> np.ndarray:
    if not tokens:
        # No words, so nothing to compare: values from a hash of the raw input keep this
        # fingerprint away from every other text's buckets (an all-max MinHash would put every
        # empty article in one bucket and make them "identical").
        seed = f"{text}\x00{title or ''}".encode("utf-8", "surrogatepass")
        raw = hashlib.shake_128(_EMPTY_PERSON + b"\x00" + seed).digest(8 * NUM_PERM)
        return np.frombuffer(raw, dtype="<u8").astype(np.uint64)
    # The shingle hashes are already well mixed, so the MinHash takes them as they are.
    sketch = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashfunc=int, permutations=_PERMUTATIONS)
    hashes = _shingle_hashes(tokens).tolist()
    for start in range(0, len(hashes), _CHUNK):
        sketch.update_batch(hashes[start : start + _CHUNK])
    return sketch.hashvalues


def _band_keys(values: np.ndarray) -> tuple[int, ...]:
    raw = values.astype("<u8", copy=False).tobytes()
    width = 8 * ROWS
    keys = []
    for band in range(BANDS):
        # The band index is part of the key: equal rows in different bands are not a match.
        digest = hashlib.blake2b(band.to_bytes(2, "little") + raw[band * width : (band + 1) * width],
                                 digest_size=8, person=_BAND_PERSON).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


def fingerprint(text: str, title: str | None = None) -> Fingerprint:
    """The ``Fingerprint`` of an article; deterministic across processes, runs and machines.

    >>> fp = fingerprint("Lavrov and Kerry met in Geneva to discuss the Syrian ceasefire.",
    ...                  title="Lavrov, Kerry discuss Syria")
    >>> fp.terms[:3], len(fp.minhash), len(fp.bands)
    (('lavrov', 'kerry', 'discuss'), 128, 32)
    """
    tokens = words(text)
    values = _minhash_values(tokens, text, title)
    terms, weights = _term_vector(tokens, title)
    return Fingerprint(
        minhash=tuple(values.tolist()),
        bands=_band_keys(values),
        terms=terms,
        weights=weights,
        credit=credit_of(text),
    )


def estimated_jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two shingle sets: the fraction of equal MinHash values."""
    return minhash_similarity(a.minhash, b.minhash)



def cosine(a: Fingerprint, b: Fingerprint) -> float:
    """Cosine similarity of the two weighted term vectors (0 when either has no terms)."""
    small, large = (a, b) if len(a.terms) <= len(b.terms) else (b, a)
    lookup = dict(zip(large.terms, large.weights, strict=True))
    return sum(w * lookup.get(t, 0.0) for t, w in zip(small.terms, small.weights, strict=True))
