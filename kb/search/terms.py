"""The terms of one index field, read segment by segment and patched, not rebuilt, when the
reader changes: the spelling dictionary («Mente du …?») and each searched field's stems for
fuzzy matching.

A Whoosh segment's terms never change (a deleted document's terms stay in its files, counted
as before), so each segment's terms are read once. After a one-case update the new reader has
one new small segment: only its terms are read and merged into a copy of the previous table.
Reading the terms through the whole reader instead looks every term up in every segment.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass

Reader = Callable[[object], dict[str, int]]  # a segment reader -> {term: count}


@dataclass(frozen=True)
class FieldTerms:
    """A reader's terms of one field: each term's count (summed over the segments) and the
    terms by first letter, each letter's list sorted (typos are rarely in the first letter)."""

    segments: dict[str, dict[str, int]]  # segment id -> that segment's {term: count}
    counts: dict[str, int]
    by_letter: dict[str, list[str]]

    def sorted_terms(self) -> list[str]:
        """Every term, sorted."""
        return [t for letter in sorted(self.by_letter) for t in self.by_letter[letter]]


def field_terms(reader, read: Reader, previous: FieldTerms | None = None) -> FieldTerms:
    """The terms of a reader, read(segment) giving one segment's; the segments that `previous`
    already holds are not read again."""
    known = previous.segments if previous is not None else {}
    segments = {}
    for sub, _ in reader.leaf_readers():
        name = sub.segment().segment_id()
        segments[name] = known[name] if name in known else read(sub)
    if previous is None:
        return _merged(segments)
    counts, by_letter = dict(previous.counts), dict(previous.by_letter)
    copied: set[str] = set()
    for name in set(known) - set(segments):
        for term, n in known[name].items():
            counts[term] -= n
            if not counts[term]:
                del counts[term]
                bucket = _own(by_letter, copied, term[:1])
                del bucket[bisect_left(bucket, term)]
    for name in set(segments) - set(known):
        for term, n in segments[name].items():
            if term not in counts:
                insort(_own(by_letter, copied, term[:1]), term)
            counts[term] = counts.get(term, 0) + n
    return FieldTerms(segments, counts, {k: v for k, v in by_letter.items() if v})


def prefixed(reader, field: str, prefix: str, keep: Callable[[str], bool] = bool) -> dict[str, int]:
    """The reader's terms of a field that start with prefix (those `keep` accepts), with their
    documents summed over the segments: one letter's terms, read without the field's whole
    list (a fresh process's first typo needs only the letter it starts with)."""
    counts: dict[str, int] = {}
    for sub, _ in reader.leaf_readers():
        for raw, info in sub.iter_prefix(field, prefix):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if keep(term):
                counts[term] = counts.get(term, 0) + info.doc_frequency()
    return counts


def _merged(segments: dict[str, dict[str, int]]) -> FieldTerms:
    """The terms of the segments, merged from scratch."""
    counts: dict[str, int] = {}
    for terms in segments.values():
        for term, n in terms.items():
            counts[term] = counts.get(term, 0) + n
    by_letter: dict[str, list[str]] = {}
    for term in sorted(counts):
        by_letter.setdefault(term[:1], []).append(term)
    return FieldTerms(segments, counts, by_letter)


def _own(by_letter: dict[str, list[str]], copied: set[str], letter: str) -> list[str]:
    """The letter's list, copied before its first change (the previous table is in use)."""
    if letter not in copied:
        by_letter[letter] = list(by_letter.get(letter, ()))
        copied.add(letter)
    return by_letter[letter]
