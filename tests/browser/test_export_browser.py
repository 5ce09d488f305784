"""The static export in a real browser: served by http.server, checked like the service.

axe-core on every page type at both sizes, no sideways scroll, the Pagefind search on /sok/,
report line anchors. The export is the real content's, built once (tests/webtools.py).
"""

from __future__ import annotations

import functools
import http.server
import re
import sys
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ helpers

from test_browser import ARGS, VIEWPORTS, chromium_path, violations  # noqa: E402, F401
from webtools import SUBPATH, real_export, served_under, subpath_export  # noqa: E402

pytestmark = pytest.mark.browser

PAGES = {
    "forside": "/",
    "sok": "/sok/",
    "sok-treff": "/sok/?q=bosetting",
    "sok-filter": "/sok/?q=bolig&tema=bosetting",
    "tema": "/tema/bolig/",
    "malgruppe": "/malgruppe/flyktninger/",
    "fylke": "/fylke/innlandet/",
    "inngang": "/innganger/implementering/",
    "grep": "/grep/kristiansund-foreldreskole/",
    "kilder": "/kilder/",
    "kilde": "/kilder/fafo-2015-08/",
    "kilde-tekst": "/kilder/fafo-2015-08/del/2/",
    "kart": "/kart/",
    "om": "/om/",
    "tilskudd": "/tilskudd/",
    "tilskudd-startlan": "/tilskudd/startlan/",
    "ressurspersoner": "/ressurspersoner/",
    "kom-i-gang": "/kom-i-gang/",
    "finnes-ikke": "/404.html",
}
NEEDS_REPORTS = {"kilde-tekst"}  # a report's text part exists only when the report file does


@pytest.fixture(scope="module")
def site_url():
    """The exported folder served by http.server in a thread on 127.0.0.1, port 0."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(real_export()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(chromium_path):  # noqa: F811 - the fixture imported above
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        yield browser
        browser.close()


def open_page(browser, site_url, path, size="bred"):
    width, height = VIEWPORTS[size]
    ctx = browser.new_context(base_url=site_url, viewport={"width": width, "height": height})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path)
    return ctx, page, errors


def wait_for_hits(page) -> None:
    """The search page has run Pagefind and shown its hits (or said there were none)."""
    page.wait_for_selector("#treff[aria-busy=false]", timeout=20_000)


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_violations_in_the_export(browser, site_url, name, size, request):
    if name in NEEDS_REPORTS:
        request.getfixturevalue("seeds_dir")
    ctx, page, errors = open_page(browser, site_url, PAGES[name], size)
    try:
        if name.startswith("sok-"):
            wait_for_hits(page)
        assert violations(page) == []
        assert [e for e in errors if "404" not in e] == []
        width = VIEWPORTS[size][0]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        ctx.close()


@pytest.mark.parametrize(
    ("query", "case_id"),
    [
        ("bosetting", None),
        ("boligskolen", "boveiledning-boligskole"),  # an inflected form finds the stem
        ("taushetsplikten", "statsforvalteren-vest-oppfolging-kurs-taushetsplikt"),
        ("fattigdom", "velferdspiloten-modell"),  # the page only says «barnefattigdom»
    ],
)
def test_search_page_finds_cases_in_the_services_words(browser, site_url, query, case_id):
    ctx, page, _errors = open_page(browser, site_url, f"/sok/?q={query}")
    try:
        wait_for_hits(page)
        heading = page.locator("#treff-title").inner_text()
        assert heading.endswith(f"for «{query}»") and " grep" in heading
        assert "rapportavsnitt" not in heading  # Pagefind finds report parts, not passages
        links = page.eval_on_selector_all(
            "ol.hits li.hit-case .hit-title a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert links and all(link.startswith("/grep/") for link in links)
        if case_id:
            assert f"/grep/{case_id}/" in links[:5]
        assert "Søkeord" not in page.locator("#treff").inner_text()
        snippets = page.eval_on_selector_all(
            "ol.hits li.hit-case .snippet", "els => els.map(e => e.textContent)"
        )
        leaked = {
            link: sorted(set(re.findall(r"\w+", snippet.lower())) & hidden_words(link))
            for link, snippet in zip(links, snippets, strict=True)
        }
        assert {link: words for link, words in leaked.items() if words} == {}
        if case_id:
            assert hidden_words(f"/grep/{case_id}/")  # the case has hidden words to leak
    finally:
        ctx.close()


def hidden_words(link: str) -> set[str]:
    """The words only the case page's hidden search paragraph holds (compound parts …), not
    its visible text: an excerpt with one of them was taken from the hidden paragraph."""
    path = real_export() / link.strip("/") / "index.html"
    main = BeautifulSoup(path.read_text("utf-8"), "html.parser").select_one("main")
    hidden = main.select_one(".gg-sokeord")
    if hidden is None:
        return set()
    held = set(re.findall(r"\w+", hidden.get_text().lower()))
    for node in main.select("[hidden]"):
        node.decompose()
    return held - set(re.findall(r"\w+", main.get_text(" ").lower()))


def test_search_page_applies_the_filters_in_the_address(browser, site_url):
    ctx, page, _errors = open_page(browser, site_url, "/sok/?q=bolig&tema=bosetting&type=grep")
    try:
        wait_for_hits(page)
        links = page.eval_on_selector_all(
            "ol.hits .hit-title a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert links and all(link.startswith("/grep/") for link in links)
        first = page.locator("ol.hits .hit-title a").first
        first.click()
        page.wait_for_load_state()
        themes = page.locator(".factbox").inner_text()
        assert "Bosetting" in themes
    finally:
        ctx.close()


def test_a_line_anchor_lands_on_the_cited_lines_in_the_report_part(browser, site_url, seeds_dir):
    ctx, page, _errors = open_page(browser, site_url, "/kilder/fafo-2015-08/#L761-L773")
    try:
        page.wait_for_url("**/del/**#L761-L773")
        marked = page.locator(".is-marked").first
        marked.wait_for()
        assert int(marked.get_attribute("data-first")) <= 773
        assert int(marked.get_attribute("data-last")) >= 761
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def subpath_origin(corpus, index_dir):
    """The small corpus exported for https://org.github.io/gode-grep/, served at /gode-grep/."""
    with served_under(subpath_export(corpus, index_dir)) as origin:
        yield origin


def test_the_search_works_when_the_site_is_served_under_a_folder(browser, subpath_origin):
    ctx, page, errors = open_page(browser, subpath_origin, f"{SUBPATH}sok/?q=startlån")
    try:
        wait_for_hits(page)
        links = page.eval_on_selector_all(
            "ol.hits .hit-title a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert f"{SUBPATH}grep/lillehammer-startlan/" in links
        assert all(link.startswith(SUBPATH) for link in links), links  # cases and reports
        page.locator("ol.hits .hit-title a").first.click()
        page.wait_for_load_state()
        assert page.locator("main h1").inner_text() and errors == []
    finally:
        ctx.close()
