"""Blocks into passages of about 80–250 words, split at section, paragraph and sentence ends."""

from __future__ import annotations

from indexer.cleanup import word_counts
from indexer.extract.sentences import MAX_WORDS, Unit, paragraphs, units
from indexer.extract.structure import Block
from kb.content.model import Passage

MIN_WORDS = 80  # shortest passage, except the last of a section or sub-section
SUBHEADING_BREAK = 50  # words after which a subheading starts a new passage
# Front and back matter: an unnumbered heading with one of these titles opens a section
FRONT_BACK = set(
    "forord|sammendrag|summary|english summary|abstract|innhold|innholdsfortegnelse|referanser|"
    "referanseliste|litteratur|litteraturliste|kilder|vedlegg|referanseark|forkortelser|ordliste".split(
        "|"
    )
)


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


def words(group: list[Unit]) -> int:
    """A group's length in words."""
    return sum(u.words for u in group)


def _rebalance(groups: list[list[Unit]]) -> list[list[Unit]]:
    """Move sentences into a short last passage from the one before it, keeping both ≥ MIN."""
    if len(groups) < 2:
        return groups
    prev, last = groups[-2], groups[-1]
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
        for para in paragraphs(run, counts):
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
            sep = "\n\n" if group[k - 1].para_end else ("\n" if unit.newline else " ")
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
