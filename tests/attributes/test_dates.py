from datetime import date

import pytest

from detente.attributes.dates import resolve_date_text
from detente.records import Granularity as G

PUB = date(2016, 3, 24)  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on March 22", ("2016-03-22", G.DAY)),
        ("in March 2014", ("2014-03", G.MONTH)),
        ("late February", ("2016-02", G.MONTH)),
        ("mid-March", ("2016-03", G.MONTH)),
        ("in early December", ("2015-12", G.MONTH)),  # past tense: last December
        ("in 2015", ("2015", G.YEAR)),
        ("last year", ("2015", G.YEAR)),
        ("last month", ("2016-02", G.MONTH)),
        ("yesterday", ("2016-03-23", G.DAY)),
        ("on Tuesday", ("2016-03-22", G.DAY)),
        ("Thursday night", ("2016-03-24", G.DAY)),  # the day of publication, not a week earlier
        ("Sept. 11, 2001", ("2001-09-11", G.DAY)),
    ],
)
def test_dates_resolve_against_the_publication_date(text, expected):
    assert resolve_date_text(text, PUB) == expected


def test_future_preference_for_targets_and_intentions():
    assert resolve_date_text("August", PUB, prefer="future") == ("2016-08", G.MONTH)
    assert resolve_date_text("August", PUB, prefer="past") == ("2015-08", G.MONTH)
    assert resolve_date_text("on Monday", PUB, prefer="future") == ("2016-03-28", G.DAY)


@pytest.mark.parametrize("text", ["22 years", "months", "the last 12 months", "a later date", "decades"])
def test_durations_and_vague_spans_are_not_dates(text):
    assert resolve_date_text(text, PUB) is None


def test_without_a_publication_date_only_absolute_dates_resolve():
    assert resolve_date_text("on Tuesday", None) is None
    assert resolve_date_text("in March 2014", None) == ("2014-03", G.MONTH)
    assert resolve_date_text("1999", None) == ("1999", G.YEAR)
