"""Blocks into passages of about 80–250 words, split at section, paragraph and sentence ends."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from indexer.cleanup import clean_inline, continues, join_hyphens, join_pair, word_counts
from indexer.extract.base import SourceLine
from indexer.extract.structure import BULLET, Block
from kb.model import Passage

MIN_WORDS, MAX_WORDS = 80, 250
SUBHEADING_BREAK = 50  # words after which a subheading starts a new passage
FRONT_BACK = {
    "forord",
    "sammendrag",
    "summary",
    "english summary",
    "referanser",
    "referanseliste",
    "litteratur",
    "litteraturliste",
    "kilder",
    "vedlegg",
    "referanseark",
    "innhold",
    "innholdsfortegnelse",
    "forkortelser",
    "ordliste",
    "abstract",
}
SENTENCE = re.compile(r"[.!?…][»”\"')\]]*\s+(?=[«\"(\[]?[A-ZÆØÅ0-9•])|\n")
ABBREV = {
    "f.eks",
    "bl.a",
    "jf",
    "jfr",
    "mv",
    "m.m",
    "nr",
    "ca",
    "dvs",
    "kap",
    "s",
    "st",
    "pst",
    "kr",
    "mill",
    "mrd",
    "ev",
    "evt",
    "inkl",
    "ift",
    "iht",
    "mht",
    "pkt",
    "dr",
    "prof",
    "nb",
}


@dataclass
class Unit:
    """A sentence (or a heading line) with the source lines it spans."""

    text: str
    lines: list[SourceLine]
    para_end: bool = False
    heading: bool = False

    @property
    def words(self) -> int:
        """The unit's length in words."""
        return len(self.text.split())


@dataclass
class _Para:
    """A paragraph's joined text and where each source line starts in it."""

    counts: Counter[str]  # the document's word counts, for hyphen joins
    parts: list[str] = field(default_factory=list)  # joined text = "".join(parts)
    starts: list[tuple[int, SourceLine]] = field(default_factory=list)
    size: int = 0  # length of the joined text

    @property
    def text(self) -> str:
        """The paragraph's joined text."""
        return "".join(self.parts)

    @property
    def tail(self) -> str:
        """The end of the text (enough to see how the last line ended)."""
        return self.parts[-1] if self.parts else ""

    def add(self, sl: SourceLine) -> None:
        """Append one source line, mending hyphenation across the break."""
        piece = join_hyphens(clean_inline(sl.text), self.counts)
        if not piece:
            return
        last = self.parts.pop() if self.parts else ""
        if BULLET.match(piece):
            piece = BULLET.sub("• ", piece, count=1)
            merged = f"{last}\n{piece}" if last else piece
        else:
            merged = join_pair(last, piece, self.counts)
        self.size += len(merged) - len(last)
        self.starts.append((self.size - len(piece), sl))
        self.parts += [merged[: len(merged) - len(piece)], piece]


def _paragraphs(paras: list[Block], counts: Counter[str]) -> list[_Para]:
    """Join each paragraph's lines; glue paragraphs cut mid-sentence by a page break."""
    out: list[_Para] = []
    for block in paras:
        para = _Para(counts)
        for sl in block.lines:
            para.add(sl)
        if not para.parts:
            continue
        if out and continues(out[-1].tail, para.parts[1][:40]):
            for _, sl in para.starts:
                out[-1].add(sl)
            continue
        out.append(para)
    return out


def _lines_between(
    starts: list[tuple[int, SourceLine]], positions: list[int], start: int, end: int
) -> list[SourceLine]:
    """The source lines a slice [start, end) of the paragraph text comes from."""
    first = max(0, bisect_right(positions, start) - 1)
    return [sl for _, sl in starts[first : bisect_left(positions, end)]]


def _cuts(text: str) -> list[int]:
    """Offsets where sentences end in a paragraph's text."""
    cuts = []
    for m in SENTENCE.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()].rsplit(None, 1)
        word = before[-1].lower() if before else ""
        if m[0] != "\n" and word.rstrip(".") in ABBREV:
            continue
        cuts.append(m.end())
    return cuts


