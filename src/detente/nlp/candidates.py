"""The cheap first pass of the fast nlp mode: which sentences may hold an event.

Finding a trigger needs lemmas, tags and the dependency parse (``events.lexicon``), which cost
most of the time of a run. Before that, a sentence can only hold an event if one of its words
is an inflected form of a trigger lemma (or a deontic "must"), so the fast mode tokenises each
paragraph, runs the knowledge-base entity ruler, splits sentences by punctuation and sends only
the sentences with such a word through the full pipeline. An entry with constraints counts
only when the sentence also holds a word for each of them ("sit" + "down", "take" + "hostage",
a nominal "talks" governed by a light verb). The forms are over-generated on purpose ("arms",
"armed", "arming" for ``arm``): a spurious candidate costs a parse, a missed one an event.

>>> forms = trigger_forms(load_lexicon(), nlp)            # doctest: +SKIP
>>> forms.match({"kerry", "met", "putin", "."})           # doctest: +SKIP
True
>>> forms.match({"the", "weather", "was", "mild", "."})   # doctest: +SKIP
False
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy
from spacy.attrs import DEP, HEAD, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span

from detente.events.lexicon import ENTRY_POS, Lexicon, TriggerEntry

# Quotation marks: a quoted candidate takes its speaker from another sentence of the paragraph.
QUOTES = frozenset('"“”«»')
# Sentence-final punctuation of the cheap splitter (the parser decides inside candidates).
_FINAL = frozenset({".", "!", "?", "...", "…"})
_CLOSERS = frozenset({'"', "”", "'", "’", ")", "]", "»"})
_VOWELS = frozenset("aeiou")


def inflections(lemma: str) -> set[str]:
    """Regular English inflections of a verb or noun lemma, over-generated.

    >>> sorted(inflections("stop"))
    ['stop', 'stoped', 'stoping', 'stopped', 'stopping', 'stops']
    >>> {"tries", "tried"} <= inflections("try")
    True
    """
    word = lemma.lower()
    out = {word, word + "s", word + "es", word + "ed", word + "ing", word + "d"}
    if word.endswith("e"):
        out |= {word[:-1] + "ing", word[:-1] + "ed"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
        out |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) > 2 and word[-1] not in _VOWELS and word[-1] not in "wxy" and word[-2] in _VOWELS:
        out |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # "stopped", "banning"
    if word.endswith("ie"):
        out.add(word[:-2] + "ying")  # "tie" → "tying"
    if word.endswith("fe") or word.endswith("f"):
        out.add(word.rstrip("e")[:-1] + "ves")
    return out


def _irregular(nlp: Language) -> dict[str, dict[str, set[str]]]:
    """Part of speech → lemma → irregular forms, read backwards from the model's lemmatizer
    exceptions; the project's lemma fixes count for verbs ("met" → meet, "staged" → stage)."""
    from detente.nlp import _lemma_fixes

    out: dict[str, dict[str, set[str]]] = {pos: {} for pos in ("noun", "verb", "adj")}
    if "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_exc"):
            table = lookups.get_table("lemma_exc")
            for pos in out:
                for form, lemmas in (table.get(pos) or {}).items():
                    for lemma in lemmas:
                        out[pos].setdefault(lemma.lower(), set()).add(form.lower())
    for form, lemma in _lemma_fixes().items():
        out["verb"].setdefault(lemma.lower(), set()).add(form)
    return out


def _pos_forms(lemma: str, pos: str, irregular: dict[str, dict[str, set[str]]]) -> set[str]:
    """The forms a token of ``lemma`` tagged ``pos`` can take: a noun entry never fits "attacked"."""
    word = lemma.split()[-1].lower()  # multi-word lemmas: their head word
    if pos == "noun":
        forms = {word, word + "s", word + "es"}
        if word.endswith("y"):
            forms.add(word[:-1] + "ies")
    elif pos == "verb":
        forms = inflections(word)
    else:
        forms = {word}
    forms |= irregular.get(pos, {}).get(word, set())
    if "-" in word:  # "cease-fire": the tokenizer may split on the hyphen
        forms |= _pos_forms(word.rsplit("-", 1)[-1], pos, irregular)
    return forms


