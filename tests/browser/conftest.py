"""Browser fixtures: a real server on loopback and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/webtools.py

from webtools import REAL_CONTENT, make_app, real_index  # noqa: E402

from kb.sources import default_source_dirs  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def pytest_collection_modifyitems(items) -> None:
    """Every test here is a browser test."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


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


@pytest.fixture(scope="session")
def base_url():
    """The app on the real content, served by werkzeug in a thread on 127.0.0.1, port 0."""
    from werkzeug.serving import make_server

    app = make_app(REAL_CONTENT, real_index(), sources=default_source_dirs())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium_path):
    """A headless chromium for the session."""
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
