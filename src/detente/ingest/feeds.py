"""RSS and Atom feeds: one ``Article`` per entry, via feedparser (given bytes, never a URL).

An entry's text is its full content when the feed carries it, else its summary, with the
HTML reduced to plain paragraphs. A feed that is not well-formed XML yields one ``Failure``
naming the parser error *and* whatever entries feedparser recovered, so a single stray ``&``
does not cost a day of news.

>>> rss = b'<rss version="2.0"><channel><title>Wire</title><item><guid>w1</guid>'
>>> rss += b'<description>Kerry met Lavrov.</description></item></channel></rss>'
>>> [(a.doc_id, a.text, a.source) for a in read_feed(rss, "wire.xml")]
[('w1', 'Kerry met Lavrov.', 'Wire')]
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from detente.ingest.readers import content_id, parse_published
from detente.records import Article, Failure

_FEED_SNIFF = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*|<\?[^>]*\?>\s*)*<(?:rss|feed|rdf:RDF)\b",
    re.S | re.I,
)
_BLOCKS = frozenset(
    "p div section article header footer aside blockquote figure figcaption li ul ol dl dt dd "
    "h1 h2 h3 h4 h5 h6 pre table tr hr address main nav".split()
)
_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})


def looks_like_feed(data: bytes) -> bool:
    """Does the document start like RSS (``<rss``), Atom (``<feed``) or RSS 1.0 (``<rdf:RDF``)?

    >>> looks_like_feed(b'<?xml version="1.0"?>\\n<feed xmlns="http://www.w3.org/2005/Atom">')
    True
    """
    return bool(_FEED_SNIFF.match(data[:4096]))


def fragment_to_text(fragment: str) -> str:
    """An HTML fragment (a feed entry's content) → plain text, blocks separated by blank lines.

    lxml is used rather than trafilatura because trafilatura is built for whole pages and
    discards short fragments as boilerplate; a two-sentence feed summary is the article here.

    >>> fragment_to_text("<p>Kerry met <b>Lavrov</b>.</p><p>Talks went on.<br>Late.</p>")
    'Kerry met Lavrov.\\n\\nTalks went on.\\nLate.'
    """
    if "<" not in fragment:
        return _tidy(fragment)
    import lxml.html  # trafilatura depends on lxml, so it is always installed with detente

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml rejects some junk outright; fall back to stripping tags
        return _tidy(re.sub(r"<[^>]*>", " ", fragment))
    parts: list[str] = []
    try:
        _collect(root, parts)
    except RecursionError:  # thousands of nested tags: give up on the structure, keep the words
        return _tidy(" ".join(root.itertext()))
    return _tidy("".join(parts))


def _collect(element: Any, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _DROP or not tag:  # comments and processing instructions carry no prose
        return
    block = tag.lower() in _BLOCKS
    if block:
        parts.append("\n\n")
    if tag.lower() == "br":
        parts.append("\n")
    parts.append(element.text or "")
    for child in element:
        _collect(child, parts)
        parts.append(child.tail or "")
    if block:
        parts.append("\n\n")


def _tidy(text: str) -> str:
    """Collapse spaces inside lines and runs of blank lines, keeping paragraph breaks."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.replace("\r", "\n")):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def _detail_text(detail: Any, fallback: str) -> str:
    if detail and "html" in str(detail.get("type", "")):
        return fragment_to_text(str(detail.get("value") or ""))
    return _tidy(str((detail.get("value") if detail else fallback) or ""))


def _entry_text(entry: Any) -> str:
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    for detail in sorted(contents, key=lambda c: len(c.get("value") or ""), reverse=True):
        text = _detail_text(detail, "")
        if text:
            return text
    return _detail_text(entry.get("summary_detail"), entry.get("summary") or "")


def _entry_date(entry: Any) -> date | None:
    # The date as the feed wrote it first: feedparser's *_parsed are converted to UTC,
    # which moves a late-evening American story to the next day.
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            try:
                return parse_published(raw)
            except ValueError:
                pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except (ValueError, AttributeError):
                pass
    return None


def read_feed(data: bytes, name: str) -> Iterator[Article | Failure]:
    """Every entry of an RSS/Atom document; ``where`` of an entry is ``name#entry N`` (from 1)."""
    import feedparser

    try:
        # A stream, not bytes: feedparser would try to open bytes that look like a path.
        feed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    except Exception as err:  # noqa: BLE001 - a parser crash on one feed must not stop a batch
        yield Failure(name, f"feed could not be parsed ({type(err).__name__}: {err})")
        return
    entries = list(feed.get("entries") or [])
    problem = feed.get("bozo_exception") if feed.get("bozo") else None
    # A mislabelled character encoding is repaired by feedparser and loses nothing.
    if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
        if entries:
            yield Failure(name, f"feed is not well-formed ({problem}); the {len(entries)} entries recovered are read")
        else:
            yield Failure(name, f"not a readable RSS or Atom feed ({problem})")
            return
    if not entries:
        yield Failure(name, "feed has no entries")
        return
    source = _tidy(str(feed.get("feed", {}).get("title") or "")) or None
    for number, entry in enumerate(entries, start=1):
        where = f"{name}#entry {number}"
        try:
            yield _entry_article(entry, where, source)
        except Exception as err:  # noqa: BLE001 - one odd entry must not lose the rest of the feed
            yield Failure(where, f"entry could not be read ({type(err).__name__}: {err})")


def _entry_article(entry: Any, where: str, source: str | None) -> Article | Failure:
    text = _entry_text(entry)
    if not text.strip():
        return Failure(where, "feed entry has no text (neither content nor summary)")
    title = _detail_text(entry.get("title_detail"), entry.get("title") or "") or None
    source_id = str(entry.get("id") or "").strip() or None
    link = str(entry.get("link") or "").strip() or None
    published = _entry_date(entry)
    return Article(
        doc_id=source_id or link or content_id(text),
        text=text,
        title=title,
        published=published,
        url=link,
        source=source,
        published_from="feed" if published else None,
        source_id=source_id,
        origin=where,
    )
