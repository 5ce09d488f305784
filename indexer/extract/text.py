"""Plain text and Markdown: line-aware, every line keeps its 1-based file line number."""

from __future__ import annotations

import re
from pathlib import Path

from indexer.cleanup import mark_pages
from indexer.extract.base import Budget, RawDoc, SourceLine, fail

MAX_BYTES = 20_000_000  # a converted report is far smaller; extraction costs about 2 s per MB
MD_HEADING = re.compile(r"^#{1,6}\s+\S")
MD_SUFFIXES = (".md", ".markdown")


def read_text(path: Path, budget: Budget, max_bytes: int = MAX_BYTES) -> str:
    """The file's text, refusing empty, binary (NUL bytes), oversized or non-UTF-8 files."""
    size = path.stat().st_size
    if size > max_bytes:
        raise fail(
            path,
            f"filen er {size / 1e6:.1f} MB, mer enn grensen på {max_bytes / 1e6:g} MB",
            "del den opp eller registrer en mindre fil",
        )
    data = path.read_bytes()
    if b"\x00" in data:
        raise fail(
            path,
            "filen inneholder NUL-tegn og er ikke en tekstfil",
            "sjekk at riktig fil er registrert, og lagre den som UTF-8-tekst",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            path, f"filen er ikke gyldig UTF-8 (byte {exc.start})", "lagre den på nytt som UTF-8"
        ) from None
    if not text.strip():
        raise fail(path, "filen er tom", "registrer en fil med innhold")
    budget.check_time()
    return text


def extract_text(path: Path, budget: Budget) -> RawDoc:
    """Read a text or Markdown file into numbered lines; reconstruct pages where marked."""
    text = read_text(path, budget)
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [SourceLine(t, line=i) for i, t in enumerate(raw, start=1)]
    headings = sum(1 for t in raw if MD_HEADING.match(t))
    markup = path.suffix.lower() in MD_SUFFIXES or headings >= 3
    paged = False if markup else mark_pages(lines)
    return RawDoc(lines, markup=markup, paged=paged)
