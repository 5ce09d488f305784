"""A reader's terms as the engine reads them: each term's postings per segment (cached, kept
across readers; a frequent term's stored with the segment arrays, kb.search.arrays), the
searched fields' stems (kb.search.terms) and the encoded positions kept for proximity.

A Whoosh segment never changes its files, so what is read from one is kept by segment id: after
a one-case update the new reader reads only its new segment's postings and terms again.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from kb.search import positional, proximity
from kb.search import schema as f
from kb.search.planner import near_words
from kb.search.postings import read_postings
from kb.search.terms import FieldTerms, field_terms, prefixed

CACHED_TERMS = 4096
# Encoded positions kept from the reads, counted in values (one per document of a term): the
# ~1 000 (segment, field, term)s of 300 fresh queries on the bundled content hold ~25 000
# (0.4 MB of bytes). With only 256 terms kept, half of proximity's terms were evicted before a
# later query asked for them, and their posting blocks were read and decompressed again.
CACHED_VALUES = 200_000
FIELDS = tuple(f.SEARCHED)
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float32)


class TermCache:
    """The postings and stems of one reader's terms, read once and kept (Engine's base)."""

    def __init__(self, reader, stored_postings: dict, previous: TermCache | None = None):
        self.reader = reader
        self.stored_postings = stored_postings  # by segment: the frequent terms', mapped
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        # Postings per segment, kept across readers: after a one-case update only the new
        # segment's are read again; so are the fields' terms (patched, kb.search.terms).
        # Copied, not shared: the previous engine may go on answering while this one warms up
        # (Searcher.refresh); the arrays themselves are shared, they never change. Engine keeps
        # each segment's phrase documents here too (one LRU, as before the split).
        self._segments = OrderedDict() if previous is None else OrderedDict(previous._segments)
        self._lexicons: dict[str, FieldTerms] = {}
        self._letters: dict[tuple[str, str], list[str]] = {}  # before a field's lexicon is read
        self._base = {} if previous is None else {**previous._base, **previous._lexicons}
        # The encoded positions of the terms whose blocks were read last (a query's terms):
        # proximity then decodes its candidates' positions without reading the blocks again.
        self._values: OrderedDict[tuple[str, str, str], tuple] = OrderedDict()
        self._values_size = 0  # the values _values holds (bounded by CACHED_VALUES)
        # For proximity, per segment, field and term (kept across readers, like _segments;
        # each term's documents are a dict that positional.positions fills in: copied too).
        self._positions: OrderedDict = OrderedDict(
            (key, dict(docs)) for key, docs in (previous._positions if previous else {}).items()
        )

    def postings(self, name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and weights of a term in a field, read block by block."""
        key = (name, term)
        if key in self._postings:
            self._postings.move_to_end(key)
            return self._postings[key]
        ids, weights = [], []
        for sub, offset in self.reader.leaf_readers():
            seg_ids, seg_weights = self._segment_postings(sub, name, term)
            if len(seg_ids):
                ids.append(seg_ids + offset if offset else seg_ids)
                weights.append(seg_weights)
        if len(ids) == 1:
            found = ids[0], weights[0]
        else:
            found = (np.concatenate(ids), np.concatenate(weights)) if ids else (_EMPTY_I, _EMPTY_F)
        self._postings[key] = found
        if len(self._postings) > CACHED_TERMS:
            self._postings.popitem(last=False)
        return found

    def _segment_postings(self, sub, name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """One segment's postings of a term (cached by segment: its files never change)."""
        key = (sub.segment().segment_id(), name, term)
        if key in self._segments:
            self._segments.move_to_end(key)
            return self._segments[key]
        stored = self.stored_postings.get(key[0], {}).get((name, term))  # a frequent term's
        if stored is None and not self._may_have(key[0], name, term):
            return _EMPTY_I, _EMPTY_F
        keep = {} if stored is None and name in proximity.FIELDS else None
        found = self._segments[key] = stored or read_postings(sub, name, term, keep)
        if len(self._segments) > CACHED_TERMS:
            self._segments.popitem(last=False)
        if keep and len(keep["values"]) == len(found[0]):
            self._keep_values(key, (found[0], keep["values"], keep["format"]))
        return found

    def _may_have(self, segment: str, name: str, term: str) -> bool:
        """False when the field's terms, once read (the warm-up), show that the segment lacks
        the term: its postings are then known to be empty without a lookup in its files."""
        lexicon = self._lexicons.get(name)
        terms = lexicon.segments.get(segment) if lexicon is not None else None
        return terms is None or term in terms

    def _keep_values(self, key: tuple[str, str, str], kept: tuple) -> None:
        """Keep a term's encoded positions, forgetting the least recently read beyond
        CACHED_VALUES values (the newest is kept whatever its size)."""
        old = self._values.pop(key, None)
        self._values_size += len(kept[1]) - (0 if old is None else len(old[1]))
        self._values[key] = kept
        while self._values_size > CACHED_VALUES and len(self._values) > 1:
            self._values_size -= len(self._values.popitem(last=False)[1][1])

    def read_positions(self, sub, name: str, term: str, docs: np.ndarray):
        """positional.segment_positions, from the values kept when the term's blocks were read
        for its scores (the same bytes, decoded the same way) when this engine has them."""
        key = (sub.segment().segment_id(), name, term)
        kept = self._values.get(key)
        if kept is None:
            return positional.segment_positions(sub, name, term, docs)
        self._values.move_to_end(key)
        return positional.kept_positions(*kept, docs)

    def has_term(self, sub, name: str, term: str) -> bool:
        """Whether one segment has the term in the field, from its postings (cached: scoring
        read them) rather than a lookup in the segment's terms file."""
        return len(self._segment_postings(sub, name, term)[0]) > 0

    def near_terms(self, stem: str) -> list[str]:
        """Index terms within one or two edits of an unknown word (same first letter)."""
        out: set[str] = set()
        for name in FIELDS:
            candidates = self._letter_terms(name, stem[:1])
            out.update(t for t, _ in near_words(stem, candidates, limit=20))
        return sorted(out)

    def lexicons(self) -> None:
        """Read every field's stems (the warm-up), patched from the previous reader's."""
        for name in FIELDS:
            self._lexicon(name)

    def knows(self, term: str) -> bool | None:
        """Whether any searched field has the term, from the fields' stems once lexicons() has
        read them (a segment's terms, deleted documents' too, as doc_frequency counts them);
        None before."""
        if len(self._lexicons) < len(FIELDS):
            return None
        return any(term in self._lexicons[name].counts for name in FIELDS)

    def _lexicon(self, name: str) -> FieldTerms:
        if name not in self._lexicons:
            base = self._base.pop(name, None)
            self._lexicons[name] = field_terms(self.reader, _lexicon_of(name), base)
        return self._lexicons[name]

    def _letter_terms(self, name: str, letter: str) -> list[str]:
        """A field's stems that start with the letter, sorted: from the field's lexicon once it
        is read (or can be patched from the previous reader's), else that letter's alone."""
        if name in self._lexicons or name in self._base:
            return self._lexicon(name).by_letter.get(letter, [])
        if (name, letter) not in self._letters:
            self._letters[(name, letter)] = sorted(prefixed(self.reader, name, letter))
        return self._letters[(name, letter)]


def _lexicon_of(name: str):
    """The reader of one segment's terms of a field (each counted once)."""
    return lambda sub: dict.fromkeys(map(_text, sub.lexicon(name)), 1)


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)
