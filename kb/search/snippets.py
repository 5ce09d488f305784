"""Snippets: where a document's stored texts have the query's words (scanned, or given by the
word tables of kb.search.words), cut into HTML-safe fragments with <mark>; and the words as the
document writes them that gave the terms (the «også: …» of a hit's why)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from html import escape
from itertools import chain

from kb.search import schema as f
from kb.search.analysis import WORD_PATTERN, NorwegianAnalysis

SNIPPET_CHARS = 240

WORD = re.compile(WORD_PATTERN)
ALSO_CHARS = 3000  # how far into a field «også: …» looks for the synonyms that matched
BEFORE, AFTER = 70, 170  # characters of context around the first marked word of a fragment
KEY_CHARS = 4  # every index term a word gives starts with 4 letters found in the word
PREPARED = 2048  # documents' texts kept space-normalised and lower-cased, as Searcher's stored


@lru_cache(maxsize=256)
def _keys(terms: frozenset[str], folded: bool = False) -> re.Pattern:
    """The first letters of the terms, to find in a text (folded: in the lower-cased text).

    A stem is a prefix of its word (or of a compound part, a substring of the word): Snowball
    and the verbal-noun rule only cut endings, and a nynorsk ending rewrite keeps the first
    four letters. So a word without any term's first four letters (a shorter term whole) can
    give none of the terms. The regular expression finds the places in C;
    only the words there are checked with analysis.forms, exactly as before. Searching the
    lower-cased text case-sensitively is ~5 times faster than IGNORECASE.
    """
    keys = sorted({t[:KEY_CHARS] for t in terms if t}, key=len, reverse=True)
    flags = 0 if folded else re.IGNORECASE
    return re.compile("|".join(map(re.escape, keys)) or r"(?!)", flags)


def _folded(text: str) -> str | None:
    """The text lower-cased, when that keeps every character in its place (else None)."""
    low = text.lower()
    return low if len(low) == len(text) else None


@lru_cache(maxsize=PREPARED)
def _prepared(text: str) -> tuple[str, str | None]:
    """A stored text space-normalised, and lower-cased (see _folded): the same document is a
    hit of many searches, and its stored strings are the same objects (hashed once)."""
    text = " ".join(text.split())
    return text, _folded(text)


@lru_cache(maxsize=PREPARED)
def normalised(text: str) -> str:
    """A stored text space-normalised (_prepared without the lower-cased copy, which only
    the scan needs): the word tables' spans are positions in it."""
    return " ".join(text.split())


def _words(text: str, terms: set[str], pos: int, low: str | None = None):
    """WORD matches from pos on that may give one of the terms (a superset of those that do).

    low is the text lower-cased (see _folded), searched instead of the text when given.
    """
    keys, end = _keys(frozenset(terms), low is not None), pos
    where = text if low is None else low
    while (found := keys.search(where, end)) is not None:
        at = found.start()
        for m in WORD.finditer(text, max(end, _word_start(text, at))):
            if m.end() > at:
                if m.start() <= at:
                    yield m
                end = m.end() if m.start() <= at else at + 1
                break
        else:
            return


def marked_spans(
    text: str,
    terms: set[str],
    analysis: NorwegianAnalysis,
    start: int = 0,
    stop: int | None = None,
    low: str | None = None,
) -> list[tuple[int, int]]:
    """Where the words that match the terms are in the text (from start, before stop)."""
    return list(_spans(text, terms, analysis, start, low, stop))


def _spans(
    text: str,
    terms: set[str],
    analysis: NorwegianAnalysis,
    start: int,
    low: str | None,
    stop: int | None = None,
) -> Iterator[tuple[int, int]]:
    """The matching words' spans from start on (before stop), found as they are needed: no word
    after stop is looked at."""
    for m in _words(text, terms, _word_start(text, start), low):
        if stop is not None and m.start() >= stop:
            return
        if analysis.forms(m.group()) & terms:
            yield m.span()


def _first_span(
    text: str,
    terms: set[str],
    analysis: NorwegianAnalysis,
    start: int = 0,
    low: str | None = None,
) -> tuple[int, int] | None:
    """The first marked word at or after start: the snippet only needs the text around it."""
    return next(_spans(text, terms, analysis, start, low), None)


def _word_start(text: str, pos: int) -> int:
    """pos moved back to the start of the word it falls in (text is space-normalised)."""
    return text.rfind(" ", 0, pos) + 1 if 0 < pos < len(text) else min(pos, len(text))


def _fragment(text: str, spans: list[tuple[int, int]], at: int) -> tuple[str, int]:
    """An escaped fragment around spans[at] with its marks, and where it ends."""
    first, size = spans[at][0], len(text)
    start = text.rfind(" ", 0, first - BEFORE) + 1 if first > BEFORE else 0
    end = first + AFTER
    if end < size:
        end = text.find(" ", end)
        if end <= 0:
            end = size
    else:
        end = size
    piece = text[start:end]
    plain = "&" not in piece and "<" not in piece and ">" not in piece  # nothing to escape
    out, pos = [], start
    for a, b in spans:
        if start <= a and b <= end:
            if plain:
                out += (text[pos:a], "<mark>", text[a:b], "</mark>")
            else:
                out += (escape(text[pos:a], quote=False), "<mark>")
                out += (escape(text[a:b], quote=False), "</mark>")
            pos = b
    out.append(text[pos:end] if plain else escape(text[pos:end], quote=False))
    return ("… " if start else "") + "".join(out) + (" …" if end < size else ""), end


