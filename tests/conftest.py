"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "kerry-putin-moscow-2016-03-24.txt"


@pytest.fixture(scope="session")
def nlp():
    warnings.filterwarnings("ignore", category=UserWarning, module="spacy")
    from detente.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def code(nlp):
    """``code(text, published="2016-03-24")`` → events, with the session's pipeline."""
    from detente.pipeline import code as code_text

    def run(text: str, published: str | None = "2016-03-24"):
        return code_text(text, published=published)

    return run


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip("../shared is not present: the seed article is evaluation material kept outside the repo")
    return SEED
