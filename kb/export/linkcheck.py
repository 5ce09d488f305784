"""Check a built site: every internal link and #anchor must resolve to a file and an id."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRS = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"))
BASE = "http://site.invalid/"  # a stand-in origin for resolving relative links


def _url_of(path: Path, site: Path) -> str:
    """The URL a built file is served at."""
    rel = path.relative_to(site).as_posix()
    return BASE + rel.removesuffix("index.html")


def _file_for(url_path: str, site: Path) -> Path | None:
    """The built file a URL path points to (folders serve their index.html), or None."""
    target = site / unquote(url_path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def parse_pages(site: Path) -> dict[Path, BeautifulSoup]:
    """Every HTML page of the site, parsed."""
    return {
        p: BeautifulSoup(p.read_text("utf-8"), "html.parser") for p in sorted(site.rglob("*.html"))
    }


def page_ids(soup: BeautifulSoup) -> set[str]:
    """The fragment targets of a page: id attributes and <a name>."""
    ids = {str(t["id"]) for t in soup.find_all(id=True)}
    return ids | {str(t["name"]) for t in soup.find_all("a", attrs={"name": True})}


def internal_links(soup: BeautifulSoup, url: str) -> list[tuple[str, str]]:
    """(as written, absolute URL) of every link that stays on the site."""
    links = []
    for tag, attr in LINK_ATTRS:
        for el in soup.find_all(tag, attrs={attr: True}):
            href = str(el[attr]).strip()
            absolute = urljoin(url, href)
            if absolute.startswith(BASE):
                links.append((href, absolute))
    return links


def check_links(site: Path) -> list[str]:
    """Problems «page: link -> what is missing» for every broken internal link or anchor."""
    site = Path(site)
    pages = parse_pages(site)
    ids = {p: page_ids(s) for p, s in pages.items()}
    problems = []
    for path, soup in pages.items():
        where = path.relative_to(site).as_posix()
        for href, absolute in internal_links(soup, _url_of(path, site)):
            parts = urlsplit(absolute)
            target = _file_for(parts.path[len(urlsplit(BASE).path) :], site)
            if target is None:
                problems.append(f"{where}: {href} -> finnes ikke")
            elif parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
                problems.append(f"{where}: {href} -> ankeret #{parts.fragment} finnes ikke")
    return problems
