"""Check that a quote stands verbatim in the cited lines of a source text."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


def cited_text(lines: tuple[str, ...], first: int, last: int) -> str:
    """The cited lines (1-based, inclusive), joined and whitespace-normalised."""
    return normalise(" ".join(lines[first - 1 : last]))


def quote_in(quote: str, text: str) -> bool:
    """Whether the quote stands in the text, whitespace-normalised."""
    return normalise(quote) in text


def nearest(quote: str, text: str, width: int = 0) -> str:
    """The stretch of text that best matches the quote, for an error message."""
    q = normalise(quote)
    if not text:
        return ""
    al = fuzz.partial_ratio_alignment(q, text)
    start, end = al.dest_start, al.dest_end
    pad = width or 0
    return text[max(0, start - pad) : end + pad]


def word_count(quote: str) -> int:
    """Words in a quote, as a reader counts them."""
    return len(normalise(quote).split(" ")) if normalise(quote) else 0
