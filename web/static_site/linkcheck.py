"""Check a built site: every internal link and #anchor must resolve to a file and an id."""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}
ORIGIN = "http://site.invalid"  # a stand-in origin for resolving relative links
BASE = ORIGIN + "/"
# A comment, or a start tag: its name and its attributes (quoted values may hold «>»).
TOKEN = re.compile(r"<!--.*?-->|<([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
ATTR = re.compile(r"""([^\s/>=][^\s/=>]*)(?:\s*=+\s*("[^"]*"|'[^']*'|[^>\s]*))?""")
# Elements whose text is not markup (html.parser's CDATA elements), and where each ends.
RAW_TEXT = {tag: re.compile(f"</{tag}", re.I) for tag in ("script", "style")}
Scan = tuple[set[str], list[tuple[str, str]]]  # a page's ids, its internal links (page_links)


def scan_page(html: str) -> tuple[set[str], list[str]]:
    """(fragment targets, link values) of one page, as html.parser reads its start tags.

    Regular expressions instead of HTMLParser (a third of the time it took): comments and
    the text of script and style elements are skipped, as the parser skips them, and values
    are unescaped as it unescapes them (tests/test_export.py compares both on every page).
    """
    ids: set[str] = set()
    links: list[str] = []
    pos = 0
    while found := TOKEN.search(html, pos):
        pos = found.end()
        tag = (found.group(1) or "").lower()
        if not tag:  # a comment
            continue
        if tag in RAW_TEXT:
            end = RAW_TEXT[tag].search(html, pos)
            pos = end.start() if end else len(html)
        attr = LINK_ATTRS.get(tag)
        rest = found.group(2)
        if attr is None and "id" not in rest.lower():
            continue
        values = {name.lower(): _value(value) for name, value in ATTR.findall(rest)}
        if "id" in values:
            ids.add(values["id"])
        if tag == "a" and "name" in values:
            ids.add(values["name"])
        if attr and attr in values:
            links.append(values[attr].strip())
    return ids, links


def _value(value: str) -> str:
    """An attribute's value as html.parser gives it: without its quotes, unescaped."""
    if value[:1] == value[-1:] and value[:1] in ("'", '"'):
        value = value[1:-1]
    return unescape(value)


def served_root(site_url: str) -> str:
    """The path the site is served under: «/» for https://x, «/gode-grep/» for https://x/gode-grep."""
    return urlsplit(site_url.rstrip("/") + "/").path


def page_links(html: str, file: str, root: str = "/") -> Scan:
    """(fragment targets, (link as written, absolute URL) of each internal link) of a page,
    written to file (its path in the site), as the site is served under root (served_root)."""
    page_ids, hrefs = scan_page(html)
    url = ORIGIN + root + file.removesuffix("index.html")
    return page_ids, [(h, a) for h in hrefs if (a := urljoin(url, h)).startswith(BASE)]


def target_of(url_path: str, site: Path, root: str = "/") -> Path | None:
    """The built file a URL path points to (folders serve their index.html), or None; a path
    outside root, the folder the site is served under, has no file in it."""
    if url_path == root.rstrip("/"):
        url_path = root  # the server sends «/gode-grep» on to «/gode-grep/»
    if not url_path.startswith(root):
        return None
    return _target(unquote(url_path.removeprefix(root)).lstrip("/"), site)


@lru_cache(maxsize=100_000)
def _target(rel: str, site: Path) -> Path | None:
    target = site / rel
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def _missing(absolute: str, site: Path, ids: dict[Path, set[str]], root: str) -> str:
    """What an internal link lacks: «finnes ikke», «ankeret #x finnes ikke», or «» (none)."""
    parts = urlsplit(absolute)
    target = target_of(parts.path, site, root)
    if target is None:
        outside = not (parts.path + "/").startswith(root)
        return f"finnes ikke (nettstedet ligger under {root})" if outside else "finnes ikke"
    if parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
        return f"ankeret #{parts.fragment} finnes ikke"
    return ""


def check_links(site: Path, scanned: dict[str, Scan] | None = None, root: str = "/") -> list[str]:
    """Problems «page: link -> what is missing» for every broken internal link or anchor.

    `scanned` holds the pages already scanned by the export's workers as they wrote them
    (page_links, by file in the site); every other HTML file of the site is read here. The
    links are checked as the site is served under root («/gode-grep/»): a link to «/static/…»
    leaves that folder and is broken there.
    """
    site = Path(site).resolve()
    _target.cache_clear()
    scanned = dict(scanned or {})
    for path in site.rglob("*.html"):
        where = path.relative_to(site).as_posix()
        if where not in scanned:
            scanned[where] = page_links(path.read_text("utf-8"), where, root)
    ids = {site / where: page_ids for where, (page_ids, _) in scanned.items()}
    missing: dict[str, str] = {}  # by absolute URL: most links are on many pages
    problems = []
    for where in sorted(scanned, key=lambda w: Path(w).parts):
        for href, absolute in scanned[where][1]:
            if absolute not in missing:
                missing[absolute] = _missing(absolute, site, ids, root)
            if missing[absolute]:
                problems.append(f"{where}: {href} -> {missing[absolute]}")
    return problems