def units(para: _Para) -> list[Unit]:
    """A paragraph as sentences; a sentence longer than MAX_WORDS is cut at line ends."""
    out: list[Unit] = []
    text = para.text
    positions = [pos for pos, _ in para.starts]
    bounds = [0, *_cuts(text), len(text)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        sentence = text[start:end].strip()
        if sentence:
            lines = _lines_between(para.starts, positions, start, end)
            out += _split_long(Unit(sentence, lines))
    if out:
        out[-1].para_end = True
    return out


def _split_long(unit: Unit) -> list[Unit]:
    """Cut an overlong unit into pieces of at most MAX_WORDS words."""
    if unit.words <= MAX_WORDS:
        return [unit]
    words = unit.text.split()
    size = -(-len(words) // -(-len(words) // 200))
    return [Unit(" ".join(words[i : i + size]), unit.lines) for i in range(0, len(words), size)]


def pack(section: list[Unit]) -> list[list[Unit]]:
    """Group a section's units into passages: paragraphs kept whole where they fit."""
    groups: list[list[Unit]] = []
    cur: list[Unit] = []
    size = 0
    for k, unit in enumerate(section):
        if cur and _break_before(unit, size, section, k):
            groups.append(cur)
            cur, size = [], 0
        cur.append(unit)
        size += unit.words
    if cur:
        groups.append(cur)
    return _rebalance(groups)


def _break_before(unit: Unit, size: int, section: list[Unit], k: int) -> bool:
    """True when a passage should end before this unit."""
    if size + unit.words > MAX_WORDS:
        return True
    if unit.heading:
        return size >= SUBHEADING_BREAK
    if size < MIN_WORDS or not section[k - 1].para_end:
        return False
    para = 0
    for nxt in section[k:]:
        para += nxt.words
        if nxt.para_end:
            break
    return size + para > MAX_WORDS


def _rebalance(groups: list[list[Unit]]) -> list[list[Unit]]:
    """Move sentences into a short last passage from the one before it, keeping both ≥ MIN."""
    if len(groups) < 2:
        return groups
    prev, last = groups[-2], groups[-1]
    words = lambda g: sum(u.words for u in g)  # noqa: E731
    while (
        words(last) < MIN_WORDS
        and len(prev) > 1
        and not last[0].heading
        and words(prev) - prev[-1].words >= MIN_WORDS
        and words(last) + prev[-1].words <= MAX_WORDS
    ):
        last.insert(0, prev.pop())
    return groups


def is_front_back(title: str) -> bool:
    """Front and back matter headings (Forord, Sammendrag, Referanser, Vedlegg …)."""
    words = title.lower().strip(" :.").split()
    return " ".join(words) in FRONT_BACK or bool(words) and words[0] in ("referanseark", "vedlegg")


def _section_of(block: Block, current: tuple[str, str, int]) -> tuple[str, str, int] | None:
    """The (number, title, level) a heading opens; None for a subheading of the current one."""
    if block.number:
        return block.number, block.title, block.level
    if is_front_back(block.title):
        return "", block.title, block.level
    number, title, level = current
    if number or (title and is_front_back(title) and 0 < level < block.level):
        return None
    return "", block.title, block.level


def sections(blocks: list[Block]) -> list[tuple[str, str, list[Unit]]]:
    """The document as (number, title, units) per section, in order."""
    counts = word_counts([sl for b in blocks for sl in b.lines])
    out: list[tuple[str, str, int, list[Unit]]] = [("", "", 0, [])]
    run: list[Block] = []
    for block in [*blocks, Block("heading", [], "end", "")]:
        if block.kind == "para":
            run.append(block)
            continue
        for para in _paragraphs(run, counts):
            out[-1][3].extend(units(para))
        run = []
        opened = _section_of(block, out[-1][:3])
        if opened is None:
            out[-1][3].append(Unit(block.title, block.lines, para_end=True, heading=True))
        else:
            out.append((*opened, []))
    return [(s[0], s[1], s[3]) for s in out if s[3]]


def _locator(group: list[Unit], attr: str) -> tuple[int, int] | None:
    """The (first, last) line or page numbers a passage spans."""
    values = [getattr(sl, attr) for u in group for sl in u.lines if getattr(sl, attr) is not None]
    return (min(values), max(values)) if values else None


def _text(group: list[Unit]) -> str:
    """A passage's text: sentences joined, paragraphs and headings on their own lines."""
    out = ""
    for k, unit in enumerate(group):
        if k:
            sep = "\n\n" if group[k - 1].para_end else ("\n" if unit.text[:1] == "•" else " ")
            out += sep
        out += unit.text
    return out


def make_passages(blocks: list[Block], source: str, sha256: str) -> list[Passage]:
    """Number and locate the passages of a document."""
    passages: list[Passage] = []
    for number, title, section in sections(blocks):
        for group in pack(section):
            passages.append(
                Passage(
                    source=source,
                    sha256=sha256,
                    section=number,
                    section_title=title,
                    text=_text(group),
                    lines=_locator(group, "line"),
                    pages=_locator(group, "page"),
                    n=len(passages),
                )
            )
    return passages
