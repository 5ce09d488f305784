"""Check a built site: every internal link and #anchor must resolve to a file and an id."""

from __future__ import annotations

import functools
import multiprocessing
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from web.static_site.render import workers

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}
BASE = "http://site.invalid/"  # a stand-in origin for resolving relative links
SCAN_CHUNK = 50  # pages per task when the pages are scanned in several processes


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


def scan_file(path: Path, site: Path) -> tuple[set[str], list[tuple[str, str]]]:
    """(fragment targets, (link as written, absolute URL) of each internal link) of a page."""
    page_ids, hrefs = scan_page(path.read_text("utf-8"))
    url = url_of(path, site)
    return page_ids, [(h, a) for h in hrefs if (a := urljoin(url, h)).startswith(BASE)]


def scan_files(paths: list[Path], site: Path) -> list[tuple[set[str], list[tuple[str, str]]]]:
    """scan_file of every path, in order: in forked workers, like the pages are rendered."""
    scan = functools.partial(scan_file, site=site)
    count = workers()
    if count == 1 or len(paths) < SCAN_CHUNK * 2:
        return [scan(p) for p in paths]
    with multiprocessing.get_context("fork").Pool(count) as pool:
        return pool.map(scan, paths, chunksize=SCAN_CHUNK)


def url_of(path: Path, site: Path) -> str:
    """The URL a built file is served at (a folder's index.html at the folder)."""
    return BASE + path.relative_to(site).as_posix().removesuffix("index.html")


def target_of(url_path: str, site: Path) -> Path | None:
    """The built file a URL path points to (folders serve their index.html), or None."""
    return _target(unquote(url_path).lstrip("/"), site)


@lru_cache(maxsize=100_000)
def _target(rel: str, site: Path) -> Path | None:
    target = site / rel
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def check_links(site: Path) -> list[str]:
    """Problems «page: link -> what is missing» for every broken internal link or anchor."""
    site = Path(site).resolve()
    _target.cache_clear()
    ids: dict[Path, set[str]] = {}
    links: list[tuple[str, str, str]] = []  # (page, as written, absolute URL)
    paths = sorted(site.rglob("*.html"))
    for path, (page_ids, internal) in zip(paths, scan_files(paths, site), strict=True):
        ids[path] = page_ids
        where = path.relative_to(site).as_posix()
        links += [(where, h, a) for h, a in internal]
    problems = []
    for where, href, absolute in links:
        parts = urlsplit(absolute)
        target = target_of(parts.path, site)
        if target is None:
            problems.append(f"{where}: {href} -> finnes ikke")
        elif parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
            problems.append(f"{where}: {href} -> ankeret #{parts.fragment} finnes ikke")
    return problems
