"""Hostile markup in every content and registry field: in Chromium no script runs, nothing
navigates and no request leaves the loopback server, on every page type.

The browser context bypasses the Content-Security-Policy, so the test holds the escaping
itself to account, not the CSP that would also stop the scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ helpers

from hostile import CASE_ID, HOSTILE, hostile_root  # noqa: E402
from test_browser import ARGS, chromium_path  # noqa: E402, F401
from webtools import make_app, served_app  # noqa: E402

pytestmark = pytest.mark.browser

PAGES = {
    "forside": "/",
    "treff": "/sok?q=grep",
    "sok-med-fiendtlig-tekst": "/sok?q=" + quote(HOSTILE),
    "grep": f"/grep/{CASE_ID}",
    "kilder": "/kilder/",
    "kilde": "/kilder/testkilde",
    "kart": "/kart",
    "inngang": "/innganger/hvordan-lykkes",
    "om": "/om",
    "foresla": "/foresla",
    "finnes-ikke": "/finnes-ikke/" + quote(HOSTILE),
}
# Pages where the hostile text must be visible as text: the test would pass vacuously otherwise.
SHOWN = ("treff", "grep", "kilder", "kilde", "inngang")
INJECTED = "document.querySelectorAll('body meta, [onerror], script:not([src])').length"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """The app on the hostile content and its index, served by werkzeug on 127.0.0.1."""
    from indexer.build import build_index
    from kb.content.loader import load_content

    base = tmp_path_factory.mktemp("hostile")
    root, seeds = hostile_root(base)
    content = load_content(root, source_dirs=(seeds,))
    assert CASE_ID in content.cases, "the hostile case must load to be tested"
    build_index(content, base / "index", (seeds,))
    app = make_app(root, base / "index", sources=(seeds,))
    with served_app(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_hostile_fields_run_no_script_and_navigate_nowhere(browser, base_url, name):
    context = browser.new_context(base_url=base_url, bypass_csp=True, java_script_enabled=True)
    outside: list[str] = []
    navigations: list[str] = []
    dialogs: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
    page.goto(PAGES[name])
    page.wait_for_timeout(1500)  # a refresh of 0 s fires within this
    assert page.evaluate("window.__x") is None, "an injected script ran"
    assert page.evaluate(INJECTED) == 0, "injected markup reached the DOM"
    assert outside == [], outside
    assert dialogs == []
    assert len(navigations) == 1 and navigations[0].startswith(base_url), navigations
    if name in SHOWN:
        assert "window.__x=1" in page.inner_text("main"), "the hostile text is not shown"
    context.close()
