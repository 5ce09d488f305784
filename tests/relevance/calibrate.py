"""A calibrated score for the best candidates, fitted and judged on the tuning half only.

    python -m tests.relevance.calibrate [--index DIR] [--l2 1.0] [--folds K] [--why] [--fit]

For each tuning query the engine gives its candidates (the 60 best matched and 60 best partial
documents, those proximity checks) and, per candidate, cheap features it already has (FEATURES),
computed without the calibrated lift (CASE_HEAD_WEIGHT in kb/search/engine.py), whose weight
is fitted again here.
Ungraded documents count as grade 0. Printed, against today's order of the same queries:
- the leave-one-query-out table: the order without the lift, with today's weight, and each
  query reordered by weights fitted on the other 44 (--folds K: on the other K - 1 folds,
  query i in fold i mod K): by pairwise logistic regression over
  every feature, and by a grid search of one weight on «case × share of clauses in title or
  summary» (the one feature kept: CASE_HEAD_WEIGHT);
- with --why, every query whose first grade-3 document is below rank 1, and what is above it;
- with --fit, the weights of both fitted on every tuning query.
The held-out half is never read here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from kb.search import engine as engine_module
from kb.search import schema as f
from kb.search.query import parse
from kb.search.searcher import Searcher
from tests.relevance.engines import load_corpus, our_searcher
from tests.relevance.evaluate import SEEDS
from tests.relevance.judged import load_grades, tuning_queries
from tests.relevance.measures import METRICS, precision_at, reciprocal_rank, scores

TOP = 10
FEATURES = (
    "score",  # log of the engine's score (everything it weighs today)
    "case",  # 1 for a case, 0 for a passage
    "head",  # share of the clauses in the title or summary
    "coverage",  # share of the query's idf weight the document has (Engine.coverage)
    "proximity",  # log of the proximity factor
    "title",  # log1p of the BM25F of the query's terms in the title …
    "summary",  # … the summary …
    "tags",  # … the vocabulary words …
    "text",  # … and the text
    "own",  # share of the clauses matched by the words as typed (not a synonym, part, near word)
    "length",  # log1p of the text's length in terms
    "case×head",  # a case's head share (0 for a passage)
)
GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0)


class Candidates:
    """One query's candidates: document keys, features, grades, which ones matched."""

    def __init__(self, query: str, keys: list[str], x: np.ndarray, grades: dict, matched):
        self.query, self.keys, self.x, self.grades = query, keys, x, grades
        self.matched = np.asarray(matched, dtype=bool)
        self.y = np.array([grades.get(k, 0) for k in keys], dtype=np.float64)
        self.today = x[:, 0]  # the engine's score (its log): today's order

    def ranked(self, z: np.ndarray | None = None) -> list[str]:
        """The top 10 as the engine shows them, by z (None: today): matched documents first,
        then a short page filled with documents that have some of the clauses."""
        z = self.today if z is None else z
        out = []
        for pool in (self.matched, ~self.matched):
            docs = np.flatnonzero(pool)
            out += [self.keys[d] for d in docs[np.argsort(-z[docs], kind="stable")]]
            if len(out) >= TOP:
                break
        return out[:TOP]


def features(engine, matches: list, docs: np.ndarray, ranked: np.ndarray, boost: np.ndarray):
    """A (documents × FEATURES) matrix: matches are the clauses' NeedMatch, ranked the
    engine's scores, boost the proximity factor of each of docs."""
    n = max(len(matches), 1)
    head = sum(m.head[docs].astype(np.float64) for m in matches) / n
    own = sum(m.own[docs].astype(np.float64) for m in matches) / n
    terms = set().union(*(m.terms for m in matches))
    fields = [np.log1p(field_sum(engine, name, terms, docs)) for name in f.SEARCHED]
    case = engine.is_case[docs].astype(np.float64)
    columns = [np.log(np.maximum(ranked[docs], 1e-6)), case, head, engine.coverage(matches)[docs]]
    columns += [np.log(boost), *fields, own, np.log1p(engine.lengths[f.TEXT_FIELD][docs])]
    return np.stack([*columns, case * head], axis=1).astype(np.float64)


