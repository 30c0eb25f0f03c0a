"""The dashboard in a real browser (Debian's chromium, headless), over the real app and a DuckDB
store holding the demo corpus: the views render, filters and brushing narrow them, an event
opens with its evidence highlighted, reviews are recorded, and stored text never runs as code.

Every page refuses requests beyond 127.0.0.1 and the tests assert that none was attempted.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import httpx
import pytest

from detente.jobs.ingest import ingest
from detente.store import Store
from detente.web.app import create_app
from web.browser import chromium_path, launch, open_page, serve

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "src" / "detente" / "samples" / "corpus"
ARTIFACTS = ROOT / "tests" / "artifacts"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "kerry-putin-moscow-2016-03-24.txt"
PWN = "window.__pwned=1"
PAYLOADS = (
    f"<script>{PWN}</script>",
    f'<img src=x onerror="{PWN}">',
    f'<svg onload="{PWN}"></svg>',
    f'"><iframe src="javascript:{PWN}"></iframe>',
    "{{constructor.constructor('alert(1)')()}}",
)
# An article that codes (a CONSULT, USA→RUS, Geneva, 2016-04-11) and is laced with markup.
HOSTILE = {
    "id": "xss-1",
    "title": f"Kerry meets Lavrov {PAYLOADS[0]} in Geneva {PAYLOADS[1]}",
    "source": f"<b onmouseover=\"{PWN}\">Evil Wire</b>",
    "url": f"javascript:{PWN}",
    "published": "2016-04-11",
    "text": (f"GENEVA {PAYLOADS[0]} — U.S. Secretary of State John Kerry met Russian Foreign Minister Sergei Lavrov "
             f"in Geneva on Monday. {PAYLOADS[1]}\n\nKerry met Lavrov in Geneva on Monday {PAYLOADS[2]} to discuss "
             f"the ceasefire in Syria.\n\nLavrov said the talks were useful. {PAYLOADS[3]} {PAYLOADS[4]}"),
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, nlp):
    store = Store.open(tmp_path_factory.mktemp("dashboard") / "demo.duckdb")
    ingest(store, [str(CORPUS)])
    store.con.execute("CHECKPOINT")  # the file is complete: extra_store starts from a copy of it
    yield store
    store.close()


@pytest.fixture(scope="module")
def extra_store(demo_store, tmp_path_factory):
    """The demo corpus plus the hostile article and, when present, the seed article."""
    folder = tmp_path_factory.mktemp("dashboard-extra")
    shutil.copy(demo_store.path, folder / "extra.duckdb")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", "utf-8")
    store = Store.open(folder / "extra.duckdb")
    ingest(store, [str(hostile)])
    if SEED.is_file():
        ingest(store, [str(SEED)], published=date(2016, 3, 24))
    yield store
    store.close()


@pytest.fixture(scope="module")
def browser():
    if not chromium_path():
        pytest.skip("chromium is not on PATH: the browser tests drive Debian's chromium (`make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def demo_url(demo_store):
    with serve(create_app(demo_store)) as url:
        yield url


@pytest.fixture(scope="module")
def extra_url(extra_store):
    with serve(create_app(extra_store)) as url:
        yield url


@pytest.fixture
def dashboard(browser):
    """``page, watch = dashboard(url)``: the dashboard loaded, with its problems watched."""
    pages = []

    def load(url):
        page, watch = open_page(browser)
        pages.append(page)
        page.goto(url)
        wait_ready(page, 0)
        return page, watch

    yield load
    for page in pages:
        page.context.close()


def loads(page) -> int:
    return int(page.get_attribute("body", "data-loads") or 0)


def wait_ready(page, after: int) -> int:
    """Wait until every view has been refreshed more than ``after`` times."""
    page.wait_for_function(
        "n => document.body.dataset.state === 'ready' && Number(document.body.dataset.loads) > n", arg=after)
    return loads(page)


def rows(page):
    return page.locator("#events-table tbody tr[data-id]")


def open_event(page, row):
    row.locator("button.open").click()
    page.wait_for_selector("#detail[data-state=ready] .article-text")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


def detail_of(url: str, event_id: str) -> dict:
    return httpx.get(f"{url}/api/events/{event_id}", timeout=10).json()


def test_dashboard_on_the_demo_corpus(dashboard, demo_url):
    page, watch = dashboard(demo_url)
    for view in ("#timeline", "#network", "#map"):
        assert page.locator(f"{view} canvas").count() >= 1, f"{view} has no canvas"
    total = httpx.get(f"{demo_url}/api/events", params={"limit": 1}).json()["total"]
    assert rows(page).count() == min(50, total) and page.inner_text(".page-status").endswith(f"of {total} events")

    # the map: every country the API names is an outline of the atlas, and no ring crosses ±180°
    countries = httpx.get(f"{demo_url}/api/map").json()["countries"]
    regions = page.evaluate("window.detente.views.map.geojson.features.map(f => f.properties.name)")
    assert {c["country"] for c in countries} <= set(regions)
    streaks = page.evaluate("""window.detente.views.map.geojson.features.flatMap(f =>
        (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat()
          .filter(ring => ring.some((p, i) => Math.abs(p[0]) > 180 || (i && Math.abs(p[0] - ring[i - 1][0]) > 180)))
          .map(() => f.properties.name))""")
    assert streaks == [], "rings crossing the antimeridian"

    # brushing the timeline sets the date filter and narrows the table
    before = loads(page)
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] * 0.6
    page.mouse.move(box["x"] + box["width"] * 0.78, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.97, y, steps=8)
    page.mouse.up()
    wait_ready(page, before)
    since, until = page.input_value("#f-since"), page.input_value("#f-until")
    assert since and until and since < until
    dates = rows(page).locator("button.open").all_inner_texts()
    assert dates and all(since[:len(d)] <= d <= until for d in dates)

    # one dyad, then one type
    before = loads(page)
    page.click("#reset")
    before = wait_ready(page, before)
    assert page.input_value("#f-since") == "" and rows(page).count() == min(50, total)
    page.fill("#f-dyad", "usa-rus")
    page.press("#f-dyad", "Enter")
    before = wait_ready(page, before)
    assert "dyad=USA-RUS" in page.url
    parties = rows(page).locator("td.party .code").all_inner_texts()
    assert parties and all(a.startswith("USA") for a in parties[0::2]) and all(r.startswith("RUS") for r in parties[1::2])
    # the views count the same events: meetings stored as RUS→USA belong to USA-RUS too
    located = {p["place"] for p in httpx.get(f"{demo_url}/api/map").json()["points"]}
    listed = {place for place in rows(page).locator("td.place").all_inner_texts() if place in located}
    drawn = page.evaluate("window.detente.views.map.chart.getOption().series[1].data.map(d => d.name)")
    assert listed and listed == set(drawn)
    page.select_option("#f-type", "CONSULT")
    wait_ready(page, before)
    bars = page.evaluate("window.detente.views.timeline.chart.getOption().series.flatMap(s => s.data)")
    assert sum(bars) == rows(page).count() >= 2
    consult = rows(page).filter(has=page.locator("td.type", has_text="CONSULT")).first
    event_id = consult.get_attribute("data-id")
    open_event(page, consult)

    # the evidence: the trigger, actor and recipient of the shown mention are marked in the article
    detail = detail_of(demo_url, event_id)
    shown = next(m for m in detail["mentions"] if m["event_id"] == detail["event"]["event_id"])
    evidence = shown["evidence"]
    assert page.inner_text("#detail .article-text mark.ev-trigger") == evidence["trigger"]["text"]
    assert page.inner_text("#detail .article-text mark.ev-actor") == evidence["actor"]["text"]
    assert page.inner_text("#detail .article-text mark.ev-recipient") == evidence["recipient"]["text"]
    assert page.locator("#detail .legend mark").all_inner_texts() == ["Trigger", "Actor", "Recipient", "Date", "Place"]
    assert shown["rule"] in page.inner_text("#detail .event-facts")
    assert "independent source" in page.inner_text("#detail .event-facts")

    # a review is recorded and listed
    page.click("#detail button.verdict-correct")
    page.wait_for_selector("#detail .reviews li.verdict-correct")
    assert "Review saved" in page.inner_text("#detail .review-status")
    assert detail_of(demo_url, event_id)["reviews"][0]["verdict"] == "correct"
    screenshot(page, "dashboard-usa-rus.png")
    assert watch.clean(), watch.report()


def test_keyboard_and_a_token_for_reviews(dashboard, demo_store):
    with serve(create_app(demo_store, token="s3cret")) as url:
        page, watch = dashboard(f"{url}/#dyad=RUS-USA&type=AGREE")
        assert page.input_value("#f-dyad") == "RUS-USA" and page.input_value("#f-type") == "AGREE"
        first = rows(page).first.locator("button.open")
        first.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#detail[data-state=ready] .article-text mark.ev-trigger")
        assert page.evaluate("document.activeElement.id") == "detail-heading"

        page.fill("#detail textarea[name=note]", "checked against the wire")
        page.click("#detail button.verdict-wrong")
        token = page.locator("#detail .token-form input[type=password]")
        token.wait_for()
        token.fill("s3cret")
        token.press("Enter")
        page.wait_for_selector("#detail .reviews li.verdict-wrong")
        assert "checked against the wire" in page.inner_text("#detail .reviews")

        page.keyboard.press("Escape")
        assert page.locator("#detail").is_hidden()
        assert page.evaluate("document.activeElement.classList.contains('open')"), "focus returns to the row"
        # chromium logs the refused write itself; that one is expected, and nothing else
        watch.console_errors = [e for e in watch.console_errors if "401 (Unauthorized)" not in e]
        assert watch.clean(), watch.report()


def test_stored_markup_never_runs(dashboard, extra_url):
    page, watch = dashboard(f"{extra_url}/#since=2016-04-11&until=2016-04-11&dyad=USA-RUS&text=Geneva")
    hostile = rows(page)
    assert hostile.count() >= 1
    open_event(page, hostile.first)
    page.wait_for_selector("#detail .article-text mark.ev-trigger")
    text = page.inner_text("#detail .article-text")
    assert all(payload in text for payload in PAYLOADS[:2]), "the markup is shown as text"
    assert page.inner_text("#detail .article-title") == HOSTILE["title"]
    assert page.locator("#detail a[href^='javascript']").count() == 0

    page.check("input[name=level][value=mention]")
    page.wait_for_function("() => document.body.dataset.state === 'ready' && location.hash.includes('level=mention')")
    assert HOSTILE["source"] in page.inner_text("#events-table")
    # ECharts tooltips are HTML: the helper that feeds them escapes everything
    escaped = page.evaluate("p => import('/static/js/util.js').then(m => m.escapeHtml(p))", PAYLOADS[1])
    assert "<" not in escaped and ">" not in escaped

    assert page.evaluate("typeof window.__pwned") == "undefined"
    made = page.evaluate("""() => ({
        scripts: [...document.scripts].map(s => s.getAttribute('src')),
        elements: document.querySelectorAll('img, iframe, svg, object, embed').length,
        handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
                  .filter(n => n.startsWith('on')),
    })""")
    assert all(src and src.startswith("/static/") for src in made["scripts"]), made
    assert made["elements"] == 0 and made["handlers"] == [], made
    assert watch.clean(), watch.report()


def test_the_seed_article_kerry_putin_consult(dashboard, extra_url, extra_store):
    if not SEED.is_file():
        pytest.skip("../shared/seed is not present: the seed article is evaluation material kept outside the repo")
    [(seed_id,)] = extra_store.con.execute(
        "SELECT article_id FROM articles WHERE origin LIKE ?", [f"%{SEED.name}%"]).fetchall()
    page, watch = dashboard(f"{extra_url}/#dyad=USA-RUS&type=CONSULT&since=2016-03-24&until=2016-03-24")
    found = None
    for cluster in rows(page).evaluate_all("rows => rows.map(r => r.dataset.id)"):
        for mention in detail_of(extra_url, cluster)["mentions"]:
            if (mention["article_id"] == seed_id and mention["actor_code"] == "USA" and mention["recipient_code"] == "RUS"
                    and "Putin" in (mention["recipient_text"] or "") and mention["date_value"] == "2016-03-24"):
                found = found or (cluster, mention)
    assert found, "no USA→RUS CONSULT with Putin from the seed article on 2016-03-24"
    cluster, mention = found
    open_event(page, rows(page).and_(page.locator(f"[data-id='{cluster}']")))
    choice = page.locator(f"#detail button.mention-choice[data-event-id='{mention['event_id']}']")
    if choice.count():
        choice.click()
    evidence = mention["evidence"]
    page.wait_for_function(
        "t => document.querySelector('#detail .article-text mark.ev-trigger')?.textContent === t",
        arg=evidence["trigger"]["text"])
    marks = {role: page.locator(f"#detail .article-text mark.ev-{role}").all_inner_texts()
             for role in ("actor", "recipient", "date", "place")}
    for role, texts in marks.items():
        if evidence.get(role):
            assert texts == [evidence[role]["text"]], (role, texts)
    page.locator("#detail .article-text mark.ev-trigger").scroll_into_view_if_needed()
    screenshot(page, "dashboard-seed-consult.png")
    assert watch.clean(), watch.report()
