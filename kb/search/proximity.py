"""Proximity: how close together a document has the query's concepts (kb.search.positional).

Only the best candidates are checked (positions are read from the posting blocks that hold
them); the rest keep their score. A document whose concepts stand within a few words of each other
scores up to (1 + PROXIMITY_BOOST) times higher.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from kb.search import schema as f
from kb.search.positional import NONE, positions

PROXIMITY_BOOST = 0.6  # the factor for concepts side by side (tuned on the tuning half)
CHECKED = 60  # candidates whose positions are read
FIELDS = (f.TITLE, f.SUMMARY, f.TEXT_FIELD)


def min_span(lists: list[list[int]]) -> int:
    """The fewest positions a window needs to hold one position from every list."""
    events = sorted((p, i) for i, ps in enumerate(lists) for p in ps)
    need, have, start, best = len(lists), {}, 0, None
    for pos, i in events:
        have[i] = have.get(i, 0) + 1
        while len(have) == need:
            first, j = events[start]
            span = pos - first + 1
            best = span if best is None else min(best, span)
            have[j] -= 1
            if not have[j]:
                del have[j]
            start += 1
    return best or 0


def pair_span(first: list[int], second: list[int]) -> int:
    """min_span of two sorted lists: the smallest distance between them, plus one (walked
    once, without min_span's sorted events: most queries have two clauses)."""
    i = j = 0
    n, m = len(first), len(second)
    best = first[0] - second[0] if n and m else None
    best = -best if best is not None and best < 0 else best
    while i < n and j < m:
        gap = first[i] - second[j]
        if gap < 0:
            gap, i = -gap, i + 1
        else:
            j += 1
        if gap < best:
            best = gap
    return best + 1


def closeness(per_need: list[list[int]], n_needs: int) -> float:
    """0–1: the present concepts' share, times how tightly they stand (1: side by side).
    Each clause's positions are sorted (as positions() gives them)."""
    present = [ps for ps in per_need if ps]
    if len(present) < 2:
        return 0.0
    span = pair_span(*present) if len(present) == 2 else min_span(present)
    return (len(present) - 1) / max(span - 1, len(present) - 1) * len(present) / n_needs


def boosts(
    reader,
    need_terms: list[set[str]],
    docs: np.ndarray,
    postings=None,
    cache: OrderedDict | None = None,
    read=None,
    has=None,
) -> np.ndarray:
    """A factor ≥ 1 per document in docs, from the closest field's closeness.

    postings(field, term) gives a term's document numbers (kb.search.engine keeps them as
    arrays): then a field's positions are read only for the documents that have two or more
    of the clauses in it, the only ones whose closeness is not 0. `cache`, `read` and `has`
    as in positions().
    """
    order = np.argsort(docs, kind="stable")  # sorted once: each term's documents come sorted
    docs = np.asarray(docs)[order]
    best = np.zeros(len(docs), dtype=np.float32)
    windows = []  # three or more clauses: every field's documents in one closeness_groups
    for field in FIELDS:
        at, present, having = (
            (np.arange(len(docs)), need_terms, None)
            if postings is None
            else _with_two(field, need_terms, docs, postings)
        )
        if not len(at):
            continue
        checked = docs[at]
        found = [
            positions(reader, field, terms, checked, cache, read, has, having) for terms in present
        ]
        if len(found) > 2:
            windows.append((at, checked.tolist(), found))
            continue
        # two clauses: pair_span, walked once per document, costs less than numpy
        c = [closeness([p.get(d, []) for p in found], len(need_terms)) for d in checked.tolist()]
        best[at] = np.maximum(best[at], np.array(c, dtype=np.float32))
    if windows:
        c = closeness_groups([(d, found) for _at, d, found in windows], len(need_terms))
        ends = np.cumsum([len(d) for _at, d, _found in windows])[:-1]
        for (at, _d, _found), part in zip(windows, np.split(c, ends), strict=True):
            best[at] = np.maximum(best[at], part.astype(np.float32))
    out = np.empty_like(best)
    out[order] = best  # back in the order of the documents given
    return 1 + PROXIMITY_BOOST * out


def closeness_many(docs: list[int], found: list[dict[int, list[int]]], n_needs: int) -> np.ndarray:
    """closeness() of each of docs (float64), from each clause's {document: sorted positions},
    in a few numpy calls for all of them instead of a window walked in Python per document."""
    return closeness_groups([(docs, found)], n_needs)


def closeness_groups(groups: list[tuple[list[int], list[dict]]], n_needs: int) -> np.ndarray:
    """closeness_many of each group (documents, each clause's positions: one per field) one
    after the other, in one pass: the numpy calls are most of the cost, not the positions.

    The fewest positions a window needs to hold one position of each clause a document has
    is, over every position p of the document, p - (the earliest of each clause's last
    position at or before p) + 1, where p has every such clause at or before it. Positions
    are keyed by (document, position) in one integer, so one searchsorted per clause
    answers for all documents at once. Same integers, same float arithmetic as closeness().
    """
    size = sum(len(docs) for docs, _found in groups)
    count = np.zeros(size, dtype=np.int64)
    flats, counts = [], []
    for clause in range(len(groups[0][1])):
        flat, lengths = [], []
        for docs, found in groups:
            per_doc = found[clause]
            for d in docs:
                ps = per_doc.get(d, ())
                flat += ps
                lengths.append(len(ps))
        lengths = np.array(lengths, dtype=np.int64)
        count += lengths > 0
        flats.append(flat)
        counts.append(lengths)
    out = np.zeros(size, dtype=np.float64)
    if not (count >= 2).any():
        return out
    stride = max(max(flat) for flat in flats if flat) + 2  # a document's keys stay apart
    slots = np.arange(size, dtype=np.int64) * stride
    keys = [
        np.repeat(slots, n) + np.array(flat, dtype=np.int64)
        for flat, n in zip(flats, counts, strict=True)
    ]
    events = np.concatenate(keys)
    base = events - events % stride  # the key of the event's document's position 0
    start, valid = events.copy(), np.ones(len(events), dtype=bool)
    for own, n in zip(keys, counts, strict=True):
        if not len(own):
            continue
        last = np.searchsorted(own, events, side="right") - 1
        before = own[np.maximum(last, 0)]
        here = (n > 0)[events // stride]  # the clause is in the event's document
        seen = (last >= 0) & (before >= base)
        valid &= ~here | seen
        start = np.where(here & seen, np.minimum(start, before), start)
    spans = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(spans, (events // stride)[valid], (events - start + 1)[valid])
    m = count[count >= 2]
    out[count >= 2] = (m - 1) / np.maximum(spans[count >= 2] - 1, m - 1) * m / n_needs
    return out


def _with_two(
    field: str, need_terms: list[set[str]], docs: np.ndarray, postings
) -> tuple[np.ndarray, list[set[str]], dict[str, np.ndarray]]:
    """Where in docs (sorted) the documents are that have terms of at least two clauses in the
    field, each clause's terms that some of docs have there (the others have no positions to
    read), and per such term the documents of the first that have it (positions()' `having`)."""
    count = np.zeros(len(docs), dtype=np.int16)
    present = []
    found_by_term: dict[str, np.ndarray] = {}
    for terms in need_terms:
        has = np.zeros(len(docs), dtype=bool)
        present.append(set())
        for term in terms:
            found = _in_sorted(docs, postings(field, term)[0])
            if found.any():
                has |= found
                present[-1].add(term)
                found_by_term[term] = found
        count += has
    keep = count >= 2
    if not keep.any():
        return NONE, present, {}
    having = {t: docs[found & keep] for t, found in found_by_term.items()}
    return np.flatnonzero(keep), present, having


def _in_sorted(docs: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """np.isin(docs, ids) for sorted ids (a term's postings), by bisection instead of a sort
    (and np.isin's first call in a process imports numpy.ma: ~15 ms of the first search)."""
    if not len(ids):
        return np.zeros(len(docs), dtype=bool)
    return ids.take(np.searchsorted(ids, docs), mode="clip") == docs
