"""The search page's result list: the count a reader can trust, the hits in groups, and what
each hit shows besides the searcher's own fields.

Section names set apart in case snippets («I «Slik gjorde de det»: …»), the source and its
year, and reader locators («kap. 4.1, s. 55–57»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from markupsafe import Markup

from kb.content.loader import Content
from kb.content.model import SECTION_ORDER, Case, Citation
from kb.content.schema import reader_locator
from web.model.browse import label
from web.model.provenance import source_label
from web.templating import number

WORD = re.compile(r"\w+")
TAG = re.compile(r"</?mark>")
RUN = 4  # words of a fragment's start looked for in the case's sections


class SnippetPart(NamedTuple):
    """A stretch of a snippet and the case section it comes from ("" when unknown); a named
    tuple, as a frozen dataclass took three times as long to make (~20 a page)."""

    section: str
    html: Markup


def words(text: str) -> list[str]:
    """The words of a text or snippet (marks and markup signs ignored), lower-cased."""
    return [w.lower() for w in WORD.findall(TAG.sub("", text))]


def first_words(text: str, n: int) -> list[str]:
    """words(text)[:n], without lower-casing the rest of a snippet (nor, mostly, reading it:
    a start cut at a space holds whole words and whole tags, so its first n are the text's)."""
    cut = text.find(" ", 12 * n)
    if cut > 0:
        head = text[:cut]
        found = WORD.findall(TAG.sub("", head) if "<" in head else head)
        if len(found) >= n:
            return [w.lower() for w in found[:n]]
    return [m.group().lower() for m in islice(WORD.finditer(TAG.sub("", text)), n)]


def _heading_pattern(heading: str) -> str:
    """A section heading as it appears in a snippet, each word possibly marked."""
    return r"\s".join(rf"(?:<mark>)?{re.escape(w)}(?:</mark>)?" for w in heading.split())


MARK = "<mark>"
# Each heading of SECTION_ORDER: its first word, and the heading at a place in a snippet (after
# a space or at the start, each word possibly marked, a space after it).
HEADING_AT = {
    heading: (heading.split()[0], re.compile(rf"(?<!\S)({_heading_pattern(heading)})\s"))
    for heading in SECTION_ORDER
}


def _cuts(snippet: str, sections: dict[str, list[str]]) -> list[tuple[int, int, str]]:
    """(start, end, heading) where one of the case's section headings starts in the snippet
    and the words after it begin that section, in snippet order.

    Each heading is looked for by its first word (str.find) and tried with its own pattern
    there, and only the case's headings: no heading of SECTION_ORDER starts with a word that
    another one has after its first, so two headings never overlap in a snippet, and what
    these find is what one pattern of every heading found (test_snippet_cuts_equal_the_old_
    scan). Most case snippets hold no heading, or only some of the case's first words.
    """
    cuts = []
    for heading, (first, pattern) in HEADING_AT.items():
        section = sections.get(heading)
        at = snippet.find(first) if section is not None else -1
        while at >= 0:
            marked = at >= len(MARK) and snippet.startswith(MARK, at - len(MARK))
            m = pattern.match(snippet, at - len(MARK) if marked else at)
            if m:
                after = first_words(snippet[m.end() :], 3)
                if after and section[: len(after)] == after:
                    cuts.append((m.start(), m.end(), heading))
            at = snippet.find(first, at + 1)
    return sorted(cuts) if len(cuts) > 1 else cuts


def _section_words(case: Case) -> dict[str, list[str]]:
    return _words_of_sections(case.sections)


def warm_sections(cases) -> None:
    """Split the cases' sections into words now (up to what the caches keep), so the first
    search that shows a case does not pay for it: ~1 ms on the first page after start."""
    for case in islice(cases, _joined_sections.cache_info().maxsize):
        _joined_sections(case.sections)


@lru_cache(maxsize=1024)  # the same case is a hit of many searches; its sections never change
def _words_of_sections(sections: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    return {heading: words(md) for heading, md in sections}


@lru_cache(maxsize=1024)
def _joined_sections(sections: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each section's words joined by single spaces, with a space at each end."""
    return {heading: f" {' '.join(ws)} " for heading, ws in _words_of_sections(sections).items()}


def _section_of(fragment: str, case: Case) -> str:
    """The one section whose text holds the fragment's first words (whole words), or ""."""
    return _section_in(fragment, case.sections)


def _section_in(fragment: str, sections: tuple[tuple[str, str], ...]) -> str:
    run = first_words(fragment, RUN)
    if len(run) < 2:
        return ""
    needle = f" {' '.join(run)} "
    found = [h for h, text in _joined_sections(sections).items() if needle in text]
    return found[0] if len(found) == 1 else ""


def snippet_parts(snippet: str, case: Case | None) -> list[SnippetPart]:
    """A case snippet split where a section heading starts, each part with its section.

    A heading counts only when the words after it begin that section of the case, so a word
    like «Resultater» inside a sentence stays text.
    """
    if case is None:
        return [SnippetPart("", Markup(snippet))]
    return list(_case_parts(snippet, case.sections))


# A case's snippet recurs from search to search (about a third of the case hits of
# bench_http's fresh searches had been shown before): its parts, ~13 µs to find, are a
# function of the snippet and the case's sections only.
@lru_cache(maxsize=2048)
def _case_parts(snippet: str, sections: tuple[tuple[str, str], ...]) -> tuple[SnippetPart, ...]:
    cuts = _cuts(snippet, _words_of_sections(sections))
    parts = []
    first = snippet[: cuts[0][0]] if cuts else snippet
    if first.strip():
        parts.append(SnippetPart(_section_in(first.removeprefix("… "), sections), Markup(first)))
    for i, (_, end, heading) in enumerate(cuts):
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else len(snippet)
        parts.append(SnippetPart(heading, Markup(snippet[end:stop])))
    return tuple(parts)


def locator_text(location: dict) -> str:
    """A passage's place in its report as a reader reads it: «kap. 4.1, s. 55–57»."""
    pages = location.get("pages")
    return _locator(
        location.get("source", ""), location.get("section") or "", tuple(pages) if pages else None
    )


@lru_cache(maxsize=4096)  # a function of these three only; the same passages recur
def _locator(source: str, section: str, pages: tuple | None) -> str:
    return reader_locator(Citation(source, section, pages=pages))


def source_years(case: Case, content: Content) -> str:
    """The case's sources with their years: «Fafo-rapport 2015:08», «Menon Economics 2025»."""
    labels = []
    for source_id in dict.fromkeys(c.source for c in case.sources):
        source = content.sources.get(source_id)
        label = source_label(source, source_id)
        if source and source.year and str(source.year) not in label:
            label = f"{label} ({source.year})"
        labels.append(label)
    return ", ".join(labels)


def meta_line(hit: dict, content: Content) -> str:
    """The line under a hit's title: places, evidence and sources of a case; report, year and
    chapter of a passage (plain text, escaped by the template)."""
    if hit["kind"] == "case":
        places = ", ".join(hit.get("kommuner") or hit.get("fylker") or ["Flere steder"])
        line = f"{places} · Evidens: {label(content, 'evidence', hit.get('evidence'))}"
        return line + (f" · Kilde: {hit['sources_text']}" if hit["sources_text"] else "")
    line = str(hit.get("source_title", ""))
    line += f" ({hit['year']})" if hit.get("year") else ""
    return line + (f" · {hit['locator']}" if hit["locator"] else "")


def source_lines(content: Content) -> dict[str, str]:
    """Every case's source_years(), for site().derived: once per version of the content."""
    return {case_id: source_years(case, content) for case_id, case in content.cases.items()}


def dress_hits(hits: list[dict], content: Content, sources: dict[str, str]) -> list[dict]:
    """The hits with what the result list shows: snippet parts, sources (source_lines of the
    content), locators, the line under the title."""
    out, cases = [], content.cases
    for hit in hits:
        case = cases.get(hit["id"]) if hit["kind"] == "case" else None
        dressed = hit.copy()
        dressed["parts"] = snippet_parts(hit.get("snippet") or "", case)
        dressed["sources_text"] = sources[case.id] if case else ""
        locations = hit.get("locations")
        dressed["locator"] = locator_text(locations[0]) if locations else ""
        dressed["meta"] = meta_line(dressed, content)
        out.append(dressed)
    return out


@dataclass
class Group:
    """A heading and its hits in relevance order; `more` links to every hit of its kind."""

    title: str
    hits: list[dict] = field(default_factory=list)
    more: tuple[str, int] | None = None  # (URL query, how many) for «Vis alle N grep»


def count_line(result: dict, q: str) -> str:
    """«12 grep og 34 rapportavsnitt for «bolig»», or the fallback named, or «Ingen treff …»."""
    if not result["total"]:
        return "Ingen treff" + (f" for «{q}»" if q else "")
    if result.get("match") == "some":
        return f"Ingen treff på alle ordene for «{q}» — viser treff på noen av dem"
    if not q:
        return f"{number(result['total'])} treff"
    counts = result.get("counts") or {}
    cases, passages = counts.get("case", 0), counts.get("passage", 0)
    parts = [f"{number(cases)} grep"] if cases else []
    parts += [f"{number(passages)} rapportavsnitt"] if passages else []
    line = " og ".join(parts) + f" for «{q}»"
    return line + (" (med de fleste av ordene)" if result.get("match") == "most" else "")


def hit_groups(result: dict, req) -> list[Group]:
    """The hits in the ranking's order (cases and passages on one scale), then the hits with
    only some of the words under their own heading. On the first page of a search by relevance
    over every kind, «Vis alle N grep» follows when more cases matched than the page shows.

    Cases are not moved ahead of passages here: the ranking already lifts a case that has every
    word in its title or summary, and grouping every case with every word first made the first
    five worse (docs/sok.md «Åttende runde»: P@5 0.640 → 0.569 on the tuning half).
    """
    hits = result["hits"]
    full = [h for h in hits if not h.get("partial")]
    partial = [h for h in hits if h.get("partial")]
    tail = [Group("Treff på noen av ordene", partial)] if partial else []
    first = req.q and req.sort == "relevance" and not req.kind and req.page == 1
    more = None
    if first and result.get("match") != "some":
        n_cases = (result.get("counts") or {}).get("case", 0)
        shown = sum(h["kind"] == "case" for h in full)
        more = (req.toggle("kind", "case"), n_cases) if n_cases > shown else None
    return [Group("", full, more), *tail]