def field_sum(engine, name: str, terms: set[str], docs: np.ndarray) -> np.ndarray:
    """The BM25F of the terms in one field, summed, for docs."""
    out = np.zeros(len(docs))
    for term in terms:
        ids, s = engine.field_scores(name, term)
        if len(ids):
            at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
            out[ids[at] == docs] += s[at[ids[at] == docs]]
    return out


def collect(searcher: Searcher, key_of: dict, queries: list[str], grades: dict) -> list:
    """Every query's candidates and features without the calibrated lift (its weight is
    fitted again here), checked against the engine's top 10 without it."""
    weight, engine_module.CASE_HEAD_WEIGHT = engine_module.CASE_HEAD_WEIGHT, 0.0
    try:
        return [candidates_of(searcher, key_of, q, grades.get(q, {})) for q in queries]
    finally:
        engine_module.CASE_HEAD_WEIGHT = weight


def candidates_of(searcher: Searcher, key_of: dict, q: str, grades: dict) -> Candidates:
    """One query's candidates and features, checked against the engine's top 10."""
    engine = searcher.engine
    needs = searcher.planner.plan(parse(q, searcher.analysis, searcher.max_query_chars)).needs
    ranking = engine.rank(needs, np.ones(engine.size, dtype=bool), False)
    order = np.argsort(ranking.candidates)  # ties in index order, as the engine breaks them
    docs, boost = ranking.candidates[order], ranking.boost[order]
    x = features(engine, ranking.needs, docs, ranking.scores, boost)
    keys = [key_of[searcher._stored_fields(int(d))[f.ID_FIELD]] for d in docs]
    item = Candidates(q, keys, x, grades, ranking.matched[docs])
    if item.ranked() != [key_of[h["id"]] for h in searcher.search(q, limit=TOP)["hits"]]:
        raise AssertionError(f"the candidates do not give the engine's top 10 for «{q}»")
    return item


def fit_pairwise(items: list[Candidates], l2: float) -> np.ndarray:
    """Pairwise logistic regression: for a query's candidates with different grades,
    P(better above worse) = sigmoid(w · (x_better − x_worse)), each query weighing the same,
    L2 towards today's order (weight 1 on the score, 0 on the rest)."""
    diffs, weights = [], []
    for it in items:
        hi, lo = np.nonzero(it.y[:, None] > it.y[None, :])
        if len(hi):
            diffs.append(it.x[hi] - it.x[lo])
            weights.append(np.full(len(hi), 1.0 / len(hi)))
    d, pair = np.concatenate(diffs), np.concatenate(weights)
    scale = d.std(axis=0) + 1e-9
    d = d / scale
    prior = np.zeros(d.shape[1])
    prior[0] = scale[0]
    w = prior.copy()
    for _ in range(50):  # Newton steps
        p = 1 / (1 + np.exp(-np.clip(d @ w, -30, 30)))
        grad = d.T @ (pair * (p - 1)) + l2 * (w - prior)
        hess = (d * (pair * p * (1 - p))[:, None]).T @ d + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w / scale


def fit_head(items: list[Candidates]) -> np.ndarray:
    """Today's score plus one weight on «case × head», the grid value with the best
    P@5 + MRR (ties: the smallest)."""
    column = FEATURES.index("case×head")

    def weights(v: float) -> np.ndarray:
        w = np.zeros(len(FEATURES))
        w[0], w[column] = 1.0, v
        return w

    def gain(v: float) -> float:
        ranked = [(it.ranked(it.x @ weights(v)), it.grades) for it in items]
        return sum(precision_at(r, g) + reciprocal_rank(r, g) for r, g in ranked)

    return weights(max(GRID, key=lambda v: (gain(v), -v)))