def _around(
    text: str,
    terms: set[str],
    analysis: NorwegianAnalysis,
    first: tuple[int, int],
    low: str | None = None,
) -> tuple[str, int]:
    """The fragment around a first marked word, marking the words inside it."""
    window = max(0, first[0] - BEFORE - 40)  # the fragment starts at most this far back
    spans = marked_spans(text, terms, analysis, window, first[0] + AFTER + 40, low)
    return _fragment(text, spans, spans.index(first))


def snippet_of(text: str, terms: set[str], analysis: NorwegianAnalysis) -> str | None:
    """Up to two fragments around the marked words, escaped, or None when nothing matches.

    Scans only as far as the fragments need: a long case body is not marked word by word.
    """
    text, low = _prepared(text)
    first = _first_span(text, terms, analysis, 0, low)
    if first is None:
        return None
    head, end = _around(text, terms, analysis, first, low)
    later = _first_span(text, terms, analysis, end + BEFORE, low)
    if later is None:
        return head
    tail, _ = _around(text, terms, analysis, later, low)
    return head.removesuffix(" …") + " … " + tail.removeprefix("… ")


def snippet_from(text: str, spans: list[tuple[int, int]]) -> str | None:
    """snippet_of with the marked words' spans given (kb.search.words): the same fragments."""
    if not spans:
        return None
    text = normalised(text)
    starts = [a for a, _ in spans]
    head, end = _around_spans(text, spans, starts, 0)
    later = bisect_left(starts, _word_start(text, end + BEFORE))
    if later == len(spans):
        return head
    tail, _ = _around_spans(text, spans, starts, later)
    return head.removesuffix(" …") + " … " + tail.removeprefix("… ")


def _around_spans(
    text: str, spans: list[tuple[int, int]], starts: list[int], at: int
) -> tuple[str, int]:
    """_around with the marked words' spans given, around spans[at]."""
    first = starts[at]
    low = bisect_left(starts, _word_start(text, first - BEFORE - 40 if first > BEFORE + 40 else 0))
    high = bisect_left(starts, first + AFTER + 40, at)
    return _fragment(text, spans[low:high], at - low)


def lead(text: str, chars: int = SNIPPET_CHARS) -> str:
    """The start of a text, cut at a word and escaped: the snippet when nothing is marked."""
    text = " ".join(text.split())
    if len(text) > chars:
        text = text[:chars].rsplit(" ", 1)[0] + " …"
    return escape(text, quote=False)


def snippet(
    stored: dict, terms: set[str], analysis: NorwegianAnalysis, marks=None
) -> tuple[str, bool]:
    """The hit's snippet and whether it comes from the OCR-repaired reading.

    marks: the document's word tables (kb.search.words.DocWords), or None to scan the text.
    """
    for name in (f.TEXT_FIELD, f.SUMMARY, f.REPAIRED, f.TITLE) if terms else ():
        text = stored.get(name) or ""
        spans = marks.spans(name, terms) if marks is not None else None
        found = snippet_of(text, terms, analysis) if spans is None else snippet_from(text, spans)
        if found:
            return found, name == f.REPAIRED
    return lead(stored.get(f.SUMMARY) or stored.get(f.TEXT_FIELD) or ""), False


def also_words(stored: dict, terms: set[str], analysis: NorwegianAnalysis, marks=None) -> list[str]:
    """Up to three words as the document writes them that gave the terms (synonyms, parts)."""
    found: dict[str, None] = {}
    for name in (f.TITLE, f.SUMMARY, f.TEXT_FIELD):
        raw = stored.get(name) or ""
        marked = marks.also(name, terms) if marks is not None else None
        if marked is None:
            text = raw[:ALSO_CHARS]
            found_words = (m.group() for m in _words(text, terms, 0, _folded(text)))
            words = (w for w in found_words if analysis.forms(w) & terms)
        else:  # the words from the tables, then a word cut at ALSO_CHARS
            spans, cut = marked
            text = normalised(raw)
            words = (text[a:b] for a, b in spans)
            if cut >= 0:
                words = chain(words, _cut_words(raw[cut:ALSO_CHARS], terms, analysis))
        for word in words:  # in order, as WORD.finditer(text)
            found.setdefault(word.lower())
            if len(found) == 3:
                return list(found)
    return list(found)


def _cut_words(text: str, terms: set[str], analysis: NorwegianAnalysis):
    """The marked words of a text's end (a word cut at ALSO_CHARS, after the words of
    kb.search.words' tables), as _words and forms find them: where a term's first letters
    start in the word. The text lowers character by character (the tables hold only such
    texts), so no regular expression is needed."""
    keys, low = {t[:KEY_CHARS] for t in terms if t}, text.lower()
    for m in WORD.finditer(text):
        if any(m.start() <= low.find(k, m.start()) < m.end() for k in keys):
            if analysis.forms(m.group()) & terms:
                yield m.group()
