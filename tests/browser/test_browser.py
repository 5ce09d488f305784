"""In a real browser: axe-core finds no violations, keyboard-only use works, styles load.

The app runs on the real content in a werkzeug server in a thread on 127.0.0.1 (port 0), and
Playwright drives Debian's chromium. Without /usr/bin/chromium the tests are skipped, except in
CI (the CI variable is set), where .ci/run installs it and its absence is a failure.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/webtools.py

from webtools import REAL_CONTENT, make_app, real_index, served_app  # noqa: E402

from kb.content.sources import default_source_dirs  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium: skipped when absent, but a failure in CI, which installs it."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI is set but /usr/bin/chromium is missing: .ci/run installs it with apt")
        pytest.skip(
            "/usr/bin/chromium finnes ikke: nettlesertestene hoppes over "
            "(installer Debians chromium for å kjøre dem)"
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def base_url():
    """The app on the real content, served by werkzeug in a thread on 127.0.0.1, port 0."""
    app = make_app(REAL_CONTENT, real_index(), sources=default_source_dirs())
    with served_app(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path):
    """A headless chromium for this module (closed after it, so other modules can start one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, base_url):
    """A fresh browser context that may use the clipboard."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    yield ctx
    ctx.close()


SCREENSHOTS = Path("/tmp/gode-grep-screenshots")
AXE_PAGES = {
    "forside": "/",
    "treff": "/sok?q=bosetting",
    "treff-med-filter": "/sok?q=bolig&tema=bosetting",
    "treff-side-2": "/sok?q=bolig&side=2",
    "rettet-sok": "/sok?q=bossetting",
    "grep": "/grep/kristiansund-foreldreskole",
    "historikk": "/grep/kristiansund-foreldreskole/historikk",
    "ingen-treff": "/sok?q=qqqxyzzyvv",
    "kart": "/kart",
    "kilder": "/kilder",
    "kilde": "/kilder/fafo-2015-08#L761-L773",
    "kilde-tekst": "/kilder/fafo-2015-08/del/2",
    "inngang": "/innganger/implementering",
    "om": "/om",
    "foresla": "/foresla",
    "foresla-redaktor": "/foresla/redaktor",
    "tilskudd": "/tilskudd",
    "tilskudd-startlan": "/tilskudd/startlan",
    "ressurspersoner": "/ressurspersoner",
    "kom-i-gang": "/kom-i-gang",
    "sok-inngang-fase": "/sok?inngang=verktoy&fase=oppstart",
    "finnes-ikke": "/finnes-ikke",
}
VIEWPORTS = {"bred": (1366, 900), "mobil": (390, 844)}


def violations(page) -> list[str]:
    """axe-core's violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"  # axe really ran
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
    ]


NEEDS_REPORTS = {"kilde-tekst"}  # a report's text part exists only when the report file does


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", sorted(AXE_PAGES))
def test_axe_finds_no_violations(browser, base_url, name, size, request):
    if name in NEEDS_REPORTS:
        request.getfixturevalue("seeds_dir")  # skips on a clone without ../shared/seeds
    width, height = VIEWPORTS[size]
    ctx = browser.new_context(base_url=base_url, viewport={"width": width, "height": height})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(AXE_PAGES[name])
    try:
        assert violations(page) == []
        # no CSP violations, no script errors (a 404 page logs its own status)
        assert [e for e in errors if "404" not in e] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    finally:
        ctx.close()


def phone(browser, base_url, javascript: bool = True):
    """A 390×844 context, as a common phone."""
    return browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )


def test_on_a_phone_the_first_hit_is_in_the_first_screen(browser, base_url):
    ctx = phone(browser, base_url)
    page = ctx.new_page()
    page.goto("/sok?q=bosetting")
    top = page.locator("ol.hits > li").first.bounding_box()["y"]
    assert 0 < top < 844
    assert not page.locator("aside.facets .facet").first.is_visible()  # behind «Filtrer»
    assert page.locator("details.filters > summary").inner_text().startswith("Filtrer")
    ctx.close()


def test_on_a_phone_the_filters_open_and_close_with_the_keyboard(browser, base_url):
    ctx = phone(browser, base_url)
    page = ctx.new_page()
    page.goto("/sok?q=bosetting&tema=bolig&type=grep")
    summary = page.locator("details.filters > summary")
    assert summary.inner_text() == "Filtrer (2 valgt)"
    facet = page.locator("aside.facets .facet").first
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('filter-summary')"):
            break
    else:
        raise AssertionError("Tab never reached «Filtrer»")
    page.keyboard.press("Enter")
    assert facet.is_visible() and page.locator("details.filters").get_attribute("open") == ""
    page.keyboard.press("Space")
    assert not facet.is_visible()
    ctx.close()