def mean_scores(items: list[Candidates], orders: list[list[str]]) -> dict[str, float]:
    """Every measure averaged over the graded queries (unjudged@10 over all)."""
    sums: dict[str, list[float]] = {m: [] for m in METRICS}
    for it, ranked in zip(items, orders, strict=True):
        for m, v in scores(ranked, it.grades).items():
            if it.grades or m == "unjudged@10":
                sums[m].append(v)
    return {m: sum(v) / max(len(v), 1) for m, v in sums.items()}


def cross_validate(items: list[Candidates], l2: float, folds: int = 0) -> str:
    """Leave one query out (or `folds` folds, query i in fold i mod folds): today's order
    against each fitted one, on the same queries."""
    k = folds or len(items)
    rows = {"uten kalibrering": [it.ranked() for it in items]}
    now = np.zeros(len(FEATURES))
    now[0], now[FEATURES.index("case×head")] = 1.0, engine_module.CASE_HEAD_WEIGHT
    rows["i dag (CASE_HEAD_WEIGHT)"] = [it.ranked(it.x @ now) for it in items]
    for name, fit in (
        ("parvis logistisk", lambda t: fit_pairwise(t, l2)),
        ("grep×tittel", fit_head),
    ):
        weights = [fit([t for j, t in enumerate(items) if j % k != f]) for f in range(k)]
        rows[name + " (CV)"] = [it.ranked(it.x @ weights[i % k]) for i, it in enumerate(items)]
    lines = [f"{'rangering':26}" + "".join(f"{m:>13}" for m in METRICS)]
    for name, orders in rows.items():
        ms = mean_scores(items, orders)
        changed = sum(a != b for a, b in zip(orders, rows["uten kalibrering"], strict=True))
        lines.append(
            f"{name:24}" + "".join(f"{ms[m]:>13.3f}" for m in METRICS) + f"  ({changed} endret)"
        )
    return "\n".join(lines)


def why(items: list[Candidates]) -> str:
    """For each query whose first grade-3 document is below rank 1: what stands above it."""
    lines = []
    for it in items:
        ranked = it.ranked()
        first = next((i for i, k in enumerate(ranked) if it.grades.get(k, 0) == 3), None)
        if first == 0:
            continue
        if first is None:
            best = "ingen i poolen" if 3 not in it.grades.values() else "ikke i topp 10"
            lines.append(f"«{it.query}»: karakter 3 {best}")
            continue
        lines.append(f"«{it.query}»: første karakter 3 på plass {first + 1}")
        for k in ranked[: first + 1]:
            row = it.x[it.keys.index(k)]
            cells = " ".join(f"{n[:5]}={v:.2f}" for n, v in zip(FEATURES, row, strict=True))
            lines.append(f"  {it.grades.get(k, '–')} {k[:44]:44} {cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: the CV table (tuning half only), the causes, the fitted weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--index", type=Path, help="bygg vår indeks her én gang og bruk den igjen")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 mot dagens rekkefølge")
    parser.add_argument("--why", action="store_true", help="hva som står over første karakter 3")
    parser.add_argument("--folds", type=int, default=0, help="K fold i stedet for ett ut")
    parser.add_argument("--fit", action="store_true", help="vektene tilpasset alle 45 spørsmål")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"{args.seeds} finnes ikke: kalibreringen trenger de fem rapportene")
        return 1
    corpus = load_corpus(args.seeds)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.index or Path(tmp) / "ours"
        queries = tuning_queries()
        items = collect(our_searcher(corpus, folder), corpus.key_of, queries, load_grades())
    print(f"{len(items)} spørsmål (justering), {sum(len(i.keys) for i in items)} kandidater")
    print(cross_validate(items, args.l2, args.folds))
    if args.why:
        print(why(items))
    if args.fit:
        for name, w in (
            ("parvis logistisk", fit_pairwise(items, args.l2)),
            ("grep×tittel", fit_head(items)),
        ):
            print(
                name
                + ": "
                + ", ".join(f"{n} {v:+.3f}" for n, v in zip(FEATURES, w, strict=True) if v)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
