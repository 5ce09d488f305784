"""Positions: where in a field a document has the terms, read from the posting blocks that hold
the asked documents and decoded (for proximity and for phrases), kept per segment and term."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate
from pickle import loads

import numpy as np
from whoosh.formats import Positions

from kb.search import postings

CACHED_TERMS = 4096  # (segment, field, term)s whose positions are kept for queries asked again
CACHED_DOCS = 4096  # documents per term kept (more: the term's are forgotten and read again)
NONE = np.zeros(0, dtype=np.int64)


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
    wanted = np.sort(np.asarray(docs, dtype=np.int64)) if having is None else NONE
    for sub, offset in reader.leaf_readers():
        n = sub.doc_count_all()
        if having is None:
            local = wanted[(wanted >= offset) & (wanted < offset + n)] - offset
            if not len(local):
                continue
        segment = sub.segment().segment_id()
        for term in terms:
            if having is not None:
                theirs = having.get(term, NONE)
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
