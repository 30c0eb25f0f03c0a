"""Markdown → readable plain text, so the layout splitter and the parser see prose, not markup.

Headings, emphasis, links, images, code fences, block quotes, list bullets, tables and
inline HTML lose their markup; paragraphs stay separated by blank lines (the layout splitter
finds headline, byline and body paragraphs from them). The first ``# heading`` becomes the
title and stays in the text as its first paragraph, so the splitter still sees a headline.

>>> markdown_to_text("# Talks end\\n\\nThe **two** sides [met](http://x.org) in *Geneva*.")
('Talks end', 'Talks end\\n\\nThe two sides met in Geneva.')
"""

from __future__ import annotations

import html
import re

from detente.ingest.readers import decode_text
from detente.records import Article, Failure

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_HTML_BLOCK = re.compile(r"^[ \t]*<!--.*?-->[ \t]*$")

# Spans are bounded ({1,500} and the like) so that a long line of unmatched "*" or "[" stays linear.
_INLINE = [
    (re.compile(r"!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)"), ""),  # images: alt text is not article prose
    (re.compile(r"!\[([^\]\n]{0,500})\]\[[^\]\n]{0,500}\]"), ""),
    (re.compile(r"\[\^[^\]\n]{1,100}\]"), ""),  # footnote markers
    (re.compile(r"\[([^\]\n]{1,500})\]\((?:[^()\n]|\([^()\n]*\)){0,2000}\)"), r"\1"),  # [text](url "title")
    (re.compile(r"\[([^\]\n]{1,500})\]\[[^\]\n]{0,500}\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolinks keep their address
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]{0,2000})?/?>"), ""),  # inline HTML tags
    (re.compile(r"(`+)(.{1,2000}?)\1", re.S), r"\2"),
    (re.compile(r"(\*\*|__)(?=\S)(.{1,500}?)(?<=\S)\1"), r"\2"),
    (re.compile(r"~~(?=\S)(.{1,500}?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.{1,500}?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w])_(?=[^\s_])(.{1,500}?)(?<=[^\s_])_(?!\w)"), r"\1"),  # not snake_case
]
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_PRIVATE = 0xE000  # escaped characters hide in the Private Use Area while markup is removed


def _strip_comments(text: str) -> str:
    """Drop ``<!-- ... -->`` with str.find: a regex rescans the line from every unclosed opener."""
    out, pos = [], 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        out.append(text[pos:start])
        pos = end + 3
    out.append(text[pos:])
    return "".join(out)


def _inline(text: str) -> str:
    text = _strip_comments(text)
    text = _ESCAPE.sub(lambda m: chr(_PRIVATE + ord(m.group(1))), text)
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    text = re.sub("[\ue000-\ue0ff]", lambda m: chr(ord(m.group()) - _PRIVATE), text)
    return html.unescape(text)


def _front_matter(lines: list[str]) -> tuple[str | None, int]:
    """A leading ``---`` YAML block (Jekyll, Hugo): its ``title:`` and the lines it spans."""
    if not lines or lines[0].strip() != "---":
        return None, 0
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            title = None
            for line in lines[1:end]:
                m = re.match(r"^title:\s*(.+?)\s*$", line)
                if m:
                    title = m.group(1).strip("'\"") or None
            return title, end + 1
    return None, 0


def markdown_to_text(markdown: str) -> tuple[str | None, str]:
    """Markdown → ``(title, text)``: the first level-1 heading (or front-matter title) and prose."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title, start = _front_matter(lines)
    h1: str | None = None
    paragraphs: list[str] = []
    current: list[str] = []
    fence: str | None = None

    def close() -> None:
        # Soft line breaks are spaces; a hard break (two trailing spaces or a backslash)
        # stays a line break, as in "By Staff  \nMarch 24, 2016".
        out = ""
        for line in current:
            hard = line.endswith("  ") or line.rstrip(" ").endswith("\\")
            part = " ".join(_inline(line.rstrip(" ").removesuffix("\\")).split())
            if part:
                out += part + ("\n" if hard else " ")
        if out.strip():
            paragraphs.append(out.strip())
        current.clear()

    for line in lines[start:]:
        if fence is not None:  # inside a code fence: keep the lines, drop the markers
            if line.strip().startswith(fence):
                fence = None
                close()
            elif line.strip():
                current.append(line.strip())
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            close()
            fence = fence_match.group(1)
            continue
        stripped = _QUOTE.sub("", line)
        if not stripped.strip() or _RULE.match(stripped) and not current:
            close()
            continue
        setext = _SETEXT.match(stripped)
        if setext and current:
            heading = _inline(" ".join(current)).strip()
            current.clear()
            if setext.group(1)[0] == "=" and h1 is None:
                h1 = heading
            paragraphs.append(heading)
            continue
        if _RULE.match(stripped):
            close()
            continue
        atx = _ATX.match(stripped)
        if atx:
            close()
            heading = _inline(atx.group(2) or "").strip()
            if heading:
                if len(atx.group(1)) == 1 and h1 is None:
                    h1 = heading
                paragraphs.append(heading)
            continue
        if _LINK_DEF.match(stripped) or _TABLE_RULE.match(stripped) or _HTML_BLOCK.match(stripped):
            continue
        bullet = _BULLET.match(stripped)
        if bullet:  # each list item is a statement of its own: give it its own paragraph
            close()
            stripped = stripped[bullet.end():]
        if stripped.strip().startswith("|") or stripped.count("|") >= 2:
            cells = [c.strip() for c in stripped.strip().strip("|").split("|")]
            stripped = ", ".join(c for c in cells if c)
            close()
            current.append(stripped)
            close()
            continue
        current.append(stripped)
    close()
    return h1 or title, "\n\n".join(paragraphs)


def read_markdown(data: bytes, where: str, doc_id: str | None = None) -> Article | Failure:
    """A Markdown file → one ``Article`` (doc_id: the given id, else the hash of the text)."""
    from detente.ingest.readers import content_id

    raw = decode_text(data, where)
    if isinstance(raw, Failure):
        return raw
    title, text = markdown_to_text(raw)
    if not text.strip():
        return Failure(where, "Markdown file has no text once its markup is removed")
    return Article(doc_id=doc_id or content_id(text), text=text, title=title, origin=where)
