"""Ranking over the Whoosh index with numpy: BM25F per field, documents with every word first.

Whoosh's own matchers score one document at a time in Python; a query with synonyms, compound
parts and four fields then costs ~0.1 ms per matching document. Here the postings of each term
are read once per block into arrays (and cached), and scores, counts and facets are array sums.
The formula is Whoosh's BM25F, so scores match what `searcher.search` would give.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from whoosh.query import Or, Phrase

from kb.search import schema as f
from kb.search.planner import Need, by_first_letter, near_words

K1, B = 1.2, 0.75  # Whoosh's BM25F defaults
PARTS_BOOST = 0.5  # "barnefattigdom" also finds "fattigdom blant barn", ranked lower
ALL_WORDS_BOOST = 3.0  # documents with every clause score (1 + 3) times higher
CACHED_TERMS = 4096
CACHED_PHRASES = 256
FIELDS = tuple(f.SEARCHED)


class Engine:
    """Scores for one reader: field lengths, a postings cache and array arithmetic."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        live_count = max(reader.doc_count(), 1)
        self.avg = {name: (reader.field_length(name) / live_count) or 1.0 for name in FIELDS}
        self.lengths = {name: self._lengths(name) for name in FIELDS}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lexicons: dict[str, dict[str, list[str]]] = {}
        self._phrases: dict[tuple[str, ...], np.ndarray] = {}

    def _lengths(self, name: str) -> np.ndarray:
        """Every document's length in a field (as Whoosh stores it, to one byte)."""
        out = np.zeros(self.size, dtype=np.float32)
        for sub, offset in self.reader.leaf_readers():
            for docnum in range(sub.doc_count_all()):
                out[offset + docnum] = sub.doc_field_length(docnum, name, 0) or 0
        return out

    def postings(self, name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and weights of a term in a field, read block by block."""
        key = (name, term)
        if key in self._postings:
            self._postings.move_to_end(key)
            return self._postings[key]
        ids, weights = [], []
        for sub, offset in self.reader.leaf_readers():
            if (name, term) in sub:
                _read_blocks(sub.postings(name, term), offset, ids, weights)
        found = (np.concatenate(ids), np.concatenate(weights)) if ids else (_EMPTY_I, _EMPTY_F)
        self._postings[key] = found
        if len(self._postings) > CACHED_TERMS:
            self._postings.popitem(last=False)
        return found

    def field_scores(self, name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's BM25F score of a term in one field: (documents, scores)."""
        ids, tf = self.postings(name, term)
        if not len(ids):
            return ids, tf
        idf = math.log(self.size / (len(ids) + 1)) + 1
        norm = K1 * ((1 - B) + B * self.lengths[name][ids] / self.avg[name])
        return ids, idf * (tf * (K1 + 1)) / (tf + norm)

    def term_scores(self, term: str) -> np.ndarray:
        """BM25F of one term, summed over the searched fields, for every document."""
        scores = np.zeros(self.size, dtype=np.float32)
        for name in FIELDS:
            ids, s = self.field_scores(name, term)
            scores[ids] += s
        return scores

    def phrase_mask(self, words: tuple[str, ...]) -> np.ndarray:
        """Documents where the words stand together, in any searched field (cached).

        Whoosh checks positions one document at a time, so only documents that have every
        word are checked, and the answer is kept: synonym phrases recur in many queries.
        """
        if words in self._phrases:
            return self._phrases[words]
        mask = np.zeros(self.size, dtype=bool)
        candidates = np.logical_and.reduce([self.term_scores(w) > 0 for w in words])
        if candidates.any():
            q = Or([Phrase(name, list(words)) for name in FIELDS])
            mask[np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)] = True
        if len(self._phrases) >= CACHED_PHRASES:
            self._phrases.pop(next(iter(self._phrases)))
        self._phrases[words] = mask
        return mask

    def near_terms(self, stem: str) -> list[str]:
        """Index terms within one or two edits of an unknown word."""
        out: set[str] = set()
        for name in FIELDS:
            if name not in self._lexicons:
                self._lexicons[name] = by_first_letter(_text(t) for t in self.reader.lexicon(name))
            candidates = self._lexicons[name].get(stem[:1], [])
            out.update(t for t, _ in near_words(stem, candidates, limit=20))
        return sorted(out)

    def need_scores(self, need: Need) -> tuple[np.ndarray, set[str]]:
        """A clause's scores (any of its phrases, or all its parts) and the terms it used."""
        total = np.zeros(self.size, dtype=np.float32)
        terms: set[str] = set()
        phrases = list(need.phrases) + [(t,) for t in self.near_terms(need.fuzzy) if need.fuzzy]
        for phrase in phrases:
            s = sum(self.term_scores(t) for t in phrase)
            total += s * self.phrase_mask(phrase) if len(phrase) > 1 else s
            terms.update(phrase)
        if need.parts:
            part_scores = [self.term_scores(t) for t in need.parts]
            every = np.logical_and.reduce([s > 0 for s in part_scores])
            total += PARTS_BOOST * sum(part_scores) * every
            terms.update(need.parts)
        return total, terms

    def rank(self, needs: list[Need], allowed: np.ndarray, every: bool) -> Ranking:
        """Scores of matching documents; those with every clause first (or only, if `every`)."""
        total = np.zeros(self.size, dtype=np.float32)
        covered = np.zeros(self.size, dtype=np.int16)
        terms: set[str] = set()
        for need in needs:
            s, used = self.need_scores(need)
            total += s
            covered += s > 0
            terms |= used
        allowed = allowed & self.live
        full = allowed & (covered == len(needs))
        matched = full if every and full.any() else allowed & (covered > 0)
        total *= 1 + ALL_WORDS_BOOST * full
        return Ranking(np.where(matched, total, 0), matched, bool(full.any()), terms)


class Ranking:
    """The outcome of rank(): scores, the matched documents and the terms to mark."""

    def __init__(self, scores: np.ndarray, matched: np.ndarray, all_found: bool, terms: set[str]):
        self.scores, self.matched, self.all_found, self.terms = scores, matched, all_found, terms

    def top(self, n: int) -> np.ndarray:
        """The n best document numbers, best first (ties in index order)."""
        docs = np.flatnonzero(self.matched)
        if len(docs) > 4 * n:
            keep = np.argpartition(-self.scores[docs], n)[:n]
            docs = np.sort(docs[keep])
        return docs[np.argsort(-self.scores[docs], kind="stable")][:n]


def _read_blocks(m, offset: int, ids: list, weights: list) -> None:
    """Append a leaf matcher's postings, one block at a time (whoosh3 codec internals)."""
    while not hasattr(m, "_read_data") and hasattr(m, "child"):
        m = m.child  # deletions are masked by Engine.live instead
    if not hasattr(m, "_read_data"):  # another codec: the slow, public way
        pairs = np.array(list(m.items_as("weight")), dtype=np.float64).reshape(-1, 2)
        ids.append(pairs[:, 0].astype(np.int64) + offset)
        weights.append(pairs[:, 1].astype(np.float32))
        return
    while m.is_active():
        m._read_data()
        deltas, w = m._data[0], m._data[1]
        ids.append(np.cumsum(np.asarray(deltas, dtype=np.int64)) + offset)
        n = len(ids[-1])
        weights.append(
            np.full(n, 1.0 if w is None else w, dtype=np.float32)
            if w is None or isinstance(w, float)
            else np.asarray(w, dtype=np.float32)
        )
        m._next_block()


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float32)
