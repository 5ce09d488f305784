"""A report's reading text: the structure the extractor found, stored with the index.

The report page (web/model/reader.py) shows a report as headings, paragraphs, lists, tables and
footnotes. It may not import the indexer, so the index build writes what `blocks` found here
(one JSON file per source in index/outline/, see kb/search/outline.py) and the page renders
that. The text keeps its inline markup (`**`, `<sup>`, `\\_`): the page turns it into HTML.
"""

from __future__ import annotations

from collections import Counter

from indexer.cleanup import continues, join_hyphens, join_pair, word_counts
from indexer.extract.base import SourceLine
from indexer.extract.structure import BULLET, FOOTNOTE, MD_FOOTNOTE, Block


def outline(lines: list[SourceLine], found: list[Block]) -> list[dict]:
    """The entries of a text document in file order; [] when its lines are not numbered."""
    if not lines or any(sl.line is None for sl in lines):
        return []
    counts = word_counts(lines)
    covered = {sl.line for b in found for sl in b.lines}
    entries = _mend([e for e in (_entry(b, counts) for b in found if b.lines) if e], counts)
    entries += _notes([sl for sl in lines if sl.line not in covered], counts)
    return sorted(entries, key=lambda e: e["first"])


def _mend(entries: list[dict], counts: Counter[str]) -> list[dict]:
    """Join a paragraph cut mid-sentence by a page break with the paragraph that goes on."""
    out: list[dict] = []
    for entry in entries:
        prev = out[-1] if out else None
        if (
            prev
            and prev["kind"] == entry["kind"] == "para"
            and continues(prev["text"], entry["text"])
        ):
            prev["text"] = join_pair(prev["text"], entry["text"], counts)
            prev["last"] = entry["last"]
        else:
            out.append(entry)
    return out


def _span(lines: list[SourceLine]) -> dict:
    return {"first": lines[0].line, "last": lines[-1].line}


def _entry(block: Block, counts: Counter[str]) -> dict | None:
    lines = [sl for sl in block.lines if sl.text.strip()]
    if not lines:
        return None
    if block.kind == "heading":
        return {
            "kind": "heading",
            **_span(lines),
            "number": block.number,
            "title": block.title,
            "level": block.level,
        }
    texts = [sl.text.strip() for sl in lines]
    if sum("\t" in t for t in texts) >= max(2, len(texts) // 2):
        return {"kind": "table", **_span(lines), "rows": [t.split("\t") for t in texts]}
    if BULLET.match(texts[0]):
        return {"kind": "list", **_span(lines), "items": _items(texts, counts)}
    return {"kind": "para", **_span(lines), "text": _join(texts, counts)}


def _join(texts: list[str], counts: Counter[str]) -> str:
    text = ""
    for t in texts:
        text = join_pair(text, t, counts)
    return join_hyphens(text, counts)


def _items(texts: list[str], counts: Counter[str]) -> list[str]:
    """Bullet lines as items; a line without a bullet continues the item before it."""
    items: list[list[str]] = []
    for t in texts:
        if BULLET.match(t) or not items:
            items.append([BULLET.sub("", t, count=1)])
        else:
            items[-1].append(t)
    return [_join(item, counts) for item in items]


def _notes(rest: list[SourceLine], counts: Counter[str]) -> list[dict]:
    """Footnotes among the lines no block took: a line opening with a note number, and the
    lines that follow it up to a blank line or the next note."""
    notes: list[list[SourceLine]] = []
    open_note = False
    prev: int | None = None
    for sl in rest:
        text = sl.text.strip()
        adjacent = prev is not None and sl.line == prev + 1
        prev = sl.line
        if not text:
            open_note = False
            continue
        if MD_FOOTNOTE.match(text) or FOOTNOTE.match(text):
            notes.append([sl])
            open_note = True
        elif open_note and adjacent:
            notes[-1].append(sl)
        else:
            open_note = False
    return [
        {"kind": "note", **_span(n), "text": _join([sl.text.strip() for sl in n], counts)}
        for n in notes
    ]