def test_on_a_phone_the_filters_open_and_close_without_javascript(browser, base_url):
    ctx = phone(browser, base_url, javascript=False)
    page = ctx.new_page()
    page.goto("/sok?q=bosetting")
    facet = page.locator("aside.facets .facet").first
    assert not facet.is_visible()
    page.click("details.filters > summary")
    assert facet.is_visible()
    page.locator("aside.facets a.facet-link", has_text="Bolig").first.click()
    page.wait_for_url("**tema=bolig**")
    assert page.locator("details.filters > summary").inner_text() == "Filtrer (1 valgt)"
    page.click("details.filters > summary")
    assert page.locator("aside.facets .facet").first.is_visible()
    page.click("details.filters > summary")
    assert not page.locator("aside.facets .facet").first.is_visible()
    ctx.close()


def test_wide_screens_show_the_filters_beside_the_hits_without_javascript(browser, base_url):
    ctx = browser.new_context(
        base_url=base_url, viewport={"width": 1366, "height": 900}, java_script_enabled=False
    )
    page = ctx.new_page()
    page.goto("/sok?q=bosetting")
    assert page.locator("aside.facets .facet").first.is_visible()
    assert not page.locator("details.filters > summary").is_visible()
    facets = page.locator("aside.facets").bounding_box()
    hits = page.locator("#treff").bounding_box()
    assert facets["x"] + facets["width"] <= hits["x"]  # side by side
    ctx.close()


def test_home_fits_a_320_px_screen(browser, base_url):
    ctx = browser.new_context(base_url=base_url, viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.tile, .card')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 320
    ctx.close()


def test_the_copy_buttons_have_distinct_accessible_names(context):
    page = context.new_page()
    page.goto("/grep/kristiansund-foreldreskole")
    names = page.eval_on_selector_all(
        ".copy-button", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(names) >= 2 and len(set(names)) == len(names)
    assert names[0] == "Kopier referansen til grepet"


def test_keyboard_only_search_filter_open_case_and_copy_citation(context):
    page = context.new_page()
    page.goto("/")

    def tab_to(predicate_js: str, limit: int = 200) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
                return
        raise AssertionError(f"Tab never reached an element where {predicate_js}")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    tab_to("el.id === 'q'")
    page.keyboard.type("bosetting")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sok?q=bosetting")
    assert page.locator("ol.hits > li").count() > 0
    tab_to("el.classList.contains('facet-link') && el.textContent.includes('Bolig')")
    page.keyboard.press("Enter")
    page.wait_for_url("**tema=bolig**")
    assert page.locator(".active-filters a.chip-active").count() == 1
    tab_to("el.closest && el.closest('.hit-case') !== null && el.tagName === 'A'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/grep/**")
    tab_to("el.classList.contains('copy-button')")
    page.keyboard.press("Enter")
    # A locator wait, not wait_for_function: polling a string needs eval, which the CSP forbids
    page.locator(".copy-status").filter(has_text=re.compile(r"\S")).wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = page.locator(".cite-text").first.get_attribute("data-copy")
    assert copied == expected and copied.startswith("Gode grep. (")


def test_focus_is_visible(context):
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    style = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    assert style == "rgb(255, 216, 77)"  # the yellow focus background


def test_pages_render_with_styles(context):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = context.new_page()
    css = []
    page.on("response", lambda r: css.append(r.status) if "/site.css?v=" in r.url else None)
    for name, url in AXE_PAGES.items():
        page.goto(url)
        header = page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        margin = page.evaluate("getComputedStyle(document.body).marginTop")
        assert header == "rgb(11, 58, 91)", name
        assert "system-ui" in font and margin == "0px", name
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    assert css and set(css) <= {200, 304} and 200 in css


def in_view(page, selector: str) -> bool:
    """True when the element's top edge is inside the viewport."""
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
    )


def test_a_cited_line_anchor_on_the_report_lands_on_its_part_and_lines(context, seeds_dir):
    page = context.new_page()
    page.goto("/kilder/fafo-2015-08#L763-L767")  # cited by kristiansund-foreldreskole
    page.wait_for_url("**/kilder/fafo-2015-08/del/*#L763-L767")
    page.wait_for_selector(".report-text .is-marked")
    spans = page.eval_on_selector_all(
        ".report-text .is-marked", "els => els.map(e => [+e.dataset.first, +e.dataset.last])"
    )
    assert spans and all(a <= 767 and b >= 763 for a, b in spans)
    assert in_view(page, ".report-text .is-marked")
    assert "cited" in page.get_attribute(".report-text .is-marked", "class")


def test_any_line_range_is_found_and_marked_by_the_script(context, seeds_dir):
    page = context.new_page()
    page.goto("/kilder/fafo-2015-08#L764-L766")
    page.wait_for_url("**/del/*#L764-L766")
    page.wait_for_selector(".report-text .is-marked")
    first, last = page.eval_on_selector(
        ".report-text .is-marked", "e => [+e.dataset.first, +e.dataset.last]"
    )
    assert first <= 766 and last >= 764
    assert in_view(page, ".report-text .is-marked")


def test_line_anchors_land_without_javascript(browser, base_url, seeds_dir):
    ctx = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = ctx.new_page()
    page.goto("/kilder/fafo-2015-08#L763-L767")
    assert in_view(page, '[id="L763-L767"]')  # the overview's entry for the cited range
    page.click('[id="L763-L767"] a')
    page.wait_for_url("**/del/*#L763-L767")
    assert in_view(page, '[id="L763-L767"] ~ [data-first]')
    ctx.close()


def test_works_without_javascript(browser, base_url):
    ctx = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = ctx.new_page()
    page.goto("/")
    page.fill("#q", "startlån")
    page.press("#q", "Enter")
    page.wait_for_url("**/sok?q=**")
    assert page.locator("ol.hits > li").count() > 0
    page.locator(".hit-case .hit-title a").first.click()
    page.wait_for_url("**/grep/**")
    assert page.locator(".cite-text").count() >= 1
    assert page.locator(".copy-button").count() == 0
    ctx.close()


def fill_valid_proposal(page) -> None:
    """Fill «Foreslå et godt grep» with a proposal that passes the validator (keyboard-free)."""
    page.fill("#title", "Bærum prøver boveiledning i tre spor på nytt")
    page.fill("#summary", "Bærum bosetter flyktninger langs tre spor med boveiledning.")
    page.fill("#kommune-0", "Bærum")
    for box in ("#status-0", "#themes-0", "#target_groups-0", "#actors-0", "#evidence-3"):
        page.check(box)
    page.select_option("#source-0-source", "fafo-2015-08")
    page.fill("#source-0-section", "4.5")
    page.fill("#source-0-first", "815")
    page.fill("#source-0-last", "841")
    page.fill("#source-0-quote", "Det er dette med å gjennomføre en forsvarlig bosetting")
    for slug in ("utfordringen", "slik-gjorde-de-det", "resultater", "dette-skal-til"):
        page.fill(f"#section-{slug}", "Tekst skrevet ut fra rapporten.")
    page.fill("#section-overforingsverdi", "Kan brukes av andre kommuner.")


def test_foresla_errors_result_and_download_pass_axe(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/foresla/redaktor")
    page.click("button:text('Sjekk forslaget')")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert violations(page) == []
    page.click(".error-summary a[href='#title']")
    assert page.evaluate("location.hash") == "#title"
    fill_valid_proposal(page)
    page.click("button:text('Sjekk forslaget')")
    page.wait_for_selector("section.result")
    assert violations(page) == []
    assert errors == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "foresla-resultat.png"), full_page=True)
    with page.expect_download() as info:
        page.click("button:text('Last ned filen')")
    download = info.value
    name = "baerum-prover-boveiledning-i-tre-spor.md"
    assert download.suggested_filename == name
    assert Path(download.path()).read_text(encoding="utf-8").startswith(f"---\nid: {name[:-3]}\n")


