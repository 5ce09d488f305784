"""Write the docs folder MkDocs builds from: every page, the citation and open-data files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from kb import cite
from kb.content.loader import Content
from kb.opendata import case_record, write_csv, write_json
from kb.search.analysis import NorwegianAnalysis
from web.static_site.assets import CSS, JS
from web.static_site.case_page import case_markdown
from web.static_site.listings import (
    all_cases_page,
    facet_pages,
    fylke_pages,
    search_page,
    source_pages,
    start_page,
)
from web.static_site.markup import page

ASSETS = {"assets/gode-grep.css": CSS, "assets/sok.js": JS}  # named in mkdocs.yml


def site_path(docs_path: str) -> str:
    """The URL path MkDocs gives a docs page: «tema/bolig/index.md» -> «/tema/bolig/»."""
    return "/" + docs_path.removesuffix("index.md")


def write_case(
    content: Content,
    case_id: str,
    docs: Path,
    site_url: str,
    edit_url: str,
    analysis: NorwegianAnalysis,
) -> str:
    """Write one case page and its citation files; returns the page's docs path."""
    case = content.cases[case_id]
    items = cite.case_items(case, content.sources, site_url)
    reference = cite.apa(items[0], html=True)
    path = page("grep", case.id)
    target = docs / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(case_markdown(case, content, reference, edit_url, analysis), "utf-8")
    for ext in cite.FORMATS:
        body, _mime = cite.export(items, ext)
        (target.parent / f"{case.id}.{ext}").write_text(body, "utf-8", newline="")
    return path


def listing_pages(content: Content) -> Iterator[tuple[str, str]]:
    """(docs path, Markdown) of every page that is not a case page."""
    yield "index.md", start_page(content)
    yield page("grep"), all_cases_page(content)
    yield page("sok"), search_page()
    yield from facet_pages(content)
    yield from fylke_pages(content)
    yield from source_pages(content, lambda s: cite.apa(cite.source_item(s), html=True))


def write_docs(
    content: Content, docs: Path, site_url: str, edit_url: str, progress: Callable[[str], None]
) -> list[tuple[str, str]]:
    """Write the whole docs folder; returns (site path, lastmod) of every page."""
    pages: list[tuple[str, str]] = []
    cases = sorted(content.cases)
    analysis = NorwegianAnalysis.from_content(content.ctx.root)  # compound parts for the pages
    for n, case_id in enumerate(cases, 1):
        path = write_case(content, case_id, docs, site_url, edit_url, analysis)
        updated = content.cases[case_id].updated
        pages.append((site_path(path), updated.isoformat() if updated else ""))
        if n % 100 == 0 or n == len(cases):
            progress(f"Skrev {n} av {len(cases)} grep")
    for path, markdown in listing_pages(content):
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(markdown, "utf-8")
        pages.append((site_path(path), ""))
    for path, body in ASSETS.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(body, "utf-8")
    records = [case_record(content.cases[i], content.ctx) for i in cases]
    write_json(records, docs / "grep.json")
    write_csv(records, docs / "grep.csv")
    progress(f"Skrev {len(pages)} sider og åpne data ({len(records)} grep)")
    return pages
