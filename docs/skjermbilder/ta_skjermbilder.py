"""Take the screenshots in this folder from a running service (`kb serve`) or export.

    python docs/skjermbilder/ta_skjermbilder.py http://127.0.0.1:5000
    python -m http.server -d site 8000 &   # the static export (`kb export`)
    python docs/skjermbilder/ta_skjermbilder.py --eksport http://127.0.0.1:8000

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
    "rapport": "/kilder/fafo-2015-08/del/6#L769-L771",  # a cited passage, marked, «Brukt i»
    "om": "/om",
}
# The static export: the same pages at its paths; its search runs in the browser (Pagefind).
EXPORT_PAGES = {
    "eksport-sok": "/sok/?q=bosetting",
    "eksport-grep": "/grep/baerum-boveiledning-tre-spor/",
}
SIZES = {"bred": (1366, 900), "mobil": (390, 844)}


def main(base_url: str, pages: dict[str, str] = PAGES) -> None:
    """Save <page>-<size>.png for every page and size."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in pages.items():
                page.goto(base_url.rstrip("/") + path)
                if page.locator("#treff[aria-busy]").count():  # the export's search: wait
                    page.wait_for_selector("#treff[aria-busy=false]")
                out = HERE / f"{name}-{size}.png"
                page.screenshot(path=str(out))
                print(f"{out.name}: {out.stat().st_size // 1024} kB")
            page.close()
        browser.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--eksport"]
    chosen = EXPORT_PAGES if "--eksport" in sys.argv else PAGES
    main(args[0] if args else "http://127.0.0.1:5000", chosen)
