"""Attribution: who the text says reported an event, and whether it sits in a direct quote.

"'We agreed on a target schedule,' Kerry said": the event's source is the speaker, and
first-person pronouns inside the quote ("we") denote the speaker. A quote may run over several
sentences before its attribution ('"... The ceasefire allowed aid to reach them," he added.'),
so speakers are found per paragraph.

>>> speakers = paragraph_speakers(paragraph_doc, reporting_verbs)      # doctest: +SKIP
>>> speakers[0].text                                                    # doctest: +SKIP
'Kerry'
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

_QUOTES = '"“”'
_ACCORDING = ("according",)


def inside_quotes(text: str, start: int, char: int) -> bool:
    """Whether ``text[char]`` lies between an opening and a closing quotation mark, counting
    from ``start`` (the paragraph's start: quotes do not run across paragraphs here)."""
    return sum(text.count(q, start, char) for q in _QUOTES) % 2 == 1


def reporting_speaker(sentence: Span, reporting_verbs: frozenset[str]) -> Token | None:
    """The subject of a reporting verb that heads the sentence, or the object of "according to"."""
    for token in sentence:
        if token.lemma_.lower() in reporting_verbs and token.pos_ == "VERB":
            subj = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and token.dep_ in ("ROOT", "parataxis", "ccomp", "conj"):
                if subj[0].dep_ == "nsubjpass":
                    continue
                return subj[0]
        if token.lower_ in _ACCORDING and token.dep_ == "prep":
            objects = [g for c in token.children for g in c.children if c.lower_ == "to" and g.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def paragraph_speakers(doc: Doc, reporting_verbs: frozenset[str], sentences: list[Span] | None = None) -> list[Token | None]:
    """Per sentence of the paragraph, the speaker it is attributed to (or None).

    A sentence inside a quotation without an attribution of its own takes the speaker of the
    nearest attributed sentence of the same paragraph, later sentences first: quotes end with
    their attribution more often than they begin with it.
    """
    sentences = sentences if sentences is not None else list(doc.sents)
    text = doc.text  # Doc.text is rebuilt from the tokens on every access
    own = [reporting_speaker(s, reporting_verbs) for s in sentences]
    out: list[Token | None] = []
    for i, sent in enumerate(sentences):
        if own[i] is not None:
            out.append(own[i])
            continue
        quoted = any(ch in text[sent.start_char : sent.end_char] for ch in _QUOTES) or inside_quotes(
            text, 0, sent.start_char
        )
        if not quoted:
            out.append(None)
            continue
        later = next((own[j] for j in range(i + 1, len(sentences)) if own[j] is not None), None)
        earlier = next((own[j] for j in range(i - 1, -1, -1) if own[j] is not None), None)
        out.append(later or earlier)
    return out


def attributed(trigger: Token, reporting_verbs: frozenset[str]) -> bool:
    """Whether the trigger sits in the complement of a reporting verb (not in its adjuncts)."""
    node = trigger
    while node.head.i != node.i:
        if node.head.lemma_.lower() in reporting_verbs and node.dep_ in ("ccomp", "parataxis", "xcomp", "conj"):
            return True
        node = node.head
    return False
