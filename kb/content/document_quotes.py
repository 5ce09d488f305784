"""Verify quotes cited from PDF and HTML sources against their extracted text.

`kb` does not extract text itself (that is the indexer's job, and `kb/` never imports it): the
CLI hands the validator a text provider, `pages_text(path, format, pages) -> str`, that returns
the text of the cited printed pages of a PDF (pages None: the whole document, as for HTML).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb.content.checker import Checker
from kb.content.quotes import nearest, normalise, quote_in
from kb.content.sources import locate
from kb.errors import ExtractionError

DOCUMENT_FORMATS = ("pdf", "html")
PagesText = Callable[[Path, str, "tuple[int, int] | None"], str]


def is_document(source) -> bool:
    """Whether quotes from the source are checked in a PDF or HTML file (it has no text file)."""
    formats = {f.format for f in source.files}
    return "text" not in formats and bool(formats & set(DOCUMENT_FORMATS))


def _where(fmt: str, pages: tuple[int, int] | None) -> str:
    if fmt == "html" or pages is None:
        return "i nettsiden" if fmt == "html" else "i dokumentet"
    return f"på s. {pages[0]}" if pages[0] == pages[1] else f"på s. {pages[0]}–{pages[1]}"


def check_document_quote(c: Checker, base: tuple, ctx, sid: str, pages, quote: str) -> None:
    """The quote must stand, whitespace-normalised, on the cited pages (PDF) or page (HTML)."""
    source = ctx.sources[sid]
    located = [f for f in locate(source, ctx.source_dirs) if f.file.format in DOCUMENT_FORMATS]
    if not located:
        names = ", ".join(f.path for f in source.files) or "ingen filer"
        fix = "oppgi mappen med --sources DIR"
        c.add(
            base + ("quote",),
            f"sitatet kan ikke sjekkes: fant ikke {names} i kildemappene",
            fix,
            warning=True,
        )
        return
    found = located[0]
    fmt = found.file.format
    if not found.sha_ok:
        fix = "bruk den registrerte filen, eller registrer den nye"
        c.add(
            base + ("quote",), f"{found.path} har en annen sha256 enn registrert", fix, warning=True
        )
    if fmt == "pdf" and pages is None:
        fix = "skriv pages: [første, siste] med de trykte sidetallene"
        c.add(
            base + ("quote",), "sitatet fra en PDF kan ikke sjekkes uten pages", fix, warning=True
        )
        return
    provider = getattr(ctx, "pages_text", None)
    if provider is None:
        fix = "kjør kb check eller kb validate"
        c.add(
            base + ("quote",),
            f"sitatet i {fmt.upper()}-filen er ikke sjekket her",
            fix,
            warning=True,
        )
        return
    try:
        text = normalise(provider(found.path, fmt, pages if fmt == "pdf" else None))
    except ExtractionError as exc:
        c.add(base + ("quote",), f"sitatet kan ikke sjekkes: {exc}", "", warning=True)
        return
    if not text:
        fix = "rett pages til sider som finnes i filen"
        c.add(base + ("pages",), f"fant ingen tekst {_where(fmt, pages)} i {found.file.path}", fix)
    elif not quote_in(quote, text):
        fix = "kopier sitatet ordrett fra kilden, eller rett pages"
        message = f"sitatet står ikke {_where(fmt, pages)}; nærmest: «{nearest(quote, text)}»"
        c.add(base + ("quote",), message, fix)
