"""Markdown becomes readable prose with its paragraphs kept apart."""

from __future__ import annotations

from detente.ingest import iter_documents, split_layout
from detente.ingest.markdown import markdown_to_text
from detente.records import Failure

STORY = """---
title: "Front-matter title"
tags: [diplomacy]
---
# Kerry and Lavrov meet in Moscow

By Staff Writer, March 24, 2016

US Secretary of State **John Kerry** met Russian Foreign Minister
[Sergei Lavrov](https://example.org/lavrov "profile") in _Moscow_ on Thursday.

![Kerry and Lavrov shake hands](photo.jpg)

> "We agreed to work together," Kerry said.

## Syria

- The two sides discussed the `ceasefire` in Syria.
- They did not discuss snake_case or 2*3*4.

```text
Figures: 3 meetings
```

| Country | Delegates |
|---------|-----------|
| Russia  | 4         |

Talks continue \\*next week\\* [per the ministry][1] at <https://mid.example>.

[1]: https://mid.example/statement
"""


def test_markup_is_stripped_and_paragraphs_stay_separate():
    title, text = markdown_to_text(STORY)
    assert title == "Kerry and Lavrov meet in Moscow"
    assert text.split("\n\n") == [
        "Kerry and Lavrov meet in Moscow",
        "By Staff Writer, March 24, 2016",
        "US Secretary of State John Kerry met Russian Foreign Minister Sergei Lavrov in Moscow on Thursday.",
        '"We agreed to work together," Kerry said.',
        "Syria",
        "The two sides discussed the ceasefire in Syria.",
        "They did not discuss snake_case or 2*3*4.",
        "Figures: 3 meetings",
        "Country, Delegates",
        "Russia, 4",
        "Talks continue *next week* per the ministry at https://mid.example.",
    ]


def test_setext_headings_and_front_matter_titles():
    assert markdown_to_text("Talks end\n=========\n\nThe sides met.") == ("Talks end", "Talks end\n\nThe sides met.")
    assert markdown_to_text("---\ntitle: Only here\n---\nThe sides met.\n\n---\n\nAgain.") == (
        "Only here", "The sides met.\n\nAgain.")
    # a hard line break (two trailing spaces or a backslash) stays a line break
    assert markdown_to_text("By Staff Writer  \nMoscow bureau\\\nMarch 24") == (None, "By Staff Writer\nMoscow bureau\nMarch 24")
    assert markdown_to_text("Plain text, no markup at all.") == (None, "Plain text, no markup at all.")


def test_a_markdown_file_is_one_article_the_layout_splitter_understands(tmp_path):
    path = tmp_path / "kerry.md"
    path.write_text(STORY, encoding="utf-8")
    [doc] = iter_documents([str(path)])
    assert (doc.doc_id, doc.title, doc.origin) == ("kerry", "Kerry and Lavrov meet in Moscow", str(path))
    kinds = [s.kind.value for s in split_layout(doc).sections]
    assert kinds[:3] == ["headline", "byline", "body"]
    assert doc.published is not None and doc.published.isoformat() == "2016-03-24"  # from the byline


def test_markdown_with_only_markup_fails(tmp_path):
    path = tmp_path / "empty.markdown"
    path.write_text("![just a picture](x.png)\n\n---\n", encoding="utf-8")
    [doc] = iter_documents([str(path)])
    assert doc == Failure(str(path), "Markdown file has no text once its markup is removed")