@dataclass(frozen=True, slots=True)
class TriggerForms:
    """Words that may carry a trigger: ``plain`` ones alone, ``conditional`` ones only when,
    for one of their entries, every constraint (object, preposition, modifier, light verb...)
    has a word in the same sentence; ``deontic`` words with a ``reporting`` word. ``senses``
    gives, per word, each entry's parts of speech and constraint words, for tagged text."""

    plain: frozenset[str]
    conditional: dict[str, list[tuple[frozenset[str], ...]]]
    deontic: frozenset[str]
    reporting: frozenset[str]
    senses: dict[str, list[tuple[frozenset[str], tuple[frozenset[str], ...]]]] = field(default_factory=dict)

    def match(self, words: set[str]) -> bool:
        if words & self.plain or (words & self.deontic and words & self.reporting):
            return True
        return any(all(words & need for need in needs)
                   for word in words & self.conditional.keys() for needs in self.conditional[word])

    def match_tagged(self, words: set[str], tagged: Iterable[tuple[str, str | None]]) -> bool:
        """``match`` once the words are tagged: a word counts only with a part of speech one of
        its entries takes (``None``, unknown, always counts), as ``events.lexicon`` requires.

        >>> forms.match_tagged({"back", "in", "may"}, [("back", "ADV")])   # doctest: +SKIP
        False
        """
        if words & self.deontic and words & self.reporting:
            return True
        return any((pos is None or pos in allowed) and all(words & need for need in needs)
                   for word, pos in tagged for allowed, needs in self.senses.get(word, ()))


def _constraint_words(entry: TriggerEntry, light: frozenset[str], verb_forms: Callable[[str], set[str]]) -> tuple[frozenset[str], ...]:
    """Per constraint of the entry, the words one of which the sentence must hold."""
    def any_form(words: tuple[str, ...]) -> frozenset[str]:
        return frozenset(f for w in words for f in inflections(w) | verb_forms(w))

    needs = []
    if entry.prep:
        needs.append(frozenset(entry.prep))
    if entry.object:
        needs.append(any_form(entry.object))
    if entry.modifier:
        needs.append(any_form(entry.modifier))
    if entry.actor_words:
        needs.append(any_form(entry.actor_words))
    if entry.governor:
        needs.append(any_form(entry.governor))
    elif entry.governed:
        needs.append(light)
    return tuple(needs)


def trigger_forms(lexicon: Lexicon, nlp: Language, deontic: Iterable[str] = ()) -> TriggerForms:
    """The surface words of every trigger of ``lexicon``, over-generated (see the module doc)."""
    irregular = _irregular(nlp)

    def verb_forms(word: str) -> set[str]:
        return inflections(word) | irregular["verb"].get(word, set())

    light = frozenset(f for verb in lexicon.light_verbs for f in verb_forms(verb))
    plain: set[str] = set()
    conditional: dict[str, list[tuple[frozenset[str], ...]]] = {}
    senses: dict[str, list[tuple[frozenset[str], tuple[frozenset[str], ...]]]] = {}
    for entry in lexicon.entries:
        needs = _constraint_words(entry, light, verb_forms)
        sense = (frozenset(ENTRY_POS[entry.pos]), needs)
        for form in _pos_forms(entry.lemma, entry.pos, irregular):
            if sense not in senses.setdefault(form, []):
                senses[form].append(sense)
            if not needs:
                plain.add(form)
            elif needs not in conditional.setdefault(form, []):
                conditional[form].append(needs)
    conditional = {form: needs for form, needs in conditional.items() if form not in plain}
    reporting = frozenset(f for verb in lexicon.reporting_verbs for f in verb_forms(verb))
    return TriggerForms(frozenset(plain), conditional, frozenset(w.lower() for w in deontic), reporting, senses)


