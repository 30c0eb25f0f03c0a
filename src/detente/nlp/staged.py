"""The fast nlp mode in two stages: tag the candidate runs, then fully parse only those the tags
confirm.

The cheap pass (``nlp.candidates``) picks sentences by their words alone, and a word is often a
trigger form in name only: "back" as an adverb, "march" as the month, "open" as an adjective.
The lexicon (``events.lexicon``) fits an entry only to a token of the entry's part of speech, so
once a run is tagged (tok2vec and tagger, a sixth of the pipeline's time per word) a sentence
whose trigger forms all have another part of speech cannot code an event. A run without any
other sentence is left flat; only the confirmed runs go through the parser, attribute ruler,
lemmatizer and NER. The parser reads the tok2vec output stored on each Doc (``Doc.tensor``),
so the second stage reuses the first stage's vectors.

>>> parsed = list(parse_articles_fast(articles, load_pipeline()))   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from detente.events.lexicon import ENTRY_POS
from detente.nlp.candidates import Plan, TriggerForms, _forms, assemble, plan_sentences, runs_of
from detente.records import Article

if TYPE_CHECKING:
    from detente.nlp import ParsedArticle

_TRIGGER_POS = frozenset().union(*ENTRY_POS.values())
# a Doc's tensor before any tok2vec has run
_NO_TENSOR = numpy.zeros((0,), dtype="float32")


@functools.cache
def tag_pos(nlp: Language) -> tuple[dict[str, str], frozenset[str]] | None:
    """Fine tag → the part of speech the attribute ruler will give it, and the words another of
    its rules may give a trigger's part of speech whatever their tag ("have" as a main verb).
    ``None`` when the tag does not tell: no attribute ruler, or a rule that may make a trigger's
    part of speech out of any word.

    >>> tag_pos(load_pipeline())[0]["VBD"]      # doctest: +SKIP
    'VERB'
    """
    if "attribute_ruler" not in nlp.pipe_names:
        return None
    table: dict[str, str] = {}
    loose: set[str] = set()
    for rule in nlp.get_pipe("attribute_ruler").patterns:
        pos = rule["attrs"].get("POS")
        if pos is None:
            continue
        for pattern in rule["patterns"]:
            token = pattern[rule.get("index", 0)]
            if len(pattern) == 1 and set(token) == {"TAG"} and isinstance(token["TAG"], str):
                table[token["TAG"]] = pos  # later rules win, as in the ruler
            elif pos in _TRIGGER_POS:
                lower = token.get("LOWER")
                if isinstance(lower, str):
                    loose.add(lower)
                elif isinstance(lower, dict) and set(lower) == {"IN"}:
                    loose.update(lower["IN"])
                else:
                    return None
    return table, frozenset(loose)


def confirmed(sentence: Span, forms: TriggerForms, tags: tuple[dict[str, str], frozenset[str]]) -> bool:
    """Whether a tagged sentence still may hold a trigger: a trigger form with a part of speech
    of its entry (an unknown tag or a loose word counts)."""
    table, loose = tags
    words = {t.lower_ for t in sentence}
    tagged = [(t.lower_, None if t.lower_ in loose else table.get(t.tag_)) for t in sentence if t.lower_ in forms.senses]
    return forms.match_tagged(words, tagged)


def _stages(nlp: Language, ruler: str) -> tuple[list[str], list[str]]:
    """The components up to the tagger (every candidate run) and the others (confirmed runs)."""
    names = [n for n in nlp.pipe_names if n != ruler]
    if "tagger" not in names:
        return [], names
    cut = names.index("tagger") + 1
    return names[:cut], names[cut:]


def _confirm(plan: Plan, runs: list[tuple[Span, bool]], tagged: list[Doc], forms: TriggerForms,
             tags: tuple[dict[str, str], frozenset[str]] | None) -> tuple[list[tuple[Span, bool]], list[Doc]]:
    """The paragraph's runs once its candidate runs are tagged (``tagged``, in order), and the
    Docs of the runs that go on to the parser, in order.

    A run stays whole when one of its sentences is confirmed: cut, the parser would see less
    context than in the full parse (on BASIL, cutting saved 2% more words and lost five times
    as many events). An attribution run goes on only when a run of the paragraph does.
    """
    if tags is None:
        return runs, tagged
    spans = [span for span, flag in runs if flag]
    trigger_runs = set()
    for sentence, flag in zip(plan.sentences, plan.triggers, strict=True):
        if flag:
            k = next(k for k, span in enumerate(spans) if span.start <= sentence.start < span.end)
            if k not in trigger_runs and confirmed(tagged[k][sentence.start - spans[k].start : sentence.end - spans[k].start], forms, tags):
                trigger_runs.add(k)
    keep = [k in trigger_runs or (bool(trigger_runs) and _attributes(span, plan)) for k, span in enumerate(spans)]
    flags = iter(keep)
    runs = [(span, next(flags)) if flag else (span, False) for span, flag in runs]
    for k, doc in enumerate(tagged):
        if not keep[k] and doc is spans[k].doc:
            doc.tensor = _NO_TENSOR  # the paragraph's own Doc, tagged whole, stays unparsed
    return runs, [doc for k, doc in enumerate(tagged) if keep[k]]


def _attributes(span: Span, plan: Plan) -> bool:
    """Whether the run holds a sentence that may attribute a quote of the paragraph."""
    return any(a and span.start <= s.start < span.end for s, a in zip(plan.sentences, plan.attributions, strict=True))


def parse_articles_fast(articles: Iterable[Article], nlp: Language, batch_size: int = 64) -> Iterator[ParsedArticle]:
    """``detente.nlp.parse_articles`` in fast mode: full parse of confirmed candidate runs only.

    Articles go in chunks of ``batch_size``: the cheap pass plans a chunk, spaCy tags its
    candidate runs, the tags confirm or drop each sentence, spaCy parses the confirmed runs,
    then the chunk's articles are put together and yielded in order.
    """
    from detente.events.lexicon import load_lexicon
    from detente.nlp import RULER, Paragraph, ParsedArticle

    ruler = nlp.get_pipe(RULER)
    forms = _forms(nlp, load_lexicon())
    first, second = _stages(nlp, RULER)
    tags = tag_pos(nlp) if first else None
    stream = iter(articles)
    while chunk := list(itertools.islice(stream, batch_size)):
        plans: list[tuple[Article, list[tuple[int, Doc, Plan, list[tuple[Span, bool]]]]]] = []
        jobs: list[Doc] = []
        for art in chunk:
            paragraphs = []
            for sec in art.body_sections():
                doc = ruler(nlp.make_doc(art.text[sec.start : sec.end]))
                plan = plan_sentences(doc, forms)
                runs = runs_of(doc, plan.sentences, plan.flags())
                jobs.extend(span.as_doc() if len(runs) > 1 else doc for span, flag in runs if flag)
                paragraphs.append((sec.start, doc, plan, runs))
            plans.append((art, paragraphs))
        tagged = iter(nlp.pipe(jobs, batch_size=batch_size, disable=[RULER, *second]))
        confirmed_plans = []
        parse: list[Doc] = []
        for art, paragraphs in plans:
            done = []
            for offset, doc, plan, runs in paragraphs:
                mine = [next(tagged) for _, flag in runs if flag]
                runs, kept = _confirm(plan, runs, mine, forms, tags) if mine else (runs, [])
                parse.extend(kept)
                done.append((offset, doc, runs))
            confirmed_plans.append((art, done))
        parsed = nlp.pipe(parse, batch_size=batch_size, disable=[RULER, *first])
        for art, done in confirmed_plans:
            yield ParsedArticle(art, [Paragraph(assemble(doc, runs, parsed), offset) for offset, doc, runs in done])
