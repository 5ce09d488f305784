"""Pseudo-relevance feedback: the words the best candidates share lift the candidates that
have them too (RM3-style, re-ranking only the candidates proximity already checked).

The top FEEDBACK_DOCS candidates are taken as relevant. Each weighs its share of their
scores; each word of its stored text (title, summary, text) weighs its share of the
document's words. The FEEDBACK_TERMS heaviest stems that are not already the query's become
an expansion query, each term weighted by its share; a candidate's score is then multiplied
by 1 + FEEDBACK_WEIGHT × its BM25F against the expansion ÷ the best candidate's. With
FEEDBACK_IDF, a stem's weight is also multiplied by its idf (rare words of the top documents
rather than their most frequent ones).

Cheap on purpose: the words are counted with a regular expression (the Norwegian analyser
costs ~2.5 ms per passage), and only the few heaviest are stemmed by the field's analyser
(each word once per engine). No second search: the expansion terms' scores are array reads.
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict

import numpy as np

from kb.search import schema as f

FEEDBACK_WEIGHT = 0.0  # off: the rule did not earn its place (docs/sok.md, «Tiende runde»)
FEEDBACK_DOCS = 5  # the candidates taken as relevant
FEEDBACK_TERMS = 10  # the expansion terms
FEEDBACK_IDF = 1  # weigh the expansion stems by their idf too
MIN_LETTERS = 4  # shorter words are not counted
CACHED_DOCS = 4096
WORD = re.compile(r"[^\W\d_]+")
TEXTS = (f.TITLE, f.SUMMARY, f.TEXT_FIELD)


class Feedback:
    """One reader's words per document and stems per word (both depend on nothing else)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.analyzer = searcher.schema[f.TEXT_FIELD].analyzer
        self._words: OrderedDict[int, tuple[Counter, int]] = OrderedDict()
        self._stems: dict[str, str | None] = {}

    def words(self, doc: int) -> tuple[Counter, int]:
        """A document's words of MIN_LETTERS or more (lower case) and its count of words."""
        if doc in self._words:
            self._words.move_to_end(doc)
            return self._words[doc]
        stored = self.searcher.stored_fields(doc)
        text = " ".join(stored.get(name) or "" for name in TEXTS).lower()
        words = WORD.findall(text)
        found = self._words[doc] = (Counter(w for w in words if len(w) >= MIN_LETTERS), len(words))
        if len(self._words) > CACHED_DOCS:
            self._words.popitem(last=False)
        return found

    def stem(self, word: str) -> str | None:
        """The word's stem as the text field indexes it (None for a stop word)."""
        if word not in self._stems:
            tokens = [t.text for t in self.analyzer(word)]
            self._stems[word] = tokens[0] if tokens else None
        return self._stems[word]

    def expansion(
        self, docs: np.ndarray, weights: np.ndarray, own: set[str], idf=None
    ) -> dict[str, float]:
        """The FEEDBACK_TERMS heaviest stems of docs (each doc weighted), not in own."""
        words: Counter = Counter()
        for doc, weight in zip(docs.tolist(), weights.tolist(), strict=True):
            counts, total = self.words(doc)
            for w, n in counts.items():
                words[w] += weight * n / max(total, 1)
        stems: Counter = Counter()
        for w, x in words.most_common(4 * FEEDBACK_TERMS):
            stem = self.stem(w)
            if stem and stem not in own:
                stems[stem] += x
        if idf is not None:
            for stem in stems:
                stems[stem] *= idf(stem)
        best = stems.most_common(FEEDBACK_TERMS)
        total = sum(x for _, x in best) or 1.0
        return {stem: x / total for stem, x in best}


def lift(feedback: Feedback, term_scores, candidates: np.ndarray, scores: np.ndarray, own):
    """1 + FEEDBACK_WEIGHT × each candidate's score against the expansion ÷ the best one's."""
    out = np.ones(len(candidates), dtype=np.float32)
    if len(candidates) < 2 or not FEEDBACK_WEIGHT:
        return out
    top = np.argsort(-scores, kind="stable")[:FEEDBACK_DOCS]
    weights = scores[top] / max(float(scores[top].sum()), 1e-9)
    idf = None
    if FEEDBACK_IDF:

        def idf(t):
            n = int(np.count_nonzero(term_scores(t)))
            return np.log(len(term_scores(t)) / (n + 1)) + 1

    terms = feedback.expansion(candidates[top], weights, own, idf)
    fb = np.zeros(len(candidates), dtype=np.float32)
    for term, weight in terms.items():
        fb += weight * term_scores(term)[candidates]
    best = float(fb.max())
    if best > 0:
        out += np.float32(FEEDBACK_WEIGHT) * fb / np.float32(best)
    return out
