"""Paragraphs and sentences: source lines joined into text, cut at sentence ends, located."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from indexer.cleanup import SENTENCE_END, clean_inline, continues, join_hyphens, join_pair
from indexer.extract.base import SourceLine
from indexer.extract.structure import BULLET, Block

MAX_WORDS = 250  # longest passage
CHUNK = 200  # words per piece when a sentence without full stops is cut up
SENTENCE = re.compile(r"[.!?…][»”\"')\]]*\s+(?=[«\"(\[]?[A-ZÆØÅ0-9•])|\n")
# Abbreviations whose full stop does not end a sentence
ABBREV = set(
    "f.eks bl.a jf jfr mv m.m nr ca dvs kap s st pst kr mill mrd ev evt inkl ift iht mht pkt dr "
    "prof nb".split()
)


@dataclass
class Unit:
    """A sentence (or a heading line) with the source lines it spans."""

    text: str
    lines: list[SourceLine]
    para_end: bool = False
    heading: bool = False
    newline: bool = False  # starts on a line of its own (a list item, or text after a list)

    @property
    def words(self) -> int:
        """The unit's length in words."""
        return len(self.text.split())


@dataclass
class Paragraph:
    """A paragraph's joined text and where each source line starts in it."""

    counts: Counter[str]  # the document's word counts, for hyphen joins
    parts: list[str] = field(default_factory=list)  # joined text = "".join(parts)
    starts: list[tuple[int, SourceLine]] = field(default_factory=list)
    size: int = 0  # length of the joined text
    in_list: bool = False  # the last line belongs to a bullet item

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
            self.in_list = True
        elif self.in_list and last.endswith(SENTENCE_END) and piece[:1].isupper():
            merged = f"{last}\n{piece}"  # the list is over: the text goes on below it
            self.in_list = False
        else:
            merged = join_pair(last, piece, self.counts)
        self.size += len(merged) - len(last)
        self.starts.append((self.size - len(piece), sl))
        self.parts += [merged[: len(merged) - len(piece)], piece]


def paragraphs(paras: list[Block], counts: Counter[str]) -> list[Paragraph]:
    """Join each paragraph's lines; glue paragraphs cut mid-sentence by a page break."""
    out: list[Paragraph] = []
    for block in paras:
        para = Paragraph(counts)
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


def units(para: Paragraph) -> list[Unit]:
    """A paragraph as sentences; a sentence longer than MAX_WORDS is cut at line starts."""
    out: list[Unit] = []
    text = para.text
    positions = [pos for pos, _ in para.starts]
    bounds = [0, *_cuts(text), len(text)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        for a, b in _slices(text, positions, start, end):
            sentence = text[a:b].strip()
            if sentence:
                lines = _lines_between(para.starts, positions, a, b)
                newline = "\n" in text[max(0, a - 3) : a]
                out += _split_long(Unit(sentence, lines, newline=newline))
    if out:
        out[-1].para_end = True
    return out


def _slices(text: str, positions: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """The span [start, end) itself, or cut at line starts into pieces of about CHUNK words."""
    if len(text[start:end].split()) <= MAX_WORDS:
        return [(start, end)]
    cuts = positions[bisect_right(positions, start) : bisect_left(positions, end)]
    out, begin, words, prev = [], start, 0, start
    for cut in [*cuts, end]:
        words += len(text[prev:cut].split())
        prev = cut
        if words >= CHUNK or cut == end:
            out.append((begin, cut))
            begin, words = cut, 0
    return out


def _split_long(unit: Unit) -> list[Unit]:
    """Cut an overlong unit (one huge line) into pieces of at most CHUNK words."""
    if unit.words <= MAX_WORDS:
        return [unit]
    words = unit.text.split()
    return [Unit(" ".join(words[i : i + CHUNK]), unit.lines) for i in range(0, len(words), CHUNK)]
