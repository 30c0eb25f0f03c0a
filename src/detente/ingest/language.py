"""Language identification, so non-English documents can be routed or set aside.

py3langid (a fork of langid.py) ships its model inside the wheel: nothing is downloaded. The
model is loaded on first use (about half a second) and then kept for the process.

>>> detect_language("The foreign ministers of Chile and Peru met in Lima on Tuesday to discuss the border.")[0]
'en'
>>> detect_language("Talks end")
('und', 0.0)
"""

from __future__ import annotations

import threading
from typing import Any

# Below this many letters a character n-gram model is guessing: a headline such as
# "Putin in Paris" or a name list fits several languages equally well, and a wrong code on
# a short text would silently route it away. "und" (ISO 639-2 "undetermined") says so honestly.
MIN_LETTERS = 40
# Naive Bayes evidence saturates long before a whole article; the opening is enough and
# keeps detection of a 20 MB document from taking seconds.
_SAMPLE_CHARS = 3_000

_lock = threading.Lock()
_identifier: Any = None


def _model() -> Any:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


# The two errors do not cost the same: an English article taken for another language is stored
# but never coded (its events silently vanish), while a foreign one taken for English only costs
# a coding pass that finds nothing. So English wins whenever it is a serious candidate: langid
# gives short English news sentences to English-based creoles and close varieties ("pcm",
# Nigerian Pidgin, at 0.52 against English at 0.42 for a sentence about a Russian court).
ENGLISH_PLAUSIBLE = 0.2


def _has_letters(text: str, wanted: int) -> bool:
    """Does ``text`` hold at least ``wanted`` letters? Stops counting once it does: counting a
    whole 3,000-character sample cost as much as the n-gram model itself."""
    for ch in text:
        if ch.isalpha():
            wanted -= 1
            if wanted <= 0:
                return True
    return False


def detect_language(text: str) -> tuple[str, float]:
    """``(ISO 639-1 code, confidence 0..1)`` of ``text``; ``("und", 0.0)`` when too short to judge.

    English is returned whenever its probability is at least ``ENGLISH_PLAUSIBLE``.
    """
    sample = text[:_SAMPLE_CHARS]
    if not _has_letters(sample, MIN_LETTERS):
        return "und", 0.0
    ranked = _model().rank(sample)
    code, confidence = ranked[0]
    english = next((p for lang, p in ranked[:5] if lang == "en"), 0.0)
    if code != "en" and english >= ENGLISH_PLAUSIBLE:
        code, confidence = "en", english
    return str(code), max(0.0, min(1.0, float(confidence)))
