"""The outcome of a ranking: scores, the matched documents and how each clause matched.

Engine.rank fills these; the searcher reads the top, the fill for a short page and the
«treff på» explanation (whys) from them.
"""

from __future__ import annotations

import math

import numpy as np

from kb.search.planner import Need

MOST = 0.6  # a query of n > 2 clauses needs ceil(0.6 n) of them (2 of 3, 3 of 4, 3 of 5)


def below(scores: np.ndarray, near: np.ndarray, headless: np.ndarray) -> np.float32 | None:
    """Cases with no clause in their title or summary are put below the passages that have
    every clause near each other: such a case shares words with the query in a long body,
    such a passage answers it (tuning half: P@5 0.636 -> 0.641, the rest unchanged). The
    cap, None without such passages."""
    if not len(near):
        return None
    cap = np.float32(scores[near].min() * 0.999)
    if len(headless):
        scores[headless] = np.minimum(scores[headless], cap)
    return cap


def near_terms_of(m: NeedMatch) -> set[str]:
    """The terms whose positions stand for a clause: each phrase's first word, the parts, and
    the near words of a fuzzy clause."""
    terms = {p[0] for p in m.need.phrases if p} | set(m.need.parts)
    return terms | m.terms if m.need.fuzzy else terms


def required(n: int) -> int:
    """How many of n clauses a document needs: all of one or two, then a growing share."""
    return n if n <= 2 else max(2, math.ceil(n * MOST))


class NeedMatch:
    """One clause's outcome: its scores, where its own words matched, the terms it used."""

    def __init__(
        self, need: Need, scores: np.ndarray, own: np.ndarray, terms: set[str], head: np.ndarray
    ):
        self.need, self.scores, self.own, self.terms, self.head = need, scores, own, terms, head


class Ranking:
    """The outcome of rank(): scores, the matched documents, how they matched, the clauses."""

    def __init__(
        self,
        scores: np.ndarray,
        matched: np.ndarray,
        mode: str,
        needs: list[NeedMatch] = (),
        partial: np.ndarray | None = None,
    ):
        self.scores, self.matched, self.mode, self.needs = scores, matched, mode, list(needs)
        self.terms: set[str] = set().union(*(m.terms for m in self.needs))
        # Documents with some clauses but too few to match: they may fill a short last page.
        self.partial = np.zeros_like(matched) if partial is None else partial
        self._candidates: np.ndarray | None = None  # the documents proximity checked …
        self._boost: np.ndarray | None = None  # … and their proximity factors
        self._rest: tuple | None = None  # partial candidates not lifted yet, and how to

    def defer(self, first: np.ndarray, boost: np.ndarray, rest: np.ndarray, lift) -> None:
        """The candidates lifted (first, their proximity factors) and those lifted when asked
        for (rest, by lift(self, rest), which returns their factors; given self when called,
        so that a ranking and its lift do not hold each other)."""
        self._candidates, self._boost, self._rest = first, boost, (rest, lift)

    def _lifted(self) -> None:
        """Lift the deferred candidates, once."""
        if self._rest is not None:
            (rest, lift), self._rest = self._rest, None
            boost = lift(self, rest) if len(rest) else rest.astype(np.float32)
            self._candidates = np.concatenate([self._candidates, rest])
            self._boost = np.concatenate([self._boost, boost])

    @property
    def candidates(self) -> np.ndarray | None:
        """The documents proximity checked (tests.relevance.calibrate), all of them lifted."""
        self._lifted()
        return self._candidates

    @property
    def boost(self) -> np.ndarray | None:
        """The candidates' proximity factors."""
        self._lifted()
        return self._boost

    @property
    def all_found(self) -> bool:
        """True unless the any-word fallback was used."""
        return self.mode != "some"

    def top(self, n: int) -> np.ndarray:
        """The n best matched document numbers, best first (ties in index order)."""
        return self._best(np.flatnonzero(self.matched), n)

    def fill(self, n: int) -> np.ndarray:
        """The n best documents that have some of the clauses but too few to match."""
        self._lifted()
        return self._best(np.flatnonzero(self.partial), n)

    def _best(self, docs: np.ndarray, n: int) -> np.ndarray:
        """The n best of docs by score, best first (ties in index order)."""
        if len(docs) > 4 * n:
            keep = np.argpartition(-self.scores[docs], n)[:n]
            docs = np.sort(docs[keep])
        return docs[np.argsort(-self.scores[docs], kind="stable")][:n]

    def whys(self, docs: list[int]) -> list[list[tuple[str, bool, set[str]]]]:
        """Per document of docs (a page's) and per clause: (its text, whether the document has
        it, the terms that stood in for its own words when the document lacks them), each
        clause's arrays read once for all of the documents."""
        per_clause = []
        for m in self.needs:
            own = set(m.need.phrases[0]) if m.need.phrases else set()
            has, mine = (m.scores[docs] > 0).tolist(), m.own[docs].tolist()
            label, other = m.need.label, m.terms - own
            per_clause.append(
                [
                    (label, h, set(other) if h and not o else set())
                    for h, o in zip(has, mine, strict=True)
                ]
            )
        return (
            [list(why) for why in zip(*per_clause, strict=True)]
            if per_clause
            else [[] for _ in docs]
        )