def test_foresla_works_without_javascript(browser, base_url):
    ctx = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = ctx.new_page()
    page.goto("/foresla/redaktor")
    page.fill("#kommune-0", "Lilehammer")
    page.click("button:text('Sjekk forslaget')")
    page.wait_for_selector(".error-summary")
    message = page.inner_text("#kommune-0-error")
    assert "mente du «Lillehammer»?" in message
    assert page.get_attribute("#kommune-0", "aria-invalid") == "true"
    ctx.close()


def tab_until(page, predicate_js: str, limit: int = 300) -> None:
    """Press Tab until the focused element matches (fails when it never does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate_js}")


def test_keyboard_only_kom_i_gang_to_a_grant_and_its_case(context):
    page = context.new_page()
    page.goto("/")
    tab_until(page, "el.getAttribute('href') === '/kom-i-gang'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kom-i-gang")
    tab_until(page, "el.getAttribute('href') === '/tilskudd/startlan'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tilskudd/startlan")
    tab_until(page, "el.closest('.card-title') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/grep/**")
    tab_until(page, "el.getAttribute('href') === '/ressurspersoner'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ressurspersoner")
    tab_until(page, "el.closest('.contact-list') !== null")


def test_keyboard_only_short_form_never_focuses_the_honeypot_and_gives_a_receipt(context):
    page = context.new_page()
    page.goto("/foresla")
    answers = {
        "what": "Boligkurs i introduksjonsprogrammet.",
        "place": "Molde kommune",
        "report": "Fafo-rapport 2015:08",
        "contact": "Flyktningtjenesten",
    }
    focused = []
    for _ in range(60):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || ''")
        focused.append(name)
        if name in answers:
            page.keyboard.type(answers[name])
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert "nettsted" not in focused
    assert [n for n in focused if n in answers or n == "email"] == [*answers, "email"]
    page.keyboard.press("Enter")
    page.wait_for_selector("dl.receipt")
    assert page.inner_text("h1") == "Takk for forslaget"
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/kilder/fafo-2015-08", "/kilder/fafo-2015-08/del/3"])
def test_report_pages_have_no_sideways_scroll_on_a_phone(browser, base_url, path, seeds_dir):
    ctx = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == []
    ctx.close()
