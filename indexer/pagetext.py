"""The text of cited pages of a PDF (or of a whole HTML page), for checking quotes in `kb`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from indexer.extract.base import Budget
from indexer.sources import extractor_for
from kb import settings


@lru_cache(maxsize=16)
def _page_lines(path: str, mtime: float, fmt: str) -> tuple[tuple[int | None, str], ...]:
    """(page, text) of every extracted line, cached while the file is unchanged."""
    file = Path(path)
    budget = Budget(
        file,
        max_pages=int(settings.get("PDF_MAX_PAGES")),
        max_seconds=float(settings.get("PDF_MAX_SECONDS")),
    )
    doc = extractor_for(file, fmt)(file, budget)
    return tuple((sl.page, sl.text) for sl in doc.lines)


def pages_text(path: Path, fmt: str, pages: tuple[int, int] | None) -> str:
    """The text on printed pages first–last of a PDF, or all of it when pages is None."""
    lines = _page_lines(str(path), Path(path).stat().st_mtime, fmt)
    return " ".join(
        text
        for page, text in lines
        if pages is None or (page is not None and pages[0] <= page <= pages[1])
    )
