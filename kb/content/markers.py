"""Source markers in a case body: `[1]` or `[1, 3]` point to entries of the case's `sources:`.

Every paragraph and list item of a sourced section ends with a marker; the editors' own
section («Redaksjonens vurdering») needs none. The checks here return problems with the file
line of the paragraph, and the page renders each marker as a link to the cited passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.content.model import SOURCED_SECTIONS
from kb.content.problems import WARNING, Problem

MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\](?![(\[:])")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")


@dataclass(frozen=True)
class Block:
    """A paragraph or list item of a section, with the file line it starts on."""

    section: str
    line: int
    text: str


def marker_numbers(text: str) -> list[int]:
    """The citation numbers a text's markers name, in order (1-based)."""
    return [int(n) for m in MARKER.finditer(text) for n in m.group(1).split(",")]


def blocks(body: str, body_line: int) -> list[Block]:
    """Split a body into paragraphs and list items per level-2 section (headings dropped)."""
    out: list[Block] = []
    section, start, lines = "", 0, []

    def flush() -> None:
        if lines and section:
            out.append(Block(section, start, " ".join(s.strip() for s in lines)))
        lines.clear()

    for offset, line in enumerate(body.split("\n")):
        number = body_line + offset
        heading = _HEADING.match(line)
        if heading and not line.startswith("###"):
            flush()
            section = heading.group(1)
        elif not line.strip() or line.lstrip().startswith("#"):
            flush()
        elif _ITEM.match(line):
            flush()
            start = number
            lines.append(_ITEM.sub("", line))
        else:
            if not lines:
                start = number
            lines.append(line)
    flush()
    return out


def check_markers(path: str, fm, n_sources: int) -> list[Problem]:
    """Markers pointing nowhere (error); sourced blocks without one, unused sources (warning)."""
    problems: list[Problem] = []
    used: set[int] = set()
    note = fm.meta.get("evidence_note")
    if isinstance(note, str):
        used.update(marker_numbers(note))
    for block in blocks(fm.body, fm.body_line):
        numbers = marker_numbers(block.text)
        used.update(numbers)
        for n in numbers:
            if not 1 <= n <= n_sources:
                problems.append(
                    Problem(
                        path,
                        block.line,
                        "body",
                        f"kildemerket [{n}] peker ikke på noen kilde (grepet har {n_sources})",
                        f"bruk et tall fra 1 til {n_sources}, i rekkefølgen under sources:",
                    )
                )
        if block.section in SOURCED_SECTIONS and not numbers:
            problems.append(
                Problem(
                    path,
                    block.line,
                    "body",
                    f"avsnitt i «## {block.section}» uten kildemerke",
                    "avslutt med [n] for kilden det bygger på, eller flytt vurderingen til "
                    "«## Redaksjonens vurdering»",
                    WARNING,
                )
            )
    return problems + _unused(path, fm, used, n_sources)


def _unused(path: str, fm, used: set[int], n_sources: int) -> list[Problem]:
    return [
        Problem(
            path,
            fm.line_of("sources", n - 1),
            f"sources[{n - 1}]",
            f"kilde {n} brukes ikke av noe kildemerke i teksten",
            f"merk avsnittet som bygger på den med [{n}], eller fjern kilden",
            WARNING,
        )
        for n in range(1, n_sources + 1)
        if n not in used
    ]


def add_marker(markdown: str, n: int) -> str:
    """Append « [n]» to each paragraph and list item that has no marker (a one-source text)."""
    lines = markdown.split("\n")
    ends: list[int] = []  # index of the last line of each block
    last = None
    for i, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            if last is not None:
                ends.append(last)
            last = None
            continue
        if _ITEM.match(line) and last is not None:
            ends.append(last)
        last = i
    if last is not None:
        ends.append(last)
    for end in ends:
        start = end
        while start > 0 and lines[start - 1].strip() and not _ITEM.match(lines[start]):
            start -= 1
        if not marker_numbers(" ".join(lines[start : end + 1])):
            lines[end] = lines[end].rstrip() + f" [{n}]"
    return "\n".join(lines)
