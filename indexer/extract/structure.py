"""Lines into blocks: headings (numbered by pattern, not by `#` depth) and paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.cleanup import SENTENCE_END, clean_inline, double_spaced
from indexer.extract.base import RawDoc, SourceLine

MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([^\W\d_«\"(].*)$")
FOOTNOTE = re.compile(r"^(\d{1,2})(?:\s+[A-ZÆØÅ]|https?:)")
MD_FOOTNOTE = re.compile(r"^\s*<sup>\s*\d{1,3}\s*</sup>")
RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
BULLET = re.compile(r"^\s*(?:[-*+•▪◦●]|\d{1,2}[.)]|[a-h]\))\s+")
TOC_TITLES = {"innhold", "innholdsfortegnelse", "contents", "table of contents"}


@dataclass
class Block:
    """A heading or a paragraph, with the source lines it came from."""

    kind: str  # "heading" | "para"
    lines: list[SourceLine]
    number: str = ""  # section number of a numbered heading
    title: str = ""  # heading text without its number
    level: int = 0  # Markdown `#` depth (0 when unmarked); used only for unnumbered headings


@dataclass
class _State:
    """The running state of the block builder."""

    blocks: list[Block] = field(default_factory=list)
    para: list[SourceLine] = field(default_factory=list)
    section: tuple[int, ...] = ()
    in_toc: bool = False
    in_notes: bool = False

    def flush(self) -> None:
        """Close the open paragraph."""
        if self.para and not self.in_toc:
            self.blocks.append(Block("para", self.para))
        self.para = []

    def heading(
        self, lines: list[SourceLine], title: str, number: str = "", level: int = 0
    ) -> None:
        """Close the paragraph and add a heading."""
        self.flush()
        self.in_toc = title.lower().rstrip(":") in TOC_TITLES
        self.in_notes = False
        if number:
            self.section = tuple(int(p) for p in number.split("."))
        self.blocks.append(Block("heading", lines, number, title, level))


def split_number(title: str) -> tuple[str, str]:
    """A heading's section number and title («4.1 Lillehammer» → ("4.1", "Lillehammer"))."""
    m = NUMBERED.match(title)
    return (m[1], m[2].strip()) if m else ("", title.strip())


def follows(number: tuple[int, ...], current: tuple[int, ...]) -> bool:
    """True when a section number can come next after the current one (child or next)."""
    if not current:
        return number in ((1,), (1, 1))
    if number == current + (1,):
        return True
    return any(number == current[:k] + (current[k] + 1,) for k in range(len(current)))


def blocks(doc: RawDoc) -> list[Block]:
    """Group a document's lines into headings and paragraphs."""
    if doc.markup:
        return _markup_blocks(doc.lines)
    return _plain_blocks(doc.lines, doc.paged, double_spaced(doc.lines))


def _markup_blocks(lines: list[SourceLine]) -> list[Block]:
    """Markdown-like lines: `#` lines are headings, blank lines end paragraphs."""
    state = _State()
    for sl in lines:
        m = MD_HEADING.match(sl.text)
        if m:
            title = clean_inline(m[2])
            if title:
                state.heading([sl], *reversed(split_number(title)), level=len(m[1]))
        elif RULE.match(sl.text) or not sl.text.strip():
            state.flush()
        elif not state.para and MD_FOOTNOTE.match(sl.text):
            state.in_notes = True  # a footnote paragraph: skipped up to the next blank line
        elif state.in_notes and not state.para:
            continue
        else:
            state.para.append(sl)
        if not sl.text.strip():
            state.in_notes = False
    state.flush()
    return state.blocks


def _plain_blocks(lines: list[SourceLine], paged: bool, double: bool) -> list[Block]:
    """Unmarked lines (PDF text, converted reports): headings found by shape and position."""
    state = _State()
    i, note = 0, 1
    while i < len(lines):
        sl = lines[i]
        text = sl.text.strip()
        if not text:
            if sl.text or not double:
                state.flush()
            i += 1
            continue
        taken = _plain_heading(state, lines, i, double)
        if taken:
            i += taken
            continue
        m = FOOTNOTE.match(text)
        if paged and m and int(m[1]) == note and _low_on_page(lines, i):
            i, note = _skip_notes(lines, i, note)
            continue
        state.para.append(sl)
        i += 1
    state.flush()
    _strip_note_marks(state.blocks, note)
    return state.blocks


def _low_on_page(lines: list[SourceLine], i: int) -> bool:
    """True when line i is in the lower half of its page (where footnotes sit)."""
    page = lines[i].page
    before = after = 0
    for j in range(i - 1, max(-1, i - 200), -1):
        if lines[j].page != page:
            break
        before += 1
    for j in range(i + 1, min(len(lines), i + 200)):
        if lines[j].page != page:
            break
        after += 1
    return after <= before


