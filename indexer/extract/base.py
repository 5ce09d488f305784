"""Shared shapes for the extractors: source lines, the raw document and the budgets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import ExtractionError


@dataclass
class SourceLine:
    """One line of extracted text with where it came from."""

    text: str
    line: int | None = None  # 1-based file line (text sources)
    page: int | None = None  # printed page label (PDF) or estimated page (text)
    page_start: bool = False  # first line of a page


@dataclass
class RawDoc:
    """What an extractor returns: the lines and how headings are marked."""

    lines: list[SourceLine]
    markup: bool = False  # True when headings are Markdown `#` lines (text, Markdown, HTML)
    paged: bool = False  # True when pages are known (PDF) or reconstructed (text)
    meta: dict = field(default_factory=dict)


@dataclass
class Budget:
    """Page and time limits for one extraction; check() stops with a clear error."""

    path: Path
    max_pages: int = 400
    max_seconds: float = 60
    started: float = field(default_factory=time.monotonic)

    def check_time(self) -> None:
        """Raise when the time budget is spent."""
        spent = time.monotonic() - self.started
        if spent > self.max_seconds:
            raise ExtractionError(
                f"{self.path.name}: uttrekket tok mer enn {self.max_seconds:g} sekunder og ble "
                f"stoppet — del opp dokumentet, eller øk KB_PDF_MAX_SECONDS hvis filen er i orden"
            )

    def check_pages(self, count: int) -> None:
        """Raise when a document has more pages than the page budget."""
        if count > self.max_pages:
            raise ExtractionError(
                f"{self.path.name}: dokumentet har {count} sider, mer enn grensen på "
                f"{self.max_pages} — del opp dokumentet, eller øk KB_PDF_MAX_PAGES hvis filen "
                f"er i orden"
            )


def fail(path: Path, what: str, fix: str) -> ExtractionError:
    """An ExtractionError shaped as «file: what went wrong — what to do»."""
    return ExtractionError(f"{path.name}: {what} — {fix}")
