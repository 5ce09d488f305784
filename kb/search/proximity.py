"""Proximity: how close together a document has the query's concepts (read from positions).

Only the best candidates are checked (positions are read one document at a time in Python);
the rest keep their score. A document whose concepts stand within a few words of each other
scores up to (1 + PROXIMITY_BOOST) times higher.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from kb.search import schema as f

PROXIMITY_BOOST = 0.6  # the factor for concepts side by side (tuned on the tuning half)
CHECKED = 60  # candidates whose positions are read
FIELDS = (f.TITLE, f.SUMMARY, f.TEXT_FIELD)


def positions(reader, field: str, terms: Iterable[str], docs: np.ndarray) -> dict[int, list[int]]:
    """{document: sorted positions of any of the terms in the field} for the given documents."""
    out: dict[int, list[int]] = {}
    wanted = np.sort(docs)
    for sub, offset in reader.leaf_readers():
        local = [int(d) - offset for d in wanted if 0 <= d - offset < sub.doc_count_all()]
        if not local:
            continue
        for term in terms:
            if (field, term) not in sub:
                continue
            m = _unfiltered(sub.postings(field, term))
            for d in local:
                if not m.is_active():
                    break
                if m.id() < d:
                    _skip_to(m, d)
                if m.is_active() and m.id() == d:
                    out.setdefault(d + offset, []).extend(m.value_as("positions"))
    return {d: sorted(p) for d, p in out.items()}


def _unfiltered(m):
    """The segment's own matcher, without the wrapper that skips deleted documents one by one
    (the candidates are live documents; a segment has deletions after a one-case update)."""
    wrapped = m
    while not hasattr(m, "_read_data") and hasattr(m, "child"):
        m = m.child
    if m is not wrapped and hasattr(m, "reset"):
        m.reset()  # the filter has moved past the deleted documents at the start
    return m


def _skip_to(m, doc: int) -> None:
    """m.skip_to(doc), with the search inside a block by bisection (whoosh3 codec internals;
    Whoosh steps through a block's documents one by one)."""
    if not hasattr(m, "_ids") or not hasattr(m, "block_max_id"):
        m.skip_to(doc)
        return
    if doc > m.block_max_id():
        m._skip_to_block(lambda: doc > m.block_max_id())
    if m.is_active():
        m.id()  # reads the block's documents
        m._i = bisect_left(m._ids, doc, m._i)


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


def closeness(per_need: list[list[int]], n_needs: int) -> float:
    """0–1: the present concepts' share, times how tightly they stand (1: side by side)."""
    present = [ps for ps in per_need if ps]
    if len(present) < 2:
        return 0.0
    span = min_span(present)
    return (len(present) - 1) / max(span - 1, len(present) - 1) * len(present) / n_needs


def boosts(reader, need_terms: list[set[str]], docs: np.ndarray) -> np.ndarray:
    """A factor ≥ 1 per document in docs, from the closest field's closeness."""
    best = np.zeros(len(docs), dtype=np.float32)
    index_of = {int(d): k for k, d in enumerate(docs)}
    for field in FIELDS:
        found = [positions(reader, field, terms, docs) for terms in need_terms]
        for d, k in index_of.items():
            c = closeness([p.get(d, []) for p in found], len(need_terms))
            best[k] = max(best[k], c)
    return 1 + PROXIMITY_BOOST * best
