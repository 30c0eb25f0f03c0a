"""Panels and event queries over a small hand-made store whose counts we know (mention level:
the mechanics of counting; tests/dedup covers canonical events)."""

from __future__ import annotations

from datetime import date

import pytest
from support import make_article, make_event

from detente.query import Dataset, EventFilter, FilterError
from detente.store import Store, StoredArticle


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("panel") / "events.duckdb"
    stories = {
        # article id: (published, events)
        "jan": ("2016-01-10", [
            make_event("jan", "CONSULT", "USA", "RUS", "2016-01-09", quad=1, scale=1.0),
            make_event("jan", "ACCUSE", "RUS", "USA", "2016-01-09", quad=3, scale=-3.0, sentence=1),
            make_event("jan", "ASSAULT", "SYR", "SYR", "2016-01-08", quad=4, scale=-9.0, sentence=2, place="Aleppo"),
        ]),
        "mar": ("2016-03-24", [
            make_event("mar", "CONSULT", "USA", "RUS", "2016-03-24", quad=1, scale=1.0),
            make_event("mar", "CONSULT", "USA", "RUS", "2016-03-23", quad=1, scale=1.0, sentence=1),
            make_event("mar", "AGREE", "USA", "RUS", "2016-03", quad=1, scale=4.0, sentence=2, granularity="month"),
            make_event("mar", "COERCE", "RUS", "UKR", "2016-03-22", quad=4, scale=-7.0, sentence=3),
            make_event("mar", "CONCEDE", "RUS", "UKR", "2016-03-25", quad=2, sentence=4, modality="speculative"),
        ]),
        "mar2": ("2016-03-30", []),
        "apr": ("2016-04-02", [make_event("apr", "SANCTION", "USA", "RUS", "2016", quad=4, scale=-5.0, granularity="year")]),
    }
    with Store.open(path) as store:
        batch = [StoredArticle(make_article(doc, published), events, "coded") for doc, (published, events) in stories.items()]
        store.add_articles(batch, "run", "detente-test", "none")
    with Dataset.open(path) as opened:
        yield opened


def as_rows(frame, *columns):
    frame = frame.copy()
    frame["period"] = frame["period"].dt.strftime("%Y-%m-%d")
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


def test_dyad_month_panel_is_zero_filled_and_counts_asserted_events(data):
    panel = data.panel(level="mention", unit="dyad", freq="month")
    usa_rus = panel[(panel.actor == "USA") & (panel.recipient == "RUS")]
    assert as_rows(usa_rus, "period", "events", "articles") == [
        ("2016-01-01", 1, 1),
        ("2016-02-01", 0, 0),   # a month with no news is still in the panel
        ("2016-03-01", 3, 2),   # two consults (day dates) + the agreement dated to March
        # the sanction dated only to 2016 cannot be put in a month; April has one article
    ]
    rus_ukr = panel[(panel.actor == "RUS") & (panel.recipient == "UKR")]
    assert rus_ukr.events.tolist() == [0, 0, 1], "the speculative concession is not counted"
    units = {(a, r) for a, r in zip(panel.actor, panel.recipient, strict=True)}
    assert units == {("USA", "RUS"), ("RUS", "USA"), ("SYR", "SYR"), ("RUS", "UKR")}
    assert len(panel) == len(units) * 3  # every unit has every month from January to March


def test_day_panels_take_only_day_dated_events_and_year_panels_take_all(data):
    day = data.panel(level="mention", unit="dyad", freq="day", dyad="USA-RUS")
    assert day.events.sum() == 3
    assert len(day) == 23 + 29 + 24, "every day from the dyad's first event (9 January) to its last (24 March)"
    year = data.panel(level="mention", unit="dyad", freq="year", dyad="USA-RUS")
    assert as_rows(year, "period", "events", "articles") == [("2016-01-01", 5, 4)]


def test_since_and_until_set_the_periods(data):
    panel = data.panel(level="mention", unit="actor", freq="month", since=date(2015, 12, 1),
                       until=date(2016, 4, 30))
    usa = panel[panel.actor == "USA"]
    assert as_rows(usa, "period", "events") == [
        ("2015-12-01", 0), ("2016-01-01", 1), ("2016-02-01", 0), ("2016-03-01", 3), ("2016-04-01", 0),
    ]


def test_country_panel_counts_an_event_once_per_country_involved(data):
    panel = data.panel(level="mention", unit="country", freq="year")
    counts = dict(zip(panel.country, panel.events, strict=True))
    assert counts == {"RUS": 7, "SYR": 1, "UKR": 1, "USA": 6}


def test_quad_counts_and_intensity(data):
    quads = data.panel(level="mention", unit="dyad", freq="year", measure="quad-counts", dyad="RUS-USA")
    assert as_rows(quads, "q1_verbal_coop", "q3_verbal_conflict", "q4_material_conflict") == [(0, 1, 0)]
    intensity = data.panel(level="mention", unit="dyad", freq="month", measure="intensity", dyad="USA-RUS")
    march = intensity[intensity.period.dt.month == 3].iloc[0]
    assert march.intensity_sum == 6.0 and march.intensity_mean == 2.0


def test_place_panel_uses_where_it_happened(data):
    panel = data.panel(level="mention", unit="place", freq="year")
    assert as_rows(panel, "period", "country", "events") == [("2016-01-01", "SYR", 1)]


def test_event_filters(data):
    assert len(data.events(level="mention", dyad="USA-RUS")) == 5
    assert len(data.events(level="mention", dyad="RUS-USA", undirected=True)) == 6
    assert data.events(level="mention", actor="RUS", types="COERCE ACCUSE").event.tolist() == ["ACCUSE", "COERCE"]
    assert len(data.events(level="mention", quad=4)) == 3
    assert len(data.events(level="mention", modalities=())) == 9
    assert data.events(level="mention", text="sentence 3").event.tolist() == ["COERCE"]
    assert data.events(level="mention", actor=":GOV", since=date(2016, 3, 23)).date.tolist() == ["2016-03-23", "2016-03-24"]
    polars = data.events(level="mention", dyad="USA-RUS", as_="polars")
    assert polars.height == 5


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"types": "ATTACK"}, "unknown event type ATTACK"),
        ({"dyad": "USA"}, "ACTOR-RECIPIENT"),
        ({"quad": 5}, "quads are 1"),
        ({"modalities": "maybe"}, "unknown modality"),
    ],
)
def test_meaningless_filters_are_refused_with_the_reason(data, conditions, message):
    with pytest.raises(FilterError, match=message):
        data.events(level="mention", **conditions)


def test_filter_sql_is_parameterised():
    where, params = EventFilter(text="'; DROP TABLE events; --").sql()
    assert "DROP" not in where and params[0] == "%';%"
