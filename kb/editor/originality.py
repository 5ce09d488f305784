"""Catch case text copied from the reports: runs of words the body repeats verbatim."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kb.content.model import Case
from kb.content.problems import WARNING, Problem
from kb.content.sources import locate, text_lines

GRAM = 8  # words per shingle; runs shorter than this are ordinary phrases
MAX_RUN = 15  # the longest verbatim run a body may have; quotes belong in `quote:` fields
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lowercased words, punctuation dropped."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=16)
def _shingles(path: str, mtime: float) -> frozenset[tuple[str, ...]]:
    w = words(" ".join(text_lines(Path(path))))
    return frozenset(tuple(w[i : i + GRAM]) for i in range(len(w) - GRAM + 1))


def longest_copied_run(body: str, shingles: frozenset) -> tuple[int, str]:
    """The longest run of body words that stands verbatim in the source, and its text."""
    w = words(body)
    best = run = end = 0
    for i in range(len(w) - GRAM + 1):
        run = run + 1 if tuple(w[i : i + GRAM]) in shingles else 0
        if run > best:
            best, end = run, i + GRAM
    length = best + GRAM - 1 if best else 0
    return length, " ".join(w[end - length : end])


def copied_text(case: Case, ctx) -> list[Problem]:
    """A warning when the body repeats more than MAX_RUN words of a cited report verbatim."""
    shingles: frozenset = frozenset()
    for sid in {ref.source for ref in case.sources if ref.source in ctx.sources}:
        for found in locate(ctx.sources[sid], ctx.source_dirs):
            if found.file.format == "text":
                shingles |= _shingles(str(found.path), found.path.stat().st_mtime)
    length, text = longest_copied_run(case.body, shingles)
    if length <= MAX_RUN:
        return []
    return [
        Problem(
            str(case.path),
            case.body_line,
            "body",
            f"teksten gjentar {length} ord ordrett fra rapporten: «{text}»",
            "skriv det med egne ord, eller sitér høyst 25 ord i et quote-felt",
            WARNING,
        )
    ]
