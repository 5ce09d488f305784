"""The engine's own signals for each hit of a query's top 20, as one feature row per hit.

Round thirteen (docs/sok.md, «Trettende runde»): the rows a learned re-ranker
(tests.relevance.rerank) orders by. Every feature is something the engine has or can compute
cheaply per hit; the priors of round twelve and the topic signals of round eleven are here
too, as features (they failed alone as weights).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from kb.search import schema as f
from kb.search.query import parse
from kb.search.searcher import Searcher
from tests.relevance.priors import doc_priors
from tests.relevance.topics import lsa, pair_share, query_vector, term_matrix, unit

DEPTH = 20
LSA_DIMS = 50  # round eleven's best k (0.535 of the pairs; still a coin toss)
FIELDS = (f.TITLE, f.SUMMARY, f.TAGS, f.TEXT_FIELD)
PRIORS = (
    "action share",
    "percent",
    "sentences",
    "past sentences",
    "not frame section",
    "summary section",
)
FEATURES = (
    "rank",  # −log2(place + 1): today's order (the anchor, not regularised)
    "score",  # log of the engine's score over the best of the 20
    "case",  # 1 for a case, 0 for a passage
    "matched",  # 1 when it has enough of the clauses, 0 when it only fills a short page
    "coverage",  # share of the query's idf weight it has (Engine.coverage)
    "every",  # 1 when it has every clause
    "own",  # share of the clauses met by the words as typed
    "head",  # share of the clauses in title or summary
    *(f"in {name}" for name in FIELDS),  # share of the clauses with a term in the field
    "proximity",  # log of the proximity factor (1 when not checked)
    "links",  # log1p of its citation links (a case's cited passages, a passage's cases)
    "linked in top",  # 1 when a linked document is among the 20
    "length",  # log1p of the text's length in terms
    *(f"prior {name}" for name in PRIORS),  # round twelve (percent, sentences: log1p)
    "tfidf",  # round eleven: the cosine of query and document in the stems' tf-idf space
    f"lsa {LSA_DIMS}",  # … in LSA_DIMS latent dimensions
    "centroid",  # … of the document and the centroid of today's other top 5
)


class Listing(NamedTuple):
    """One query's top DEPTH today: document keys, features (rows in today's order), grades."""

    query: str
    keys: list[str]
    x: np.ndarray
    grades: dict[str, int]


class Signals:
    """What the features need from one index, read once: the engine, the documents' priors,
    the tf-idf rows and their LSA, and the report of each passage (the source features)."""

    def __init__(self, searcher: Searcher, sources: list[str]):
        self.searcher, self.engine = searcher, searcher.engine
        self.sources = sources
        self.stored = [searcher._stored_fields(d) for d in range(self.engine.size)]
        self.priors = np.array([prior_row(s) for s in self.stored])
        self.x, self.terms, self.idf = term_matrix(self.engine.reader)
        self.latent, self.basis = lsa(self.x, LSA_DIMS)

    def names(self) -> tuple[str, ...]:
        """FEATURES and one «report NAME» per source."""
        return (*FEATURES, *(f"report {s}" for s in self.sources))

    def top(self, query: str, depth: int = DEPTH):
        """The engine's top `depth` document numbers for the query (matched ones, then a short
        page filled with documents that have some clauses, as Searcher.search), the ranking,
        and the clauses."""
        s = self.searcher
        needs = s.planner.plan(parse(query, s.analysis, s.max_query_chars)).needs
        ranking = s.rank(needs, np.ones(self.engine.size, dtype=bool))
        docs = ranking.top(depth)
        if len(docs) < depth:
            docs = np.concatenate([docs, ranking.fill(depth - len(docs))])
        return docs.astype(np.int64), ranking, needs

    def listing(self, query: str, key_of: dict, grades: dict, depth: int = DEPTH) -> Listing:
        """The query's top `depth` with a feature row per hit."""
        docs, ranking, needs = self.top(query, depth)
        keys = [key_of[self.stored[d][f.ID_FIELD]] for d in docs.tolist()]
        return Listing(query, keys, self.rows(docs, ranking, needs), grades)

    def rows(self, docs: np.ndarray, ranking, needs) -> np.ndarray:
        """A (len(docs) × names()) matrix for docs, today's top in order."""
        engine, matches = self.engine, ranking.needs
        n = max(len(matches), 1)
        place = np.arange(len(docs))
        scores = np.maximum(ranking.scores[docs].astype(np.float64), 1e-9)
        has = [m.scores[docs] > 0 for m in matches] or [np.ones(len(docs), dtype=bool)]
        columns = [-np.log2(place + 2.0), np.log(scores / scores.max())]
        columns += [engine.is_case[docs], ranking.matched[docs], engine.coverage(matches)[docs]]
        columns += [np.logical_and.reduce(has)]
        columns += [sum(m.own[docs] for m in matches) / n, sum(m.head[docs] for m in matches) / n]
        columns += [self.field_share(name, matches, docs) for name in FIELDS]
        columns += [np.log(self.proximity(ranking, docs)), *self.links(docs)]
        columns += [np.log1p(engine.lengths[f.TEXT_FIELD][docs])]
        columns += list(self.priors[docs].T)
        columns += self.topics(docs, needs)
        columns += list(self.reports(docs).T)
        return np.stack([np.asarray(c, dtype=np.float64) for c in columns], axis=1)

    def field_share(self, name: str, matches: list, docs: np.ndarray) -> np.ndarray:
        """Per document, the share of the clauses with one of their terms in the field."""
        out = np.zeros(len(docs))
        for m in matches:
            found = np.zeros(len(docs), dtype=bool)
            for term in m.terms:
                found |= np.isin(docs, self.engine.postings(name, term)[0])
            out += found
        return out / max(len(matches), 1)

    @staticmethod
    def proximity(ranking, docs: np.ndarray) -> np.ndarray:
        """The proximity factor proximity.boosts gave each document (1 when not checked)."""
        if ranking.candidates is None:
            return np.ones(len(docs))
        factor = dict(zip(ranking.candidates.tolist(), ranking.boost.tolist(), strict=True))
        return np.array([factor.get(d, 1.0) for d in docs.tolist()])

    def links(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """log1p of each document's citation links, and whether one of them is in docs."""
        links = self.engine.links()
        if not len(links.partners):
            return np.zeros(len(docs)), np.zeros(len(docs))
        lo, hi = links.starts[docs], links.starts[docs + 1]
        inside = [
            bool(np.isin(links.partners[a:b], docs).any()) for a, b in zip(lo, hi, strict=True)
        ]
        return np.log1p(hi - lo), np.array(inside, dtype=np.float64)

    def topics(self, docs: np.ndarray, needs) -> list[np.ndarray]:
        """Round eleven's signals: tf-idf cosine, LSA cosine, cosine to today's other top 5."""
        q = query_vector(self.engine, needs, self.terms, self.idf)
        rows = self.x[docs]
        top = rows[:5]
        centroid = np.zeros(len(docs))
        for i in range(len(docs)):
            others = np.delete(top, i, axis=0) if i < len(top) else top
            if len(others):
                centroid[i] = rows[i] @ unit(others.mean(axis=0))
        return [rows @ q, self.latent[docs] @ unit(q @ self.basis), centroid]

    def reports(self, docs: np.ndarray) -> np.ndarray:
        """One column per source: 1 for a passage of that report."""
        out = np.zeros((len(docs), len(self.sources)))
        for i, d in enumerate(docs.tolist()):
            stored = self.stored[d]
            if stored[f.KIND] == "passage":
                source = stored.get(f.SOURCE) or ""
                if source in self.sources:
                    out[i, self.sources.index(source)] = 1.0
        return out


def pair_shares(items: list[Listing], names: tuple[str, ...]) -> tuple[int, dict[str, float]]:
    """Rounds eleven and twelve's check for every feature: over the pairs of a grade 0–1 hit
    in today's top 5 and a grade ≥ 2 hit at 6–20 of the same query, the share where the
    feature is higher for the good one (ties: half); and the number of pairs."""
    shares: dict[str, list[float]] = {n: [] for n in names}
    for it in items:
        y = [it.grades.get(k, 0) for k in it.keys]
        bad = [i for i in range(min(5, len(y))) if y[i] <= 1]
        good = [i for i in range(5, len(y)) if y[i] >= 2]
        for j, name in enumerate(names):
            shares[name] += pair_share(it.x[:, j], bad, good)
    count = len(next(iter(shares.values())))
    return count, {n: float(np.mean(v)) if v else 0.5 for n, v in shares.items()}


def prior_row(stored: dict) -> list[float]:
    """Round twelve's priors of one document (from its stored fields), PRIORS in order."""
    priors = doc_priors(stored)
    priors["percent"] = math.log1p(priors["percent"])
    priors["sentences"] = math.log1p(priors["sentences"])
    return [priors[name] for name in PRIORS]
