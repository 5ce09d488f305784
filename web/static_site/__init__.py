"""`kb export`: the static site. The service's own pages, rendered without a server.

build_site() composes the stages: check the output folder, render every page through the Flask
app with STATIC set (web/static_site/render.py) into a fresh folder, copy the static files, write
the open data, add the search index (Pagefind), sitemap and robots.txt, check every internal
link, then put the folder in place.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from kb.content.loader import Content
from kb.errors import ContentError
from kb.opendata import case_record, write_csv, write_json
from web.static_site.linkcheck import check_links, served_root
from web.static_site.render import export_app, render_site
from web.static_site.site import STATIC, Pagefind, write_robots, write_sitemap

MARKERS = ("grep.json", "sitemap.xml")  # files that show a folder is an earlier export


@dataclass(frozen=True)
class ExportResult:
    """What one export built."""

    out: Path
    pages: int
    cases: int
    files: int
    bytes: int
    seconds: float


def check_out(out: Path, content_root: Path) -> None:
    """Refuse an output folder that the export would wreck when it replaces it."""
    out = out.resolve()
    if content_root.resolve().is_relative_to(out):
        raise ContentError(f"{out}: utmappen kan ikke inneholde content/ — velg en egen mappe")
    if out.is_dir() and any(out.iterdir()) and not all((out / m).exists() for m in MARKERS):
        raise ContentError(
            f"{out}: mappen er ikke tom og ser ikke ut som en tidligere eksport — "
            "velg en tom mappe med --out (innholdet ville blitt slettet)"
        )


def source_date_epoch(content: Content, epoch: int | None = None) -> int:
    """The given epoch (SOURCE_DATE_EPOCH), else the newest case update (reproducible)."""
    if epoch is not None:
        return int(epoch)
    dates = [c.updated for c in content.cases.values() if c.updated] or [dt.date(2024, 1, 1)]
    return int(dt.datetime.combine(max(dates), dt.time(), dt.UTC).timestamp())


def write_open_data(content: Content, out: Path, site_url: str) -> None:
    """grep.json and grep.csv: every case with its address on the exported site."""
    base = site_url.rstrip("/")
    records = [case_record(content.cases[i], content.ctx) for i in sorted(content.cases)]
    records = [{**r, "url": base + r["url"]} for r in records]
    write_json(records, out / "grep.json")
    write_csv(records, out / "grep.csv")


def stamp(folder: Path, epoch: int) -> None:
    """Give every file the same modification time (SOURCE_DATE_EPOCH): reproducible archives."""
    for path in folder.rglob("*"):
        os.utime(path, (epoch, epoch))


def build_site(
    content: Content,
    out: Path,
    site_url: str,
    edit_url: str,
    repo_url: str,
    progress: Callable[[str], None] = lambda message: None,
    index_dir: Path | None = None,
    epoch: int | None = None,
) -> ExportResult:
    """Build the whole static site into out from content and its search index (index_dir)."""
    started = time.perf_counter()
    out = Path(out)
    check_out(out, content.ctx.root)
    out.parent.mkdir(parents=True, exist_ok=True)
    # The search index is built beside the rest: Pagefind reads the HTML pages once they are
    # written, while the citation and API files, the open data and the link check are done.
    with tempfile.TemporaryDirectory(prefix="kb-export-", dir=out.parent) as tmp, ExitStack() as bg:
        site = Path(tmp) / "site"
        index = Path(index_dir or tmp)
        app = functools.partial(export_app, content, index, site_url, edit_url, repo_url, Path(tmp))
        search: list[Pagefind] = []

        def html_written() -> None:
            search.append(bg.enter_context(Pagefind(site)))
            progress("Pagefind lager søkeindeksen; skriver resten av filene …")

        progress(f"Lager sidene med nettjenestens maler ({len(content.cases)} grep) …")
        pages, scanned = render_site(app, content, site, site_url, progress, html_written)
        html = sum(1 for p in pages if p.file.endswith(".html"))
        shutil.copytree(STATIC, site / "static")
        write_open_data(content, site, site_url)
        progress(f"Skrev {html} sider og åpne data ({len(content.cases)} grep)")
        write_sitemap(site, site_url, sitemap_rows(content, pages))
        write_robots(site, site_url)
        progress("Sjekker lenkene …")
        broken = check_links(site, scanned, served_root(site_url))
        search[0].finish(progress)
        if broken:
            raise ContentError("brutte lenker i nettstedet:\n" + "\n".join(broken[:50]))
        stamp(site, source_date_epoch(content, epoch))
        if out.exists():
            shutil.rmtree(out)
        site.rename(out)
    files = [p for p in out.rglob("*") if p.is_file()]
    return ExportResult(
        out,
        html,
        len(content.cases),
        len(files),
        sum(p.stat().st_size for p in files),
        time.perf_counter() - started,
    )


def sitemap_rows(content: Content, pages) -> list[tuple[str, str]]:
    """(site path, lastmod) of every HTML page but the 404 page; cases have their date."""
    rows = []
    for page in pages:
        if not page.file.endswith("index.html"):
            continue
        path = "/" + page.file.removesuffix("index.html")
        case = content.cases.get(page.url.removeprefix("/grep/"), None)
        rows.append((path, case.updated.isoformat() if case and case.updated else ""))
    return rows
