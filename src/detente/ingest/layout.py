"""Split an article into headline, subheads, byline, dateline and body paragraphs.

spaCy glues a headline, a subhead and a byline into one "sentence" with the first body
sentence, and a headline is not a report of a separate event. So the layout is found first,
from line structure alone, and only body paragraphs are parsed. Offsets stay those of the
original text.

>>> a = Article("d1", "Talks end\\n\\nBy Staff Writer March 24, 2016\\n\\nThe two sides met.")
>>> [s.kind.value for s in split_layout(a).sections]
['headline', 'byline', 'body']
>>> a.published
datetime.date(2016, 3, 24)
"""

from __future__ import annotations

import re
from datetime import date, datetime

from detente.records import Article, Section, SectionKind

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# "March 24, 2016", "Mar. 24 2016", "24 March 2016", "2016-03-24"
_DATE_PATTERNS = [
    (re.compile(rf"\b({_MONTHS})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b"), ("month", "day", "year")),
    (re.compile(rf"\b(\d{{1,2}})\s+({_MONTHS})\.?,?\s+(\d{{4}})\b"), ("day", "month", "year")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)"), ("year", "monthnum", "day")),
]
_BYLINE = re.compile(r"^\s*(By|BY|Posted|Published|Updated)\b.{0,160}$")
# "MOSCOW, March 24 (Reuters) - " or "WASHINGTON — " at the start of the first paragraph.
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.'\- ]{1,30})?)"
    r"(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?))?"
    r"\s*(?:\((?P<agency>[^)]{1,40})\))?\s*[—–-]{1,2}\s+"
)
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)\]]\s*$")
_MAX_HEADLINE_WORDS = 30


def find_date(text: str) -> date | None:
    """The first full calendar date written in ``text``, if any."""
    for pattern, order in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        try:
            if "monthnum" in parts:
                return date(int(parts["year"]), int(parts["monthnum"]), int(parts["day"]))
            month_name = parts["month"][:3]
            month = datetime.strptime(month_name, "%b").month
            return date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            continue
    return None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of blank-line separated blocks, whitespace trimmed."""
    blocks = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text, flags=re.S):
        blocks.append((m.start(), m.end()))
    return blocks


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        line = m.group()
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            s = start + m.start() + lead
            out.append((s, s + len(stripped)))
    return out


def _looks_like_heading(line: str) -> bool:
    return len(line.split()) <= _MAX_HEADLINE_WORDS and not _SENTENCE_END.search(line)


def split_layout(article: Article) -> Article:
    """Fill ``article.sections`` and, when the caller gave no date, ``article.published``.

    The leading block (before the first body paragraph) is read line by line: a byline
    ("By ...") ends it; lines before the byline are the headline and subheads; without a
    byline, leading lines that do not end like a sentence are headings. Inside the body,
    a lone short line with no final punctuation is a crosshead (subhead).
    """
    text = article.text
    sections: list[Section] = []
    blocks = _paragraphs(text)
    leading: list[tuple[int, int]] = []
    for block in blocks:
        lines = _lines(text, *block)
        if any(_BYLINE.match(text[s:e]) for s, e in lines) or all(
            _looks_like_heading(text[s:e]) for s, e in lines
        ):
            leading.append(block)
            continue
        break
    body_blocks = blocks[len(leading):]
    if not body_blocks:
        # A text made only of heading-like lines (a one-line note, a headline feed) is all body.
        leading, body_blocks = [], blocks
    for s, e in (ln for b in leading for ln in _lines(text, *b)):
        if _BYLINE.match(text[s:e]):
            kind = SectionKind.BYLINE
        elif not sections:
            kind = SectionKind.HEADLINE
        else:
            kind = SectionKind.SUBHEAD
        sections.append(Section(kind, s, e))
    for n, (s, e) in enumerate(body_blocks):
        block_text = text[s:e]
        inside = 0 < n < len(body_blocks) - 1
        if inside and "\n" not in block_text and _looks_like_heading(block_text) and len(block_text.split()) <= 8:
            sections.append(Section(SectionKind.SUBHEAD, s, e))
            continue
        if n == 0 and (m := _DATELINE.match(block_text)) and m.end() < len(block_text):
            sections.append(Section(SectionKind.DATELINE, s, s + len(m.group().rstrip())))
            s = s + m.end()
        sections.append(Section(SectionKind.BODY, s, e))
    article.sections = sections
    if article.published is None:
        for sec in sections:
            if sec.kind in (SectionKind.BYLINE, SectionKind.DATELINE):
                found = find_date(text[sec.start : sec.end])
                if found:
                    article.published = found
                    article.published_from = sec.kind.value
                    break
    elif article.published_from is None:
        article.published_from = "caller"
    return article
