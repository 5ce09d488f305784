"""Ranking over the Whoosh index with numpy: BM25F per field, documents with every word first.

Whoosh's own matchers score one document at a time in Python; a query with synonyms, compound
parts and four fields then costs ~0.1 ms per matching document. Here the postings of each term
are read once per block into arrays (and cached), and scores, counts and facets are array sums.
The formula is Whoosh's BM25F, so scores match what `searcher.search` would give.
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict

import numpy as np

from kb.search import citations, proximity
from kb.search import schema as f
from kb.search.phrases import phrase_docs
from kb.search.planner import Need
from kb.search.ranking import NeedMatch, Ranking, below, near_terms_of, required
from kb.search.tables import Tables
from kb.search.termcache import CACHED_TERMS, FIELDS, TermCache

K1, B = 1.2, 0.75  # Whoosh's BM25F defaults
PARTS_BOOST = 0.5  # "barnefattigdom" also finds "fattigdom blant barn", ranked lower
ALL_WORDS_BOOST = 4.5  # documents with every clause score (1 + 4.5) times higher …
COVERAGE_POWER = 8  # … others by their share of the query's weight to this power (see coverage)
CASE_WEIGHT = 0.6  # a case's score against a passage's (tuned on the tuning half) …
STRONG_CASE_WEIGHT = 1.5  # … unless its title or summary has every clause of the query
HEAD = (f.TITLE, f.SUMMARY)
# Among the candidates, a case's score times exp(weight × its share of clauses in title or
# summary): the one weight of the calibrated score that earned its place, fitted by grid on
# the tuning half (P@5 + MRR) with leave-one-query-out CV: python -m tests.relevance.calibrate
CASE_HEAD_WEIGHT = 0.2
NEAR = 0.5  # a passage's concepts are near each other from this closeness (proximity.py)
CACHED_PHRASES = 256
# Scores of whole terms (one value per document) kept per reader, counted in values: a term
# recurs in many queries never asked before (683 documents: ~1 500 terms; 60 000: 16).
CACHED_SCORES = 1_000_000


class Engine(TermCache):
    """Scores for one reader: field lengths and array arithmetic over its terms' postings
    (read and cached by TermCache)."""

    def __init__(self, searcher, tables: Tables, previous: Engine | None = None):
        super().__init__(searcher.reader(), tables.postings, previous)
        self.searcher = searcher
        reader = self.reader
        self.size = tables.size
        self.live = tables.live
        values, docs, ids = tables.facets[f.KIND]
        self.is_case = np.zeros(self.size, dtype=bool)
        if "case" in values:
            self.is_case[docs[ids == values.index("case")]] = True
        live_count = max(reader.doc_count(), 1)
        self.avg = {name: (reader.field_length(name) / live_count) or 1.0 for name in FIELDS}
        self.lengths = tables.lengths
        self._phrases: dict[tuple[str, ...], np.ndarray] = {}
        self._scores: OrderedDict[str, np.ndarray] = OrderedDict()  # term_scores, read-only
        self._heads: OrderedDict[str, np.ndarray] = OrderedDict()  # in_head, read-only
        self._matches: OrderedDict[Need, NeedMatch] = OrderedDict()  # need_match, read-only
        self.graph = tables.graph  # the citation graph (kb.search.graph.Graph)

    def field_scores(self, name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's BM25F score of a term in one field: (documents, scores)."""
        ids, tf = self.postings(name, term)
        if not len(ids):
            return ids, tf
        idf = math.log(self.size / (len(ids) + 1)) + 1
        norm = K1 * ((1 - B) + B * self.lengths[name][ids] / self.avg[name])
        return ids, idf * (tf * (K1 + 1)) / (tf + norm)

    def term_scores(self, term: str) -> np.ndarray:
        """BM25F of one term, summed over the searched fields, for every document (kept for
        this reader, read-only: the lengths, averages and idf it depends on are the reader's)."""
        if term in self._scores:
            self._scores.move_to_end(term)
            return self._scores[term]
        scores = np.zeros(self.size, dtype=np.float32)
        for name in FIELDS:
            ids, s = self.field_scores(name, term)
            scores[ids] += s
        scores.setflags(write=False)
        self._scores[term] = scores
        while len(self._scores) * self.size > CACHED_SCORES and len(self._scores) > 1:
            self._scores.popitem(last=False)
        return scores

    def phrase_mask(self, words: tuple[str, ...]) -> np.ndarray:
        """Documents where the words stand together, in any searched field (cached).

        Only documents that have every word are checked, and the answer is kept per segment:
        synonym phrases recur in many queries, and after a one-case update only the new
        segment is checked.
        """
        if words in self._phrases:
            return self._phrases[words]
        mask = np.zeros(self.size, dtype=bool)
        candidates = np.logical_and.reduce([self.term_scores(w) > 0 for w in words])
        if candidates.any():
            for sub, offset in self.reader.leaf_readers():
                n = sub.doc_count_all()
                if candidates[offset : offset + n].any():
                    mask[self._segment_phrase(sub, words) + offset] = True
        if len(self._phrases) >= CACHED_PHRASES:
            self._phrases.pop(next(iter(self._phrases)))
        self._phrases[words] = mask
        return mask

    def _segment_phrase(self, sub, words: tuple[str, ...]) -> np.ndarray:
        """One segment's documents with the phrase (cached by segment: its files never change;
        deleted documents may be in it, they are masked by `live`).

        Per field, only the documents with every word are checked, from positions read block
        by block (kb.search.proximity): what Whoosh's Phrase query finds (slop 1: the words
        side by side, in order), without its document-by-document matchers.
        """
        key = (sub.segment().segment_id(), "phrase", words)
        if key in self._segments:
            self._segments.move_to_end(key)
            return self._segments[key]
        # Not np.unique or a plain np.intersect1d: their first call imports numpy.ma (~15 ms
        # of a fresh process's first search); a segment's postings are sorted and unique.
        found = np.zeros(sub.doc_count_all(), dtype=bool)
        for name in FIELDS:
            ids = [self._segment_postings(sub, name, w)[0] for w in words]
            candidates = functools.reduce(
                functools.partial(np.intersect1d, assume_unique=True), ids
            )
            if len(candidates):
                found[phrase_docs(sub, name, words, candidates, self.read_positions)] = True
        self._segments[key] = np.flatnonzero(found)
        if len(self._segments) > CACHED_TERMS:
            self._segments.popitem(last=False)
        return self._segments[key]

    def need_match(self, need: Need) -> NeedMatch:
        """need_scores, kept for this reader (its arrays read-only, bounded as term_scores):
        a word recurs in many queries never asked before, and its clause is the same Need.
        need_scores depends on nothing but the need and this reader's postings and stems."""
        if need in self._matches:
            self._matches.move_to_end(need)
            return self._matches[need]
        found = self._matches[need] = self.need_scores(need)
        for array in (found.scores, found.own, found.head):
            array.setflags(write=False)
        while len(self._matches) * 3 * self.size > CACHED_SCORES and len(self._matches) > 1:
            self._matches.popitem(last=False)
        return found

    def need_scores(self, need: Need) -> NeedMatch:
        """A clause's scores (any of its phrases, or all its parts) and how each document met it."""
        total = np.zeros(self.size, dtype=np.float32)
        own, head = np.zeros(self.size, dtype=bool), np.zeros(self.size, dtype=bool)
        terms: set[str] = set()
        near = [(t,) for t in self.near_terms(need.fuzzy)] if need.fuzzy else []
        for k, phrase in enumerate([*need.phrases, *near]):
            s = sum(self.term_scores(t) for t in phrase)
            s = s * self.phrase_mask(phrase) if len(phrase) > 1 else s
            total += s
            if k == 0 and need.phrases:
                own |= s > 0
            head |= (s > 0) & np.logical_and.reduce([self.in_head(t) for t in phrase])
            terms.update(phrase)
        if need.parts:
            part_scores = [self.term_scores(t) for t in need.parts]
            every = np.logical_and.reduce([s > 0 for s in part_scores])
            total += PARTS_BOOST * sum(part_scores) * every
            terms.update(need.parts)
        return NeedMatch(need, total, own, terms, head)

    def coverage(self, matches: list[NeedMatch]) -> np.ndarray:
        """0–1 per document: its clauses' share of the query's weight (each clause weighs its
        idf, times its Need.weight), so lacking a common word («gjør», «raskt») costs less than
        lacking a rare one."""
        idf = [
            m.need.weight * (math.log(self.size / (int(np.count_nonzero(m.scores)) + 1)) + 1)
            for m in matches
        ]
        have = sum(w * (m.scores > 0) for w, m in zip(idf, matches, strict=True))
        return np.asarray(have / max(sum(idf), 1e-9), dtype=np.float32)

    def in_head(self, term: str) -> np.ndarray:
        """Documents with the term in the title or the summary (kept for this reader, as
        term_scores, read-only)."""
        if term in self._heads:
            self._heads.move_to_end(term)
            return self._heads[term]
        out = np.zeros(self.size, dtype=bool)
        for name in HEAD:
            out[self.postings(name, term)[0]] = True
        out.setflags(write=False)
        self._heads[term] = out
        while len(self._heads) * self.size > CACHED_SCORES and len(self._heads) > 1:
            self._heads.popitem(last=False)
        return out

    def rank(
        self,
        needs: list[Need],
        allowed: np.ndarray,
        every: bool,
        near: bool = True,
        shown: int | None = None,
    ) -> Ranking:
        """Scores of the documents that have enough of the clauses (any of them, as a fallback).

        Enough is every clause for one or two, most for more (see required()); `every` asks
        for all of them. Cases are weighed against passages by CASE_WEIGHT, (`near`) the best
        candidates are lifted when their clauses stand close together (kb.search.proximity)
        and by the documents they are linked to by citations (kb.search.citations), and cases
        by the share of clauses in their title or summary (head_lift).

        `shown`: the matched documents the caller's page needs (limit × page). When there are
        at least that many, no short last page is filled with partial documents: theirs are
        lifted only if Ranking.fill (or candidates) asks.
        """
        matches = [self.need_match(need) for need in needs]
        total = np.zeros(self.size, dtype=np.float32)
        covered = np.zeros(self.size, dtype=np.int16)
        for m in matches:
            total += m.scores
            covered += m.scores > 0
        allowed = allowed & self.live
        n = len(needs)
        enough = n if every else required(n)
        some = allowed & (covered > 0)
        matched, mode = allowed & (covered >= enough), "all" if enough == n else "most"
        if not matched.any():
            matched, mode = some, "some"
        total *= 1 + ALL_WORDS_BOOST * self.coverage(matches) ** COVERAGE_POWER
        # A case whose title or summary has every clause keeps its score; other cases are
        # weighed against passages (a long case shares a word with many queries).
        strong = np.logical_and.reduce([m.head for m in matches]) if matches else self.is_case
        weight = np.where(strong, STRONG_CASE_WEIGHT, CASE_WEIGHT)
        total *= np.where(self.is_case, weight, 1.0).astype(np.float32)
        partial = None if every else some & ~matched
        ranking = Ranking(np.where(some, total, 0), matched, mode, matches, partial)
        if not some.any():
            return ranking
        first, rest = ranking.top(proximity.CHECKED), ranking.fill(proximity.CHECKED)
        if shown is None or np.count_nonzero(matched) < shown:  # fill may need them: now
            first, rest = np.concatenate([first, rest]), rest[:0]
        cited = near and citations.CITE_WEIGHT  # not for more_like_this (near=False)
        base = np.where(self.live, total, 0) if cited else None  # whatever the filters
        boost, cap, headless = self._near(ranking, matches, first, near), None, None
        if near and n > 1:
            close = ~self.is_case[first] & (covered[first] == n)
            close &= boost >= 1 + proximity.PROXIMITY_BOOST * NEAR
            headless = self.is_case & ~np.logical_or.reduce([m.head for m in matches]) & some
            cap = below(ranking.scores, first[close], np.flatnonzero(_without(headless, rest)))
        self._lift(ranking, matches, first, base)
        # The partial documents (chosen above, by their scores before any lift), when left
        # for later, are lifted the same way the first time Ranking.fill needs them.
        finish = functools.partial(self._lift_rest, matches, base, near, cap, headless)
        ranking.defer(first, boost, rest, finish)
        return ranking

    def _near(self, ranking: Ranking, matches: list[NeedMatch], docs, near: bool) -> np.ndarray:
        """Lift the docs by how close together they have the clauses; the factors."""
        if not (near and len(matches) > 1):
            return np.ones(len(docs), dtype=np.float32)
        terms = [near_terms_of(m) for m in matches]
        boost = proximity.boosts(
            self.reader,
            terms,
            docs,
            self.postings,
            self._positions,
            self.read_positions,
            self.has_term,
        )
        ranking.scores[docs] *= boost
        return boost

    def _lift(self, ranking: Ranking, matches, docs, base) -> None:
        """Lift the docs by head_lift and (with `base`) their citations."""
        ranking.scores[docs] *= self.head_lift(matches, docs)
        if base is not None:  # every document's score before the lifts (see rank)
            ranking.scores[docs] *= citations.cite_lift(base, docs, self.links())

    def _lift_rest(self, matches, base, near, cap, headless, ranking: Ranking, docs):
        """Lift the partial candidates as rank() lifts the others, in the same order: near
        each other, capped below the near passages when headless, head, citations."""
        boost = self._near(ranking, matches, docs, near)
        if cap is not None:
            capped = docs[headless[docs]]
            ranking.scores[capped] = np.minimum(ranking.scores[capped], cap)
        self._lift(ranking, matches, docs, base)
        return boost

    def links(self) -> citations.Links:
        """The reader's citation graph (kb.search.citations): mapped, or joined once."""
        return self.graph.links()

    def head_lift(self, matches: list[NeedMatch], candidates: np.ndarray) -> np.ndarray:
        """The calibrated factor of each candidate: a case's score grows with the share of
        the clauses its title or summary has, exp(CASE_HEAD_WEIGHT × share); 1 for a passage."""
        share = sum(m.head[candidates].astype(np.float32) for m in matches) / len(matches)
        return np.exp(CASE_HEAD_WEIGHT * share * self.is_case[candidates]).astype(np.float32)


def _without(mask: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """A copy of mask with the docs left out."""
    out = mask.copy()
    out[docs] = False
    return out