def split_sentences(doc: Doc) -> list[Span]:
    """Sentences by punctuation and blank lines, never inside an entity of the ruler.

    A sentence ends after ".", "!" or "?" (and the closing quotes or brackets that follow) when
    the next word starts with a capital, a digit or a quote, and at a line break. Cheap and
    close to the parser's own boundaries for news prose.
    """
    starts = [0]
    i, n = 0, len(doc)
    while i < n:
        token = doc[i]
        end = None
        if token.text in _FINAL:
            end = i + 1
            # closing quotes and brackets stick to the full stop; after a space they open the next
            while end < n and (doc[end].is_space or (doc[end].text in _CLOSERS and not doc[end - 1].whitespace_)):
                end += 1
            nxt = doc[end] if end < n else None
            if nxt is not None and not (nxt.text[:1].isupper() or nxt.text[:1].isdigit() or nxt.text[:1] in QUOTES):
                end = None
        elif token.is_space and "\n" in token.text:
            end = i + 1
        if end is not None and end < n and doc[end].ent_iob_ != "I" and end > starts[-1]:
            starts.append(end)
            i = end
            continue
        i += 1
    bounds = starts + [n]
    return [doc[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def is_candidate(sentence: Span, forms: TriggerForms) -> bool:
    """Whether a word of the sentence may be a trigger whose constraints the sentence can meet."""
    return forms.match({t.lower_ for t in sentence})


def mentions_reporting(sentence: Span, forms: TriggerForms) -> bool:
    """Whether the sentence may attribute a quote ("he said")."""
    return any(t.lower_ in forms.reporting for t in sentence)


def quoted(sentence: Span) -> bool:
    return any(ch in QUOTES for ch in sentence.text)


_FORMS: dict[tuple[int, int], TriggerForms] = {}


def _forms(nlp: Language, lexicon: Lexicon) -> TriggerForms:
    """The trigger forms of this pipeline and lexicon, cached by identity (both are loaded once
    per process)."""
    from detente.attributes import load_cues

    key = (id(nlp), id(lexicon))
    if key not in _FORMS:
        _FORMS[key] = trigger_forms(lexicon, nlp, deontic=load_cues().deontic_aux)
    return _FORMS[key]


@dataclass(slots=True)
class Plan:
    """A paragraph's cheap sentences, which may hold a trigger, and which may attribute a quote
    of the paragraph (parsed only along with a trigger sentence)."""

    sentences: list[Span]
    triggers: list[bool]
    attributions: list[bool]

    def flags(self) -> list[bool]:
        if not any(self.triggers):
            return self.triggers
        return [t or a for t, a in zip(self.triggers, self.attributions, strict=True)]


def plan_sentences(doc: Doc, forms: TriggerForms) -> Plan:
    """The paragraph's sentences with their word-level candidate flags (see ``plan_paragraph``)."""
    sentences = split_sentences(doc)
    triggers = [is_candidate(s, forms) for s in sentences]
    if any(triggers) and any(quoted(s) for s in sentences):
        # a quoted candidate takes its speaker from the paragraph's attribution: parse that too
        attributions = [not t and mentions_reporting(s, forms) for s, t in zip(sentences, triggers, strict=True)]
    else:
        attributions = [False] * len(sentences)
    return Plan(sentences, triggers, attributions)


def runs_of(doc: Doc, sentences: list[Span], flags: list[bool]) -> list[tuple[Span, bool]]:
    """Consecutive flagged sentences joined into one run, parsed together so that the parser
    sees their context and draws their inner boundaries itself."""
    runs: list[tuple[Span, bool]] = []
    for sentence, flag in zip(sentences, flags, strict=True):
        if runs and flag and runs[-1][1]:
            runs[-1] = (doc[runs[-1][0].start : sentence.end], True)
        else:
            runs.append((sentence, flag))
    return runs


def plan_paragraph(doc: Doc, forms: TriggerForms) -> list[tuple[Span, bool]]:
    """The paragraph as runs of sentences, each with whether it gets the full parse."""
    plan = plan_sentences(doc, forms)
    return runs_of(doc, plan.sentences, plan.flags())


def _flat(span: Span) -> Doc:
    """An unparsed sentence as its own Doc, shaped like a parse where the coder's memory reads it.

    The ruler's names are kept, tagged as proper nouns, their words attached to their last word
    (as the parser attaches "Sergei" to "Lavrov"), so that a name's root is its surname; every
    other word and every name hangs from the first word, so the merged paragraph reads the
    sentence as one.
    """
    piece = span.as_doc()
    if len(piece):
        _flatten(piece, [(0, len(piece))])
    return piece


def _flatten(doc: Doc, sentences: list[tuple[int, int]]) -> None:
    """Give ``doc`` the flat shape of ``_flat``, sentence by sentence (token ranges), in place."""
    strings = doc.vocab.strings
    dep, root_dep, compound = strings.add("dep"), strings.add("ROOT"), strings.add("compound")
    propn, nnp = strings.add("PROPN"), strings.add("NNP")
    heads, deps = list(range(len(doc))), [dep] * len(doc)
    tags = [(0, 0)] * len(doc)
    ents = list(doc.ents)
    for start, end in sentences:
        # the root: the first word, or the last word of a name the sentence starts with (no cycles)
        first = next((e for e in ents if e.start == start and e.end <= end), None)
        root = first.end - 1 if first is not None else start
        for i in range(start, end):
            heads[i] = root
        deps[root] = root_dep
    for ent in ents:
        for token in ent:
            tags[token.i] = (propn, nnp)
            if token.i != ent.end - 1:
                heads[token.i], deps[token.i] = ent.end - 1, compound
    # spaCy stores heads relative to the token, as unsigned 64-bit integers: negatives wrap around
    rows = [[(head - i) % 2**64, deps[i], *tags[i]] for i, head in enumerate(heads)]
    doc.from_array([HEAD, DEP, POS, TAG], numpy.array(rows, dtype="uint64"))


def assemble(doc: Doc, runs: list[tuple[Span, bool]], parsed: Iterator[Doc]) -> Doc:
    """The paragraph's Doc again: parsed runs from ``parsed`` (in order), the others flat."""
    if not runs:
        return doc  # an empty paragraph
    if len(runs) == 1 and runs[0][1]:
        return next(parsed)
    if not any(flag for _, flag in runs):
        # nothing to parse: flatten the paragraph's own Doc, sentence by sentence, rather than
        # copy each sentence out and merge the copies back (the same Doc, a third of the cost)
        _flatten(doc, [(span.start, span.end) for span, _ in runs])
        return doc
    pieces = [next(parsed) if flag else _flat(span) for span, flag in runs]
    merged = Doc.from_docs(pieces, ensure_whitespace=False, exclude=["tensor", "user_data"])
    assert merged.text == doc.text, "fast parse changed the paragraph text"
    return merged
