"""What tells a reader where a case's facts come from: dated facts, linked source markers,
reader-facing locators and the editors' own section set apart."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from kb.content.model import EDITORIAL_SECTION, Case, Citation, Source
from kb.content.schema import reader_locator
from web.model.render import link_markers, markdown_html


@dataclass(frozen=True)
class Section:
    """One rendered body section; editorial sections are the editors' view, not a source's."""

    heading: str
    html: Markup
    editorial: bool


def source_label(source: Source | None, fallback: str) -> str:
    """A short name for a source: «Fafo-rapport 2015:08», «Menon Economics 2025»."""
    if source is None:
        return fallback
    if source.series:
        return source.series
    publisher = source.publisher.split(",")[0].strip() or source.title
    return f"{publisher} {source.year}" if source.year else publisher


def facts_line(case: Case, sources: dict[str, Source]) -> str:
    """«Opplysningene er fra 2014 (Fafo-rapport 2015:08)», or "" when the year is unknown."""
    if not case.as_of:
        return ""
    cited = dict.fromkeys(c.source for c in case.sources)
    labels = ", ".join(source_label(sources.get(s), s) for s in cited)
    return f"Opplysningene er fra {case.as_of} ({labels})."


def citation_href(citation: Citation) -> str:
    """The source view at the cited lines (the line numbers live only in the link)."""
    anchor = f"#L{citation.lines[0]}-L{citation.lines[1]}" if citation.lines else ""
    return f"/kilder/{citation.source}{anchor}"


def citation_title(citation: Citation, sources: dict[str, Source]) -> str:
    """«Fafo-rapport 2015:08, kap. 4.4, s. 60–62»: what a marker's tooltip says."""
    where = reader_locator(citation)
    label = source_label(sources.get(citation.source), citation.source)
    return f"{label}, {where}" if where else label


def sections(case: Case, sources: dict[str, Source]) -> list[Section]:
    """The body's sections as HTML, each [n] marker a link to the cited passage."""

    def href(n: int) -> tuple[str, str] | None:
        if not 1 <= n <= len(case.sources):
            return None
        citation = case.sources[n - 1]
        return citation_href(citation), citation_title(citation, sources)

    return [
        Section(heading, link_markers(markdown_html(md, 1), href), heading == EDITORIAL_SECTION)
        for heading, md in case.sections
    ]
