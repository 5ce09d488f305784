"""A report as a reader sees it: clean HTML in parts of bounded size, cited passages marked.

The outline (headings, paragraphs, lists, tables and footnotes with their file lines) is made
by the index build and stored with the index (kb/search/outline.py). Here it becomes HTML:
the inline markup the converted reports carry (`**bold**`, `<sup>17</sup>`, `Rapp\\_Lillehammer`)
is rendered, never shown. A part holds whole sections up to about PART_CHARS characters of
text, so no page is large; every entry carries its first and last line (`data-first`,
`data-last`, `id="L731"`), and each cited range and indexed passage has an empty anchor
(`id="L731-L759"`) before the entry holding its first line, so `#L731-L759` lands there with or
without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from kb.content.model import Case, Citation

PART_CHARS = 45_000  # text per part; the HTML of a part stays well under 150 kB
MIN_PART = PART_CHARS // 3  # a chapter heading starts a new part once the part has this much

SUP = re.compile(r"&lt;sup&gt;\s*([\w*†.,-]{1,12})\s*&lt;/sup&gt;")
TAG = re.compile(r"&lt;/?[a-zA-Z][^&]{0,200}?&gt;")
STRONG = re.compile(r"\*\*(?!\s)(.+?)(?<!\s)\*\*|__(?!\s)(.+?)(?<!\s)__")
EM = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
ESCAPED = re.compile(r"\\+([_*\[\]()#.\-])")
LINK = re.compile(r"\[([^\]]{1,300})\]\((https?://[^)\s]{1,500})\)")
HASHES = re.compile(r"^#{1,6}\s+")


def inline(text: str) -> Markup:
    """Report text with its Markdown-ish inline markup as safe HTML."""
    html = str(escape(text))
    html = SUP.sub(r"<sup>\1</sup>", html)
    html = TAG.sub("", html)
    html = LINK.sub(r'<a href="\2">\1</a>', html)
    html = STRONG.sub(lambda m: f"<strong>{m[1] or m[2]}</strong>", html)
    html = EM.sub(r"<em>\1</em>", html)
    html = ESCAPED.sub(r"\1", html).replace("**", "")
    return Markup(html)


def plain(text: str) -> str:
    """Report text without markup (for headings and titles)."""
    return Markup(inline(HASHES.sub("", text))).striptags()


@dataclass
class Range:
    """A cited line range: its anchor, the cases citing it and their quotes."""

    first: int
    last: int
    cases: list[Case] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"L{self.first}-L{self.last}"


@dataclass
class Entry:
    """One heading, paragraph, list, table or footnote of a report, ready for the template."""

    kind: str
    first: int
    last: int
    html: Markup  # the entry's inner HTML (items/rows are rendered here too)
    level: int = 0  # heading level h2–h4
    anchors: list[str] = field(default_factory=list)  # range anchors placed before it
    cited: bool = False
    used_in: list[Range] = field(default_factory=list)  # ranges ending here: «Brukt i» after it


@dataclass
class Part:
    """A page of a report: consecutive entries, with its number and heading."""

    number: int
    title: str
    entries: list[dict]
    headings: list[tuple[int, str, int]] = field(default_factory=list)  # (level, text, line)

    @property
    def first(self) -> int:
        return self.entries[0]["first"]

    @property
    def last(self) -> int:
        return self.entries[-1]["last"]


def heading_text(entry: dict) -> str:
    return " ".join(x for x in (entry.get("number", ""), plain(entry.get("title", ""))) if x)


def heading_level(entry: dict) -> int:
    """h2 for chapters, h3 for sections, h4 below; unnumbered headings by their `#` depth."""
    if entry.get("number"):
        return min(4, 1 + entry["number"].count(".") + 1)
    return 2 if entry.get("level", 0) <= 2 else 3


def _size(entry: dict) -> int:
    if entry["kind"] == "table":
        return sum(len(c) + 20 for row in entry["rows"] for c in row)
    if entry["kind"] == "list":
        return sum(len(i) + 20 for i in entry["items"])
    return len(entry.get("text") or entry.get("title") or "") + 40


def parts(entries: list[dict]) -> list[Part]:
    """The report cut into parts at headings, each at most about PART_CHARS of text."""
    out: list[Part] = []
    current: list[dict] = []
    size = 0
    for k, entry in enumerate(entries):
        heading = entry["kind"] == "heading"
        chapter = heading and heading_level(entry) == 2
        section = _section_size(entries, k) if heading else 0
        full = size + (section if heading else _size(entry)) > PART_CHARS
        if current and (
            (heading and (full or (chapter and size >= MIN_PART))) or size >= PART_CHARS
        ):
            out.append(_part(len(out) + 1, current))
            current, size = [], 0
        current.append(entry)
        size += _size(entry)
    if current:
        out.append(_part(len(out) + 1, current))
    return out


def _section_size(entries: list[dict], k: int) -> int:
    """The text up to the next heading (a section kept whole when it fits)."""
    size = _size(entries[k])
    for entry in entries[k + 1 :]:
        if entry["kind"] == "heading":
            break
        size += _size(entry)
    return size


def _part(number: int, entries: list[dict]) -> Part:
    heads = [(heading_level(e), heading_text(e), e["first"]) for e in entries if _is_heading(e)]
    title = heads[0][1] if heads else ("Innledning" if number == 1 else f"Del {number}")
    return Part(number, title, entries, heads)


def _is_heading(entry: dict) -> bool:
    return entry["kind"] == "heading"


def part_of(found: list[Part], line: int) -> Part | None:
    """The part that holds a line (or the first part after it when the line is in a gap)."""
    for part in found:
        if line <= part.last:
            return part
    return found[-1] if found else None


def cited_ranges(cited: list[tuple[Case, list[Citation]]]) -> list[Range]:
    """Every distinct cited line range with its cases and quotes, in file order."""
    by: dict[tuple[int, int], Range] = {}
    for case, refs in cited:
        for ref in refs:
            if not ref.lines:
                continue
            r = by.setdefault(tuple(ref.lines), Range(*ref.lines))
            if all(c.id != case.id for c in r.cases):  # not `in`: that compares every field
                r.cases.append(case)
            if ref.quote and ref.quote not in r.quotes:
                r.quotes.append(ref.quote)
    return [by[k] for k in sorted(by)]


def render(part: Part, ranges: list[Range], passages: list[list[int]]) -> list[Entry]:
    """A part's entries as HTML, with anchors for the cited ranges and passages it holds."""
    out = [_entry(e) for e in part.entries]
    used: set[str] = set()
    spans = [(r.first, r.last, r) for r in ranges] + [(a, b, None) for a, b in passages]
    for first, last, rng in spans:
        holder = _holder(out, first)
        if holder is None:
            continue
        name = f"L{first}-L{last}"
        if name not in used:
            used.add(name)
            holder.anchors.append(name)
        if rng is None:
            continue
        for entry in out:
            if entry.first <= last and entry.last >= first:
                entry.cited = True
        _holder(out, last, before=True).used_in.append(rng)
    return out


def _holder(entries: list[Entry], line: int, before: bool = False) -> Entry | None:
    """The entry holding a line, else the next one (or, with before, the one before it)."""
    if not entries or line > entries[-1].last and not before:
        return None
    if line < entries[0].first:
        return None if before else entries[0]
    prev = entries[0]
    for entry in entries:
        if entry.first <= line <= entry.last:
            return entry
        if entry.first > line:
            return prev if before else entry
        prev = entry
    return entries[-1]


def _entry(e: dict) -> Entry:
    kind = e["kind"]
    if kind == "heading":
        return Entry(kind, e["first"], e["last"], Markup(escape(heading_text(e))), heading_level(e))
    if kind == "list":
        items = Markup("").join(Markup("<li>%s</li>") % inline(i) for i in e["items"])
        return Entry(kind, e["first"], e["last"], items)
    if kind == "table":
        rows = Markup("").join(
            Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % inline(c) for c in row)
            for row in e["rows"]
        )
        return Entry(kind, e["first"], e["last"], rows)
    return Entry(kind, e["first"], e["last"], inline(e["text"]))
