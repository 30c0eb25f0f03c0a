from datetime import date

from detente.ingest import find_date, split_layout
from detente.records import Article, SectionKind

WIRE = """Ministers meet in Oslo

Norway hosts talks on Arctic fishing
By Staff Reporter, 12 May 2015

OSLO (Illustrative Wire) - Fishing ministers from Norway and Iceland met in Oslo on Tuesday.

They agreed to share catch data.

Quotas

The talks continue next month.
"""


def kinds(article):
    return [s.kind for s in article.sections]


def test_headline_subhead_byline_and_body_are_separated():
    article = split_layout(Article("w1", WIRE))
    assert kinds(article)[:3] == [SectionKind.HEADLINE, SectionKind.SUBHEAD, SectionKind.BYLINE]
    bodies = [WIRE[s.start : s.end] for s in article.body_sections()]
    assert bodies[0].startswith("Fishing ministers")
    assert "They agreed to share catch data." in bodies


def test_dateline_is_split_off_and_crosshead_is_not_body():
    article = split_layout(Article("w1", WIRE))
    dateline = [s for s in article.sections if s.kind is SectionKind.DATELINE]
    assert WIRE[dateline[0].start : dateline[0].end].startswith("OSLO (Illustrative Wire)")
    assert "Quotas" not in [WIRE[s.start : s.end] for s in article.body_sections()]


def test_publication_date_comes_from_the_byline_when_the_caller_gives_none():
    article = split_layout(Article("w1", WIRE))
    assert article.published == date(2015, 5, 12)
    assert article.published_from == "byline"


def test_a_caller_date_wins_over_the_byline():
    article = split_layout(Article("w1", WIRE, published=date(2015, 5, 13)))
    assert article.published == date(2015, 5, 13)


def test_offsets_point_into_the_original_text():
    article = split_layout(Article("w1", WIRE))
    for section in article.sections:
        assert WIRE[section.start : section.end].strip() == WIRE[section.start : section.end]


def test_a_text_of_one_line_is_body():
    article = split_layout(Article("x", "Kerry met Putin in Moscow"))
    assert kinds(article) == [SectionKind.BODY]


def test_find_date_formats():
    assert find_date("By Jane Roe March 24, 2016") == date(2016, 3, 24)
    assert find_date("Posted 2 Feb 2014 by X") == date(2014, 2, 2)
    assert find_date("updated 2016-03-24T10:00") == date(2016, 3, 24)
    assert find_date("February 30, 2016") is None
