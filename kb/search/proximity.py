"""Proximity: how close together a document has the query's concepts (read from positions).

Only the best candidates are checked (positions are read from the posting blocks that hold
them); the rest keep their score. A document whose concepts stand within a few words of each other
scores up to (1 + PROXIMITY_BOOST) times higher.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh.formats import Positions

from kb.search import postings
from kb.search import schema as f

PROXIMITY_BOOST = 0.6  # the factor for concepts side by side (tuned on the tuning half)
CHECKED = 60  # candidates whose positions are read
CACHED_TERMS = 4096  # (segment, field, term)s whose positions are kept for queries asked again
CACHED_DOCS = 4096  # documents per term kept (more: the term's are forgotten and read again)
FIELDS = (f.TITLE, f.SUMMARY, f.TEXT_FIELD)


def positions(
    reader,
    field: str,
    terms: Iterable[str],
    docs: np.ndarray,
    cache: OrderedDict | None = None,
    read=None,
    has=None,
    having: dict[str, np.ndarray] | None = None,
) -> dict[int, list[int]]:
    """{document: sorted positions of any of the terms in the field} for the given documents.

    `cache` keeps, per (segment, field, term), the positions of the documents asked for (an
    LRU of CACHED_TERMS terms, CACHED_DOCS documents each; segments never change): a query
    asked again reads no postings. `read(sub, field, term, docs)` reads them (by default
    segment_positions; kb.search.engine passes one that uses the blocks it has just read).
    `has(sub, field, term)` tells whether a segment has the term (by default a lookup in
    its terms; kb.search.engine answers from the postings it has read). `having`, when
    given, holds per term the sorted documents of docs that have it in the field (boosts()
    knows them from the postings): only those are looked in, and a term without is skipped.
    """
    out: dict[int, list[int]] = {}
    merged = False  # whether a document has the positions of more than one of the terms
    cache = OrderedDict() if cache is None else cache
    # With `having`, each term's own documents are looked in, not all of docs.
    wanted = np.sort(np.asarray(docs, dtype=np.int64)) if having is None else _NONE
    for sub, offset in reader.leaf_readers():
        n = sub.doc_count_all()
        if having is None:
            local = wanted[(wanted >= offset) & (wanted < offset + n)] - offset
            if not len(local):
                continue
        segment = sub.segment().segment_id()
        for term in terms:
            if having is not None:
                theirs = having.get(term, _NONE)
                if len(theirs) and (theirs[0] < offset or theirs[-1] >= offset + n):
                    theirs = theirs[(theirs >= offset) & (theirs < offset + n)]
                if not len(theirs):
                    continue
                local = theirs - offset if offset else theirs
            elif not (has(sub, field, term) if has else (field, term) in sub):
                continue  # (with `having`, documents of the term's postings: it is there)
            known = cache.setdefault((segment, field, term), {})
            cache.move_to_end((segment, field, term))
            asked = local.tolist()
            missing = [d for d in asked if d not in known]
            if len(known) + len(missing) > CACHED_DOCS:  # one query's documents at least
                known.clear()
                missing = asked
            if missing:
                known.update(dict.fromkeys(missing, ()))
                known.update((read or segment_positions)(sub, field, term, np.array(missing)))
            for d in asked:
                if ps := known.get(d):
                    if d + offset in out:
                        out[d + offset].extend(ps)
                        merged = True
                    else:
                        out[d + offset] = list(ps)
        while len(cache) > CACHED_TERMS:
            cache.popitem(last=False)
    # One term's positions are sorted already: only a document with several terms' is sorted.
    return {d: sorted(p) for d, p in out.items()} if merged else out


def segment_positions(sub, field: str, term: str, docs: np.ndarray):
    """(document, positions) of a term in one segment's field for the sorted documents that
    have it. Reads only the posting blocks that hold one of them, each once, and finds the
    documents in a block with numpy (whoosh3 codec internals, as postings.read_postings)."""
    lean = postings.lean_reader(sub)
    format_ = sub.schema[field].format if field in sub.schema else None
    if lean is not None and format_ is not None and format_.fixed_value_size() is None:
        decode = _decoder(format_)
        for ids, values in postings.read_values(lean, field, term, docs):
            yield from _found(ids, values, docs, decode)
        return
    wrapped = m = sub.postings(field, term)
    while not hasattr(m, "_read_data") and hasattr(m, "child"):
        m = m.child  # deletions do not matter: only candidates are asked for
    if m is not wrapped and hasattr(m, "reset"):
        m.reset()  # the deletion filter has moved past the deleted documents at the start
    variable = hasattr(m, "_read_data") and not m._byteids and m._fixedsize is None
    if not variable:  # positions are variable-sized values; anything else: the public way
        yield from _public_positions(m, docs)
        return
    decode, i = _decoder(m.format), 0
    while m.is_active() and i < len(docs):
        if m._maxid < docs[i]:
            m._next_block()  # reads the block's header only
            continue
        j = i + int(np.searchsorted(docs[i:], m._maxid, side="right"))
        m._read_data()
        ids = np.cumsum(np.asarray(m._data[0], dtype=np.int64))
        yield from _found(ids, m._data[2], docs[i:j], decode)
        i = j
        m._next_block()


def kept_positions(ids: np.ndarray, values, format_, docs: np.ndarray):
    """segment_positions from a term's posting values kept when its blocks were read (sorted
    ids within the segment, each one's encoded value, and the field's format)."""
    yield from _found(ids, values, docs, _decoder(format_))


def _found(ids: np.ndarray, values, docs: np.ndarray, decode):
    """(document, decoded positions) of each of the sorted docs that is in the sorted ids."""
    if not len(ids) or not len(docs):
        return
    at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
    there = ids[at] == docs
    found, at = docs[there].tolist(), at[there].tolist()
    if decode is _decode_positions:  # one unpickling for all of them
        yield from zip(found, _decode_many([values[k] for k in at]), strict=True)
    else:
        yield from ((d, decode(values[k])) for d, k in zip(found, at, strict=True))


def _decoder(format_):
    """The field format's positions decoder; plain Positions without the per-value wrapper."""
    return _decode_positions if type(format_) is Positions else format_.decoder("positions")


def _decode_positions(value: bytes) -> list[int]:
    """Positions.decode_positions (a 4-byte count, then the pickled gaps) in fewer steps."""
    return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


def _decode_many(values: list[bytes]) -> list[list[int]]:
    """_decode_positions of each value, from one pickle: the values' gap lists (each without
    its stop) between a mark and a list opcode. ~40 % less time than one loads per value."""
    body = b"".join(v[4:-1] if v.endswith(b".") else v[4:] for v in values)
    return [list(accumulate(gaps)) for gaps in loads(b"(" + body + b"l.")]


def _public_positions(m, docs: np.ndarray):
    """segment_positions through the matcher's public methods."""
    for d in docs.tolist():
        if not m.is_active():
            return
        if m.id() < d:
            m.skip_to(d)
        if m.is_active() and m.id() == d:
            yield d, m.value_as("positions")


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
        return _NONE, present, {}
    having = {t: docs[found & keep] for t, found in found_by_term.items()}
    return np.flatnonzero(keep), present, having


def _in_sorted(docs: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """np.isin(docs, ids) for sorted ids (a term's postings), by bisection instead of a sort
    (and np.isin's first call in a process imports numpy.ma: ~15 ms of the first search)."""
    if not len(ids):
        return np.zeros(len(docs), dtype=bool)
    return ids.take(np.searchsorted(ids, docs), mode="clip") == docs


_NONE = np.zeros(0, dtype=np.int64)
