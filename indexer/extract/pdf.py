"""PDF with pdfminer.six, page by page, keeping printed page labels, within the budgets."""

from __future__ import annotations

from pathlib import Path

from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from indexer.extract.base import Budget, RawDoc, SourceLine, fail
from indexer.extract.pdfbounds import BoundedAggregator, BoundedInterpreter, PageTooLarge
from kb.errors import ExtractionError

FIX_BROKEN = "åpne filen i en PDF-leser og lagre den på nytt, eller registrer en tekstversjon"


def _page_number(label: object, physical: int) -> int:
    """The printed page label as a number; the physical page number when it is not one."""
    text = str(label or "").strip()
    return int(text) if text.isdigit() and len(text) < 6 else physical


def _declared_pages(doc: PDFDocument) -> int:
    """The page count the document declares (0 when it does not say)."""
    try:
        count = resolve1(resolve1(doc.catalog["Pages"]).get("Count", 0))
        return count if isinstance(count, int) else 0
    except Exception:  # a missing or broken count is checked page by page
        return 0


def _page_lines(layout, number: int) -> list[SourceLine]:
    """The text lines of one laid-out page, a blank line between text boxes."""
    lines: list[SourceLine] = []
    for box in layout:
        if not isinstance(box, LTTextContainer):
            continue
        for item in box:
            if isinstance(item, LTTextLine) and item.get_text().strip():
                lines.append(SourceLine(item.get_text().rstrip("\n"), page=number))
        lines.append(SourceLine("", page=number))
    if lines:
        first = next((sl for sl in lines if sl.text.strip()), lines[0])
        first.page_start = True
    return lines


def _open(path: Path, fh) -> PDFDocument:
    """Parse the document trailer; refuse encrypted files."""
    try:
        return PDFDocument(PDFParser(fh))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise fail(
            path,
            "PDF-en er kryptert eller passordbeskyttet",
            "lagre en kopi uten passord og registrer den",
        ) from None


def _read_pages(path: Path, doc: PDFDocument, budget: Budget) -> list[SourceLine]:
    """Lay out every page in turn, within the budgets."""
    budget.check_pages(_declared_pages(doc))
    manager = PDFResourceManager()
    device = BoundedAggregator(manager, LAParams(), budget)
    interpreter = BoundedInterpreter(manager, device)
    lines: list[SourceLine] = []
    for physical, page in enumerate(PDFPage.create_pages(doc), start=1):
        budget.check_pages(physical)
        budget.check_time()
        interpreter.process_page(page)
        lines += _page_lines(device.get_result(), _page_number(page.label, physical))
    return lines


def extract_pdf(path: Path, budget: Budget) -> RawDoc:
    """Read a PDF into lines tagged with their page numbers."""
    with open(path, "rb") as fh:
        try:
            doc = _open(path, fh)
            if not doc.is_extractable:
                raise fail(path, "PDF-en forbyr tekstuttrekk", "registrer en kopi uten sperre")
            lines = _read_pages(path, doc, budget)
        except ExtractionError:
            raise
        except PageTooLarge as exc:
            raise fail(path, f"PDF-en er for tung å lese: {exc}", FIX_BROKEN) from None
        except RecursionError:
            raise fail(path, "PDF-en er nøstet for dypt til å leses", FIX_BROKEN) from None
        except Exception as exc:  # pdfminer raises many kinds of error on broken files
            raise fail(
                path, f"PDF-en kan ikke leses ({type(exc).__name__}: {exc})", FIX_BROKEN
            ) from None
    if not any(sl.text.strip() for sl in lines):
        raise fail(
            path,
            "PDF-en har ingen tekst (kanskje bare skannede bilder)",
            "kjør tekstgjenkjenning (OCR) på den eller registrer en tekstversjon",
        )
    return RawDoc(lines, markup=False, paged=True)
