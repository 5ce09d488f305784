"""Take the screenshots in this folder from a running service (`kb serve`).

    python docs/skjermbilder/ta_skjermbilder.py http://127.0.0.1:5000

Uses Playwright with Debian's chromium, as tests/browser does. Each picture is the first
screen of the page, at 1366×900 (bred) and 390×844 (mobil).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {
    "forside": "/",
    "sok": "/sok?q=bosetting",
    "grep": "/grep/baerum-boveiledning-tre-spor",
    "kart": "/kart",
    "om": "/om",
}
SIZES = {"bred": (1366, 900), "mobil": (390, 844)}


def main(base_url: str) -> None:
    """Save <page>-<size>.png for every page and size."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PAGES.items():
                page.goto(base_url.rstrip("/") + path)
                out = HERE / f"{name}-{size}.png"
                page.screenshot(path=str(out))
                print(f"{out.name}: {out.stat().st_size // 1024} kB")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
