"""Check a built site: every internal link and #anchor must resolve to a file and an id."""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}
BASE = "http://site.invalid/"  # a stand-in origin for resolving relative links
Scan = tuple[set[str], list[tuple[str, str]]]  # a page's ids, its internal links (page_links)


class _Scanner(HTMLParser):
    """Collects ids and link values from start tags; builds no tree (2 000 pages stay fast)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        attr = LINK_ATTRS.get(tag)
        if attr and attr in values:
            self.links.append(values[attr].strip())


def scan_page(html: str) -> tuple[set[str], list[str]]:
    """(fragment targets, link values) of one page, in a single pass."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.ids, scanner.links


def page_links(html: str, file: str) -> Scan:
    """(fragment targets, (link as written, absolute URL) of each internal link) of a page,
    written to file (its path in the site)."""
    page_ids, hrefs = scan_page(html)
    url = BASE + file.removesuffix("index.html")
    return page_ids, [(h, a) for h in hrefs if (a := urljoin(url, h)).startswith(BASE)]


def target_of(url_path: str, site: Path) -> Path | None:
    """The built file a URL path points to (folders serve their index.html), or None."""
    return _target(unquote(url_path).lstrip("/"), site)


@lru_cache(maxsize=100_000)
def _target(rel: str, site: Path) -> Path | None:
    target = site / rel
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def check_links(site: Path, scanned: dict[str, Scan] | None = None) -> list[str]:
    """Problems «page: link -> what is missing» for every broken internal link or anchor.

    `scanned` holds the pages already scanned by the export's workers as they wrote them
    (page_links, by file in the site); every other HTML file of the site is read here.
    """
    site = Path(site).resolve()
    _target.cache_clear()
    scanned = dict(scanned or {})
    for path in site.rglob("*.html"):
        where = path.relative_to(site).as_posix()
        if where not in scanned:
            scanned[where] = page_links(path.read_text("utf-8"), where)
    ids = {site / where: page_ids for where, (page_ids, _) in scanned.items()}
    problems = []
    for where in sorted(scanned, key=lambda w: Path(w).parts):
        for href, absolute in scanned[where][1]:
            parts = urlsplit(absolute)
            target = target_of(parts.path, site)
            if target is None:
                problems.append(f"{where}: {href} -> finnes ikke")
            elif parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
                problems.append(f"{where}: {href} -> ankeret #{parts.fragment} finnes ikke")
    return problems
