"""Event dates: a date expression found in the parse, resolved against the publication date.

>>> resolve_date_text("on March 22", date(2016, 3, 24))
('2016-03-22', <Granularity.DAY: 'day'>)
>>> resolve_date_text("late February", date(2016, 3, 24))
('2016-02', <Granularity.MONTH: 'month'>)
>>> resolve_date_text("in March 2014", date(2016, 3, 24))
('2014-03', <Granularity.MONTH: 'month'>)
>>> resolve_date_text("the target is August", date(2016, 3, 24), prefer="future")
('2016-08', <Granularity.MONTH: 'month'>)
>>> resolve_date_text("22 years", date(2016, 3, 24)) is None    # a duration, not a date
True
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

from detente.records import Granularity

_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH_ABBR = {m[:3]: i for i, m in enumerate(_MONTHS, 1)} | {"sept": 9}
# Durations and vague spans are not event dates: "22 years", "months", "the last 12 months".
_DURATION = re.compile(
    r"^(?:the\s+)?(?:(?:last|past|next|first|coming)\s+)?(?:\d+|a|an|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|several|few|many|some)?\s*(?:days?|weeks?|months?|years?|decades?|hours?)\b(?!\s+ago)",
    re.I,
)
_VAGUE = re.compile(r"\b(later date|future|recent|decades?|centur(?:y|ies)|era|period|time)\b", re.I)
_EDGE = re.compile(
    rf"^(?:(?:in|on|at|by|since|from|until|during|of)\s+)?(?:the\s+)?(?:(early|mid|late|end of|beginning of)[\s-]+)"
    rf"({'|'.join(_MONTHS)}|{'|'.join(_MONTH_ABBR)})\.?(?:\s+(\d{{4}}))?$",
    re.I,
)
_YEAR_ONLY = re.compile(r"^(?:(?:in|since|from|by|during|of|early|mid|late)[\s-]+)*(?:the\s+)?(?:year\s+)?((?:19|20)\d{2})$", re.I)
_LEADING = re.compile(r"^(?:(?:on|in|at|by|since|from|until|during|of|the)\s+)+", re.I)
_RELATIVE_UNIT = re.compile(r"^(?:(?:in|during|since)\s+)?(last|past|this|next|coming)\s+(year|month)$", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "on Thursday" in a Thursday story is that day: dateparser's past preference would go back a week.
_WEEKDAY = re.compile(rf"^(?:(?:on|last|this)\s+)?({'|'.join(_WEEKDAYS)})(?:\s+(?:morning|afternoon|evening|night))?$", re.I)


@functools.lru_cache(maxsize=64)
def _parser(base: date | None, prefer: str):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": False}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    return DateDataParser(languages=["en"], settings=settings)


def _month_only(month: int, year: int | None, base: date | None, prefer: str) -> str | None:
    if year is None:
        if base is None:
            return None
        year = base.year
        if prefer == "past" and month > base.month:
            year -= 1
        elif prefer == "future" and month < base.month:
            year += 1
    return f"{year:04d}-{month:02d}"


@functools.lru_cache(maxsize=8192)  # pure, and the same phrases recur ("on Tuesday" in a day's news)
def resolve_date_text(
    text: str, published: date | None, prefer: str = "past"
) -> tuple[str, Granularity] | None:
    """A date expression → (ISO value at its granularity, granularity), or None if it is no date.

    ``prefer`` says which way an underspecified date points: "past" for reported events,
    "future" for intentions and targets ("the target is August").
    """
    phrase = " ".join(text.split()).strip(" ,.;")
    phrase = re.sub(r"^the target is\s+", "", phrase, flags=re.I)
    if (m := _RELATIVE_UNIT.match(phrase)) and published is not None:
        step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[m[1].lower()]
        if m[2].lower() == "year":
            return f"{published.year + step:04d}", Granularity.YEAR
        month_index = published.year * 12 + published.month - 1 + step
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}", Granularity.MONTH
    if not phrase or _DURATION.match(phrase) or _VAGUE.search(phrase):
        return None
    if m := _YEAR_ONLY.match(phrase):
        return m[1], Granularity.YEAR
    if m := _EDGE.match(phrase):
        month = _MONTH_ABBR[m[2].lower()[:3]] if m[2].lower()[:4] != "sept" else 9
        year = int(m[3]) if m[3] else None
        value = _month_only(month, year, published, prefer)
        return (value, Granularity.MONTH) if value else None
    if (m := _WEEKDAY.match(phrase)) and published is not None:
        wanted = _WEEKDAYS.index(m[1].lower())
        shift = (published.weekday() - wanted) % 7
        day = published - timedelta(days=shift) if prefer == "past" else published + timedelta(days=(wanted - published.weekday()) % 7)
        return day.isoformat(), Granularity.DAY
    stripped = _LEADING.sub("", phrase)
    if published is None and not re.search(r"\b(?:19|20)\d{2}\b", stripped):
        return None  # "on Tuesday" means nothing without a reference date
    data = _parser(published, prefer).get_date_data(stripped)
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj.date()
    period = data.period or "day"
    if period == "year":
        return f"{found.year:04d}", Granularity.YEAR
    if period == "month":
        # dateparser keeps today's year for a bare month name: apply the tense preference instead.
        has_year = re.search(r"\b(?:19|20)\d{2}\b", stripped) is not None
        value = (
            f"{found.year:04d}-{found.month:02d}"
            if has_year
            else _month_only(found.month, None, published, prefer)
        )
        return (value, Granularity.MONTH) if value else None
    if period == "week":
        return found.isoformat(), Granularity.DAY
    return found.isoformat(), Granularity.DAY
