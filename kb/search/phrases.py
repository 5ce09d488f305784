"""Phrases: the documents that have a phrase's words side by side, from their positions.

Whoosh's Phrase query matches one document at a time; here a phrase's candidates (the
documents with every word) are checked from the words' positions in one pass per word.
"""

from __future__ import annotations

import itertools

import numpy as np

from kb.search import positional

FEW_CANDIDATES = 64  # a phrase's candidates in a segment's field walked in Python up to this


def phrase_docs(
    sub, name: str, words: tuple[str, ...], candidates: np.ndarray, read=None
) -> np.ndarray:
    """The candidates (sorted) that have the words side by side, in order.

    Each candidate has every word (they come from the words' postings). `read(sub, name,
    word, docs)` reads the positions (by default positional.segment_positions; Engine passes
    read_positions, which decodes them from the blocks its scores have just read).
    """
    if read is None and any((name, w) not in sub for w in words):
        return _EMPTY_I
    read = read or positional.segment_positions
    if len(candidates) <= FEW_CANDIDATES:
        return _phrase_walk(sub, name, words, candidates, read)
    # (document, position - i) of the i-th word as one integer: the phrase starts where every
    # word has one. Word by word, so a later word is read only for the documents left.
    found, docs, back = None, candidates, len(words)
    for i, word in enumerate(words):
        at = dict(read(sub, name, word, docs))
        lengths = np.fromiter(map(len, at.values()), dtype=np.int64, count=len(at))
        keys = np.repeat(np.fromiter(at, dtype=np.int64, count=len(at)) << 32, lengths)
        keys += np.fromiter(itertools.chain.from_iterable(at.values()), dtype=np.int64) - i
        # Unique (a word has a position once), so no np.unique: it imports numpy.ma.
        found = keys if found is None else np.intersect1d(found, keys, assume_unique=True)
        if not len(found):
            return _EMPTY_I
        docs = (found + back) >> 32  # sorted: a key is its document's, position - i >= -back
        docs = docs[np.flatnonzero(np.diff(docs, prepend=-1))]
    return docs


def _phrase_walk(sub, name: str, words: tuple[str, ...], candidates: np.ndarray, read):
    """phrase_docs for a few candidates: their positions walked in Python (fewer steps than
    the numpy calls of the keys)."""
    at = {w: dict(read(sub, name, w, candidates)) for w in set(words)}
    out = []
    for d in candidates.tolist():
        later = [set(at[w].get(d, ())) for w in words[1:]]
        if any(all(p + i in ps for i, ps in enumerate(later, 1)) for p in at[words[0]].get(d, ())):
            out.append(d)
    return np.array(out, dtype=np.int64)


_EMPTY_I = np.zeros(0, dtype=np.int64)
