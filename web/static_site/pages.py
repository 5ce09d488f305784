"""Which service addresses the export renders, and the file each one is written to.

The export is the service's own pages: every address here is fetched from the Flask app (its
test client, no server) and written to a file at the same path («/grep/x» → «grep/x/index.html»).
Only the one-filter lists differ: the service answers «/tema/bolig» with the search
«/sok?tema=bolig»; the export writes that search result at «tema/bolig/».
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kb import cite, urls
from kb.content.loader import Content
from kb.editor.new import suggest_id
from web.model import browse

# One-filter lists: the search parameter, and the folder the export writes the list to.
LISTINGS = {"tema": "themes", "malgruppe": "target_groups"}
NOT_FOUND = "/finnes-ikke"  # rendered once: the service's 404 page, written to 404.html
# Pages found by following links from other pages (how many parts a report has, which grant
# schemes have pages) instead of asking the page model a second time.
FOLLOWED = re.compile(r"^/(kilder/[a-z0-9-]+/del/\d+|tilskudd/[a-z0-9-]+)$")


@dataclass(frozen=True)
class Page:
    """One address of the service and where the export writes its response."""

    url: str  # path and query as the service serves it
    file: str  # the file in the export, relative to its root
    indexed: str = ""  # Pagefind's «type» filter for pages the search finds: grep, rapport


def slug(name: str) -> str:
    """A place name as a folder name: «Møre og Romsdal» → «more-og-romsdal» (as the service)."""
    return suggest_id(name, max_words=20)


def page_file(path: str) -> str:
    """The file a path is written to: «/grep/x» → «grep/x/index.html», «/» → «index.html»."""
    folder = path.strip("/")
    return f"{folder}/index.html" if folder else "index.html"


def listing_pages(content: Content) -> Iterator[Page]:
    """The one-filter lists: every theme and target group, and every fylke with a case."""
    for param, vocabulary in LISTINGS.items():
        for term in content.ctx.vocabularies[vocabulary].terms:
            yield Page(urls.search_url(**{param: term.id}), f"{param}/{term.id}/index.html")
    for name, _count in browse.fylke_counts(content):
        yield Page(urls.search_url(fylke=name), f"fylke/{slug(name)}/index.html")


def case_pages(content: Content) -> Iterator[Page]:
    """Each case, its citation files and its open-data record."""
    for case_id in sorted(content.cases):
        url = urls.case_url(case_id)
        yield Page(url, page_file(url), indexed="grep")
        for ext in cite.FORMATS:
            yield Page(f"{url}/siter.{ext}", f"grep/{case_id}/siter.{ext}")
        yield Page(f"/api/grep/{case_id}", f"api/grep/{case_id}")


def every_page(content: Content) -> Iterator[Page]:
    """Every address the export renders first (report parts and grants are followed later)."""
    fixed = ("/", "/kart", "/om", "/kilder/", "/tilskudd", "/ressurspersoner", "/kom-i-gang")
    for url in fixed:
        yield Page(url, page_file(url))
    yield Page("/sok", "sok/index.html")
    yield Page("/nytt.atom", "nytt.atom")
    yield Page("/api/grep.json", "api/grep.json")
    yield Page(NOT_FOUND, "404.html")
    yield from case_pages(content)
    for term in content.ctx.vocabularies["approaches"].terms:
        url = urls.approach_url(term.id)
        yield Page(url, page_file(url))
    yield from listing_pages(content)
    for source_id in sorted(content.sources):
        url = urls.source_url(source_id)
        yield Page(url, page_file(url), indexed="rapport")
        yield Page(f"/api/kilder/{source_id}", f"api/kilder/{source_id}")


def followed_page(path: str) -> Page | None:
    """The page for a link found on a rendered page, when it is one the export follows."""
    if not FOLLOWED.match(path):
        return None
    return Page(path, page_file(path), indexed="rapport" if path.startswith("/kilder/") else "")
