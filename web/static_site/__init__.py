"""`kb export`: the static site. Writes Markdown and data files from Content, runs MkDocs.

build_site() composes the stages: check the output folder, write the docs folder (a temporary
folder, never content/), build with `mkdocs build --strict`, add the search index, sitemap and
robots.txt, then check every internal link of the built site.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.content.loader import Content
from kb.errors import ContentError
from web.static_site.docs import write_docs
from web.static_site.linkcheck import check_links
from web.static_site.site import (
    SEARCHES,
    run_mkdocs,
    run_pagefind,
    write_config,
    write_robots,
    write_sitemap,
)

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
    """Refuse an output folder that MkDocs' clean step would wreck."""
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


def build_site(
    content: Content,
    out: Path,
    site_url: str,
    edit_url: str,
    repo_url: str,
    progress: Callable[[str], None] = lambda message: None,
    search: str = "pagefind",
    epoch: int | None = None,
) -> ExportResult:
    """Build the whole static site into out and check its links (epoch: SOURCE_DATE_EPOCH)."""
    started = time.perf_counter()
    out = Path(out)
    if search not in SEARCHES:
        raise ValueError(f"unknown search {search!r}")
    check_out(out, content.ctx.root)
    with tempfile.TemporaryDirectory(prefix="kb-export-") as tmp:
        docs = Path(tmp) / "docs"
        pages = write_docs(content, docs, site_url, edit_url, progress)
        progress(f"Bygger nettstedet med MkDocs ({len(pages)} sider) …")
        config = write_config(Path(tmp), docs, out, site_url, repo_url, search)
        run_mkdocs(config, source_date_epoch(content, epoch), progress)
    if search == "pagefind":
        run_pagefind(out, progress)
    write_sitemap(out, site_url, pages)
    write_robots(out, site_url)
    progress("Sjekker lenkene …")
    broken = check_links(out)
    if broken:
        raise ContentError("brutte lenker i nettstedet:\n" + "\n".join(broken[:50]))
    files = [p for p in out.rglob("*") if p.is_file()]
    return ExportResult(
        out,
        len(pages),
        len(content.cases),
        len(files),
        sum(p.stat().st_size for p in files),
        time.perf_counter() - started,
    )
