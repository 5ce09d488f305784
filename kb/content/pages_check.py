"""Check a citation's `pages` against the page map of its source."""

from __future__ import annotations

from kb.content.checker import Checker, _dotted
from kb.content.pages import page_map_of, page_range, pages_agree
from kb.content.problems import WARNING, Problem


def span(pages: tuple[int, int]) -> str:
    """Pages as an editor writes them: «s. 9» or «s. 9–11»."""
    return f"s. {pages[0]}" if pages[0] == pages[1] else f"s. {pages[0]}–{pages[1]}"


def check_cited_pages(c: Checker, base: tuple, source, lines, pages) -> None:
    """Warn when pages are missing or disagree with what the source's page map gives the lines."""
    page_map = page_map_of(source) if source is not None else None
    expected = page_range(page_map, lines) if page_map and lines else None
    if expected is None:
        return
    fix = f"skriv pages: [{expected[0]}, {expected[1]}]"
    if pages is None:
        # reported at the `lines:` line, where the pages belong
        line = c.fm.line_of(*base, "lines")
        field = _dotted(base + ("pages",))
        fix = f"bruk {span(expected)}: {fix}"
        c.problems.append(Problem(c.path, line, field, "mangler sider", fix, WARNING))
        return
    # An approximate map (TOC starts) only bounds the pages: a narrower range inside it may be
    # right; an exact map gives the pages themselves.
    if not pages_agree(page_map, expected, pages):
        how = "sidekartet" if page_map.exact else "innholdsfortegnelsen"
        c.add(
            base + ("pages",),
            f"{span(pages)} stemmer ikke med linje {lines[0]}–{lines[1]}: "
            f"{how} gir {span(expected)}",
            fix,
            warning=True,
        )