def _skip_notes(lines: list[SourceLine], i: int, note: int) -> tuple[int, int]:
    """Skip footnote lines up to the next page; return the next index and footnote number."""
    page, start = lines[i].page, i
    while i < len(lines) and lines[i].page == page and not (lines[i].page_start and i > start):
        m = FOOTNOTE.match(lines[i].text.strip())
        if m and int(m[1]) == note:
            note += 1
        i += 1
    return i, note


def _strip_note_marks(found: list[Block], next_note: int) -> None:
    """Remove footnote numbers glued to words («statsråder2» → «statsråder»)."""
    if next_note == 1:
        return
    numbers = "|".join(str(n) for n in range(next_note - 1, 0, -1))
    glued = re.compile(rf"(?:(?<=[^\W\d_]{{3}})|(?<=[)»]))(?:{numbers})(?=[\s.,;:)]|$)")
    for block in found:
        for sl in block.lines:
            sl.text = glued.sub("", sl.text)


def _next_text(lines: list[SourceLine], i: int) -> tuple[int, SourceLine | None]:
    """The next line holding text after index i, and how many lines away it is."""
    for j in range(i + 1, min(i + 8, len(lines))):
        if lines[j].text.strip():
            return j - i, lines[j]
    return 0, None


def _plain_heading(state: _State, lines: list[SourceLine], i: int, double: bool) -> int:
    """Add a heading starting at line i when it is one; return the lines it took (0 if none)."""
    text = clean_inline(lines[i].text)
    gap, nxt = _next_text(lines, i)
    number, title = split_number(text)
    if number and title[:1].isupper() and _numbered_ok(state, lines[i], number, title, double):
        if nxt is not None and _continues_heading(title, nxt.text):
            state.heading([lines[i], nxt], f"{title} {clean_inline(nxt.text)}", number)
            return gap + 1
        state.heading([lines[i]], title, number)
        return 1
    if nxt is None:
        return 0
    if double and _double_heading(state, lines[i], text, gap):
        return 1
    if _unnumbered_ok(state, text, gap, nxt.text.strip(), double):
        state.heading([lines[i]], text)
        return 1
    return 0


def _after_break(state: _State) -> bool:
    """True when no paragraph is open or the open one ends a sentence."""
    return not state.para or state.para[-1].text.rstrip().endswith(SENTENCE_END)


def _unnumbered_ok(state: _State, text: str, gap: int, nxt: str, double: bool) -> bool:
    """A short line standing alone (blank line after it) before a capitalised line."""
    opens = nxt[:1]
    return (
        _looks_like_heading(text)
        and gap >= 2
        and (opens.isupper() or opens in '|«"')
        and len(text) <= 60
        and (_after_break(state) or len(text.split()) <= 6 and not double)
    )


def _numbered_ok(state: _State, sl: SourceLine, number: str, title: str, double: bool) -> bool:
    """Plain-text numbered headings: short, no list punctuation, in sequence.

    In report 003's layout a chapter number (one level) must begin a page, so that a numbered
    list inside a chapter («5. Sikre brukerinvolvering») is not taken for chapter 5.
    """
    if len(title.split()) > 14 or "," in title or title.endswith((".", ",", ";", ":")):
        return False
    parts = tuple(int(p) for p in number.split("."))
    if not follows(parts, state.section):
        return False
    if len(parts) == 1 and double:
        return sl.page_start
    return _after_break(state)


def _continues_heading(title: str, nxt: str) -> bool:
    """True when the next line finishes a heading that wrapped («… kommunene» / «(fase 1-2)»)."""
    nxt = nxt.strip()
    return (
        len(nxt.split()) <= 6
        and not nxt.endswith(tuple(".!?:;,"))
        and (nxt[:1].islower() or nxt.startswith("("))
        and not title.endswith(".")
    )


def _looks_like_heading(text: str, max_words: int = 14) -> bool:
    """Short, capitalised, no closing punctuation: the shape of an unnumbered heading."""
    words = text.split()
    return (
        0 < len(words) <= max_words
        and len(text) <= 8 * max_words
        and text[:1].isupper()
        and not text.endswith((".", ",", ";", ":", "-", "!"))
        and not BULLET.match(text)
    )


def _double_heading(state: _State, sl: SourceLine, text: str, gap: int) -> int:
    """Report 003's layout: a heading is the line followed directly by text (no blank line)."""
    lead = " ".join(clean_inline(p.text) for p in state.para)
    if gap != 1 or (state.para and (len(lead.split()) > 16 or lead.endswith(SENTENCE_END))):
        return 0
    title = f"{lead} {text}".strip()
    if not _looks_like_heading(title, 20):
        return 0
    taken, state.para = state.para + [sl], []
    number, title = split_number(title)
    ok = number and follows(tuple(int(p) for p in number.split(".")), state.section)
    state.heading(taken, title if ok or not number else f"{number} {title}", number if ok else "")
    return 1
