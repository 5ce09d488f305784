"""Proximity: how close together a document has the query's concepts (read from positions).

Only the best candidates are checked (positions are read one document at a time in Python);
the rest keep their score. A document whose concepts stand within a few words of each other
scores up to (1 + PROXIMITY_BOOST) times higher.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh.formats import Positions

from kb.search import schema as f

PROXIMITY_BOOST = 0.6  # the factor for concepts side by side (tuned on the tuning half)
CHECKED = 60  # candidates whose positions are read
FIELDS = (f.TITLE, f.SUMMARY, f.TEXT_FIELD)


def positions(reader, field: str, terms: Iterable[str], docs: np.ndarray) -> dict[int, list[int]]:
    """{document: sorted positions of any of the terms in the field} for the given documents."""
    out: dict[int, list[int]] = {}
    wanted = np.sort(docs)
    for sub, offset in reader.leaf_readers():
        inside = (wanted >= offset) & (wanted < offset + sub.doc_count_all())
        local = (wanted[inside] - offset).tolist()
        if not local:
            continue
        for term in terms:
            if (field, term) not in sub:
                continue
            for d, found in _read_positions(sub.postings(field, term), local):
                out.setdefault(d + offset, []).extend(found)
    return {d: sorted(p) for d, p in out.items()}


def _read_positions(m, local: list[int]):
    """(document, positions) of the sorted local documents the matcher has.

    On Whoosh's own codec a block is read only when it may hold a wanted document, and its
    ids are searched with bisect (not skip_to one posting at a time); the candidates are live
    documents, so a deletion filter around the leaf matcher is not needed.
    """
    leaf = m
    while not hasattr(leaf, "_read_ids") and hasattr(leaf, "child"):
        leaf = leaf.child
    if not hasattr(leaf, "_read_ids"):  # another codec: the public, slower way
        for d in local:
            if not m.is_active():
                break
            if m.id() < d:
                m.skip_to(d)
            if m.is_active() and m.id() == d:
                yield d, m.value_as("positions")
        return
    plain = type(leaf.format) is Positions  # decoded here without the per-value wrapper
    decode = _decode_positions if plain else leaf.format.decoder("positions")
    j, n = 0, len(local)
    while j < n and leaf.is_active():
        if leaf._maxid >= local[j]:
            leaf._read_ids()
            ids, values = leaf._ids, None
            while j < n and local[j] <= leaf._maxid:
                k = bisect_left(ids, local[j])
                if k < len(ids) and ids[k] == local[j]:
                    if values is None:
                        leaf._read_values()
                        values = leaf._values
                    yield local[j], decode(values[k])
                j += 1
        leaf._next_block()


def _decode_positions(value: bytes) -> list[int]:
    """Positions.decode_positions (a 4-byte count, then the pickled gaps) in fewer steps."""
    return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


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


def boosts(reader, need_terms: list[set[str]], docs: np.ndarray, postings=None) -> np.ndarray:
    """A factor ≥ 1 per document in docs, from the closest field's closeness.

    postings(field, term) gives a term's document numbers (kb.search.engine keeps them as
    arrays): then a field's positions are read only for the documents that have two or more
    of the clauses in it, the only ones whose closeness is not 0.
    """
    best = np.zeros(len(docs), dtype=np.float32)
    index_of = {int(d): k for k, d in enumerate(docs)}
    for field in FIELDS:
        checked = docs if postings is None else _with_two(field, need_terms, docs, postings)
        if not len(checked):
            continue
        found = [positions(reader, field, terms, checked) for terms in need_terms]
        for d in checked.tolist():
            c = closeness([p.get(d, []) for p in found], len(need_terms))
            k = index_of[d]
            best[k] = max(best[k], c)
    return 1 + PROXIMITY_BOOST * best


def _with_two(field: str, need_terms: list[set[str]], docs: np.ndarray, postings) -> np.ndarray:
    """The documents of docs that have terms of at least two clauses in the field."""
    count = np.zeros(len(docs), dtype=np.int16)
    for terms in need_terms:
        has = np.zeros(len(docs), dtype=bool)
        for term in terms:
            has |= np.isin(docs, postings(field, term)[0])
        count += has
    return docs[count >= 2]
