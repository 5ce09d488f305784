"""Write the docs folder MkDocs builds from: every page, the citation and open-data files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from kb import cite, history
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


def case_versions(content: Content) -> dict[str, str]:
    """Each case file's version as citations name it («2026-12-02, a1b2c3d»); {} without git."""
    folder = content.ctx.root / "grep"
    found = history.folder_history(folder) or {}
    versions = {}
    for case in content.cases.values():
        try:
            key = case.path.relative_to(folder).as_posix()
        except ValueError:
            key = case.path.name
        if found.get(key):
            versions[case.id] = found[key][0].label
    return versions


def write_case(
    content: Content,
    case_id: str,
    docs: Path,
    site_url: str,
    edit_url: str,
    analysis: NorwegianAnalysis,
    version: str = "",
) -> str:
    """Write one case page and its citation files; returns the page's docs path."""
    case = content.cases[case_id]
    items = cite.case_items(case, content.sources, site_url, version)
    path = page("grep", case.id)
    target = docs / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(case_markdown(case, content, site_url, edit_url, analysis, version), "utf-8")
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


def absolute(record: dict, site_url: str) -> dict:
    """An open-data record whose url is absolute on the exported site."""
    return {**record, "url": site_url.rstrip("/") + record["url"]}


def write_docs(
    content: Content, docs: Path, site_url: str, edit_url: str, progress: Callable[[str], None]
) -> list[tuple[str, str]]:
    """Write the whole docs folder; returns (site path, lastmod) of every page."""
    pages: list[tuple[str, str]] = []
    cases = sorted(content.cases)
    versions = case_versions(content)
    analysis = NorwegianAnalysis.from_content(content.ctx.root)  # compound parts for the pages
    for n, case_id in enumerate(cases, 1):
        version = versions.get(case_id, "")
        path = write_case(content, case_id, docs, site_url, edit_url, analysis, version)
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
    records = [absolute(case_record(content.cases[i], content.ctx), site_url) for i in cases]
    write_json(records, docs / "grep.json")
    write_csv(records, docs / "grep.csv")
    progress(f"Skrev {len(pages)} sider og åpne data ({len(records)} grep)")
    return pages
