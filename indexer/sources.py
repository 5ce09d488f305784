"""Source documents into passages: one extractor per file type, keyed by suffix.

`extract_source` composes the stages: extract lines (with page and time budgets) → drop noise
(page numbers, running heads, TOC lines) → find headings and paragraphs → pack passages →
add an OCR-repaired reading when the text is OCR-damaged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from indexer import ocr
from indexer.cleanup import drop_noise
from indexer.extract.base import Budget, RawDoc, fail
from indexer.extract.html import extract_html
from indexer.extract.pdf import extract_pdf
from indexer.extract.structure import blocks
from indexer.extract.text import extract_text
from indexer.outline import outline
from indexer.passages import make_passages
from kb.content.model import Passage
from kb.errors import ExtractionError

EXTRACTORS: dict[str, Callable[[Path, Budget], RawDoc]] = {
    ".pdf": extract_pdf,
    ".html": extract_html,
    ".htm": extract_html,
    ".txt": extract_text,
    ".text": extract_text,
    ".md": extract_text,
}
FORMAT_SUFFIX = {"pdf": ".pdf", "html": ".html", "text": ".txt", "markdown": ".md"}

__all__ = ["EXTRACTORS", "ExtractionError", "extract_document", "extract_source"]


def extractor_for(path: Path, fmt: str | None) -> Callable[[Path, Budget], RawDoc]:
    """The extractor for a registered format, else for the file's suffix."""
    suffix = FORMAT_SUFFIX.get(fmt or "", path.suffix.lower())
    if suffix not in EXTRACTORS:
        known = ", ".join(sorted(EXTRACTORS))
        raise fail(
            path,
            f"ukjent filtype «{suffix or fmt}»",
            f"registrer filen som pdf, html eller text (kjente endelser: {known})",
        )
    return EXTRACTORS[suffix]


def extract_source(
    path: Path,
    source_id: str,
    sha256: str,
    fmt: str | None = None,
    *,
    max_pages: int = 400,
    max_seconds: float = 60,
) -> list[Passage]:
    """The passages of one source file; ExtractionError for a broken, empty or hostile file."""
    return extract_document(
        path, source_id, sha256, fmt, max_pages=max_pages, max_seconds=max_seconds
    )[0]


def extract_document(
    path: Path,
    source_id: str,
    sha256: str,
    fmt: str | None = None,
    *,
    max_pages: int = 400,
    max_seconds: float = 60,
) -> tuple[list[Passage], list[dict]]:
    """The passages of one source file and its reading outline ([] unless lines are numbered)."""
    path = Path(path)
    if not path.is_file():
        raise fail(path, "filen finnes ikke", "sjekk path i kilderegisteret og kildemappene")
    budget = Budget(path, max_pages=max_pages, max_seconds=max_seconds)
    doc = extractor_for(path, fmt)(path, budget)
    drop_noise(doc)
    found = blocks(doc)
    budget.check_time()
    entries = outline(doc.lines, found)
    passages = make_passages(found, source_id, sha256)
    budget.check_time()
    if not passages:
        raise fail(path, "fant ingen tekst å indeksere", "sjekk at filen har brødtekst")
    return ocr.repair_passages(passages), entries
