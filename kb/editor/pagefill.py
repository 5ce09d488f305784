"""Fill in missing `pages:` of citations from the sources' page maps, changing nothing else.

Used by `content/sources/fill_pages.py`. A `pages` an editor wrote is never overwritten: when it
disagrees with the page map, it is reported for the editor to settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kb.content.frontmatter import FrontMatterError, parse_front_matter
from kb.content.pages import page_map_of, page_range, pages_agree

# `lines: [a, b]` alone on its line, as a key of a block mapping (maybe the first, after `- `)
LINES_LINE = re.compile(r"^(?P<indent>[ ]*)(?P<dash>-[ ]+)?lines:[ ]*\[[^\]\n]*\][ ]*(#.*)?$")


@dataclass(frozen=True)
class Change:
    """One citation the script filled (or would fill), disagrees with, or had to skip."""

    file: str
    line: int
    index: int  # position in `sources`
    source: str
    kind: str  # "fill" | "disagree" | "skip"
    pages: tuple[int, int] | None = None  # the pages from the map
    note: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: sources[{self.index}].pages:"
        a, b = self.pages or (0, 0)
        if self.kind == "fill":
            return f"{where} [{a}, {b}] ({self.source})"
        if self.kind == "disagree":
            return f"{where} {self.note} — sidekartet gir [{a}, {b}]; rett det for hånd"
        return f"{where} {self.note} — skriv pages: [{a}, {b}] for hånd"


def fill_text(text: str, file: str, sources: dict) -> tuple[str, list[Change]]:
    """The text with missing pages inserted after each citation's `lines:` line, and the changes."""
    try:
        fm = parse_front_matter(text)
    except FrontMatterError:
        return text, []
    refs = fm.meta.get("sources")
    rows = text.split("\n")  # "\r" stays on its row, so CRLF files keep their line ends
    changes = [
        change
        for i, ref in enumerate(refs if isinstance(refs, list) else [])
        if (change := _citation(fm, rows, file, i, ref, sources)) is not None
    ]
    for change in sorted(changes, key=lambda c: -c.line):
        if change.kind == "fill":
            row = rows[change.line - 1]
            match = LINES_LINE.match(row.rstrip("\r"))
            indent = " " * (len(match["indent"]) + len(match["dash"] or ""))
            end = "\r" if row.endswith("\r") else ""
            rows.insert(change.line, f"{indent}pages: [{change.pages[0]}, {change.pages[1]}]{end}")
    return "\n".join(rows), changes


def _citation(fm, rows: list[str], file: str, i: int, ref, sources: dict) -> Change | None:
    """What to do with one citation: nothing (None), fill, report a disagreement, or skip."""
    if not isinstance(ref, dict) or ref.get("source") not in sources:
        return None
    source = sources[ref["source"]]
    page_map = page_map_of(source)
    expected = page_range(page_map, _pair(ref.get("lines"))) if page_map else None
    if expected is None:
        return None
    line = fm.lines.get(("sources", i, "lines"), 0)
    if "pages" in ref:
        pages = _pair(ref["pages"])
        if pages and not pages_agree(page_map, expected, pages):
            note = f"pages: [{pages[0]}, {pages[1]}] stemmer ikke"
            line = fm.lines.get(("sources", i, "pages"), line)
            return Change(file, line, i, source.id, "disagree", expected, note)
        return None
    if not line or not LINES_LINE.match(rows[line - 1].rstrip("\r")):
        note = "lines står ikke alene på én linje som «lines: [første, siste]»"
        return Change(file, line or 1, i, source.id, "skip", expected, note)
    return Change(file, line, i, source.id, "fill", expected)


def _pair(value) -> tuple[int, int] | None:
    ok = isinstance(value, list) and len(value) == 2
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
    return (value[0], value[1]) if ok and value[0] <= value[1] else None


def fill_files(paths: list[Path], sources: dict, write: bool) -> list[Change]:
    """Fill missing pages in the case files (only when write), returning every change."""
    changes: list[Change] = []
    for path in paths:
        data = path.read_bytes()
        text = data.decode("utf-8")
        new, found = fill_text(text, str(path), sources)
        changes += found
        if write and new != text:
            path.write_bytes(new.encode("utf-8"))
    return changes
