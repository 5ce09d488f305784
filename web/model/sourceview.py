"""A report's page: the excerpts cases cite and the indexed passages, as numbered file lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.content.model import Case, Citation, Source
from kb.content.pages import PageMap, page_map_of, page_range
from kb.content.schema import reader_locator
from kb.content.sources import locate, text_lines

PAGE = 100  # passages per call when listing a source from the index
MAX_PASSAGES = 2000


@dataclass(frozen=True)
class Block:
    """A stretch of a report shown on its page, with the anchor that links to it."""

    anchor: str  # element id: "L731-L759", "p12", or "" when another block has it
    start: int | None
    end: int | None
    heading: str
    lines: tuple[tuple[int, str], ...] = ()
    text: str = ""  # shown instead of lines when the file is not here (HTML-safe)
    cases: tuple[Case, ...] = ()
    quotes: tuple[str, ...] = ()


def anchor(lines: tuple[int, int] | list | None, pages=None) -> str:
    """The anchor of a locator: «L731-L759» for lines, «p12» for a page."""
    if lines:
        return f"L{lines[0]}-L{lines[1]}"
    return f"p{pages[0]}" if pages else ""


_PAGE_MAPS: dict[int, tuple[Source, PageMap | None]] = {}  # id → (the source, its map)


def _page_map(source: Source) -> PageMap | None:
    """The source's page map, parsed once (a report page asks for it for every passage)."""
    held = _PAGE_MAPS.get(id(source))
    if held is None or held[0] is not source:  # the source is held, so its id is not reused
        if len(_PAGE_MAPS) > 64:
            _PAGE_MAPS.clear()
        held = _PAGE_MAPS[id(source)] = (source, page_map_of(source))
    return held[1]


def place_in_report(source: Source, first: int, last: int) -> str:
    """«s. 57–58, linje 769–771»: the printed pages first when the report has a page map,
    then the lines of the report file («linje 773» for one line)."""
    lines = f"linje {first}" if first == last else f"linje {first}–{last}"
    page_map = _page_map(source)
    pages = page_range(page_map, (first, last)) if page_map else None
    return f"{reader_locator(Citation(source.id, pages=pages))}, {lines}" if pages else lines


def cited_places(refs: list[Citation]) -> list[tuple[str, list[Citation]]]:
    """One case's citations of a report grouped by what a reader reads first («kap. 4.5,
    s. 62–63»), in order, so the same chapter and pages are not repeated for each line range."""
    groups: dict[str, list[Citation]] = {}
    for ref in refs:
        groups.setdefault(reader_locator(ref), []).append(ref)
    return list(groups.items())


def read_lines(source: Source, dirs: tuple[Path, ...]) -> tuple[str, ...] | None:
    """The lines of the source's text file when it is here and unchanged, else None."""
    for found in locate(source, dirs):
        if found.sha_ok and found.file.format == "text":
            return text_lines(found.path)
    return None


def _numbered(lines: tuple[str, ...] | None, start: int, end: int) -> tuple[tuple[int, str], ...]:
    if not lines:
        return ()
    end = min(end, len(lines))
    return tuple((n, lines[n - 1]) for n in range(max(start, 1), end + 1))


def _group(cited: list[tuple[Case, list[Citation]]]) -> dict[tuple, tuple]:
    """Cited locators by range: (cases, quotes, first citation)."""
    by_range: dict[tuple, tuple[list[Case], list[str], Citation]] = {}
    for case, refs in cited:
        for ref in refs:
            key = (ref.lines or (0, 0), ref.pages or (0, 0))
            cases, quotes, _ = by_range.setdefault(key, ([], [], ref))
            if case not in cases:
                cases.append(case)
            if ref.quote and ref.quote not in quotes:
                quotes.append(ref.quote)
    return by_range


def excerpts(
    cited: list[tuple[Case, list[Citation]]], lines: tuple[str, ...] | None, used: set[str]
) -> list[Block]:
    """One block per distinct cited range, in file order, with the cases that cite it."""
    blocks = []
    for _range, (cases, quotes, ref) in sorted(_group(cited).items()):
        start, end = ref.lines or (None, None)
        numbered = _numbered(lines, start, end) if start else ()
        name = _claim(anchor(ref.lines, ref.pages), used)
        heading = _heading(ref.section)
        blocks.append(Block(name, start, end, heading, numbered, "", tuple(cases), tuple(quotes)))
    return blocks


def _claim(name: str, used: set[str]) -> str:
    """The anchor if no block has it yet (ids are unique in a page), else ""."""
    if not name or name in used:
        return ""
    used.add(name)
    return name


def _heading(section: str, title: str = "") -> str:
    section = section.strip()
    head = f"§ {section}" if section and section[0].isdigit() else section
    return " ".join(x for x in (head, title) if x)


def passage_blocks(hits: list[dict], lines: tuple[str, ...] | None, used: set[str]) -> list[Block]:
    """The indexed passages of a source, in file order."""
    blocks = []
    for hit in sorted(hits, key=_position):
        loc = hit["locations"][0]
        start, end = loc.get("lines") or (None, None)
        name = _claim(anchor(loc.get("lines"), loc.get("pages")), used)
        numbered = _numbered(lines, start, end) if start else ()
        blocks.append(
            Block(
                name,
                start,
                end,
                _heading(loc.get("section") or "", hit.get("section_title") or ""),
                numbered,
                "" if numbered else hit.get("snippet", ""),
            )
        )
    return blocks


def _position(hit: dict) -> tuple[int, int]:
    loc = hit["locations"][0]
    return ((loc.get("lines") or [0])[0], (loc.get("pages") or [0])[0])


def indexed_passages(searcher, source_id: str) -> list[dict]:
    """Every passage of a source in the index (as search hits), paging through the listing."""
    hits: list[dict] = []
    page = 1
    while len(hits) < MAX_PASSAGES:
        result = searcher.search(
            "", filters={"source": [source_id]}, kind="passage", limit=PAGE, page=page, sort="title"
        )
        hits += result["hits"]
        if page >= result["pages"]:
            break
        page += 1
    return hits
