"""Where MRR is lost, and k-fold cross-validation of ranking constants, on the tuning half only.

    python -m tests.relevance.crossval [--index DIR] [--mrr] [--cv NAME ...] [--pairs A,B ...]
                                       [--joint]

- --mrr: per tuning query, the rank of the first grade-3 document in the order evaluate.py
  scores (Searcher.search: the pure score order) and in the page's order («Grep» with every
  word first, web.model.results.hit_groups), and what stands above it (kind, grade).
- --cv NAME: one constant (PARAMS) cross-validated over its grid; --pairs A,B: two together
  over every combination of their grids; --joint: every constant tuned together by
  coordinate ascent inside each fold.
Cross-validation: the 45 tuning queries in FOLDS folds (query i of judged.yaml in fold
i mod FOLDS); on each fold the setting with the highest P@5 + MRR on the other folds (ties:
today's) is measured on the fold; the gain is summed over the folds against today's order.
Each setting is searched for real (the constants patched, the result cache cleared).
The held-out half is never read here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path

import numpy as np

from kb.search.searcher import Searcher
from tests.relevance.engines import load_corpus, our_searcher
from tests.relevance.evaluate import SEEDS
from tests.relevance.judged import load_grades, tuning_queries
from tests.relevance.measures import METRICS, precision_at, reciprocal_rank, scores
from web.model.params import SearchRequest
from web.model.results import hit_groups

FOLDS = 5
TOP = 10
# name: (module, constant, grid); today's value is read from the module and always in the grid
PARAMS = {
    "case_head": ("kb.search.engine", "CASE_HEAD_WEIGHT", (0.0, 0.1, 0.2, 0.3, 0.4, 0.6)),
    "proximity": ("kb.search.proximity", "PROXIMITY_BOOST", (0.3, 0.45, 0.6, 0.8, 1.0)),
    "case": ("kb.search.engine", "CASE_WEIGHT", (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)),
    "strong_case": ("kb.search.engine", "STRONG_CASE_WEIGHT", (1.0, 1.25, 1.5, 1.75, 2.0)),
    "common": ("kb.search.planner", "COMMON_WEIGHT", (0.0, 0.15, 0.3, 0.5, 1.0)),
    "common_zipf": ("kb.search.planner", "COMMON_ZIPF", (5.0, 5.3, 5.5, 5.8, 6.0)),
    "long_query": ("kb.search.planner", "LONG_QUERY", (3, 4, 5, 6)),
    "all_words": ("kb.search.engine", "ALL_WORDS_BOOST", (1.5, 2.0, 3.0, 4.5, 6.0)),
    "power": ("kb.search.engine", "COVERAGE_POWER", (2, 4, 8, 12, 16)),
    "near": ("kb.search.engine", "NEAR", (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 1.0)),
    "cite": ("kb.search.citations", "CITE_WEIGHT", (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0)),
}
JOINT = tuple(PARAMS)


class Bench:
    """The tuning queries, their grades and a searcher; per setting, every query's top 10."""

    def __init__(self, searcher: Searcher, key_of: dict, queries: list[str], grades: dict):
        self.searcher, self.key_of, self.queries = searcher, key_of, queries
        self.grades = [grades.get(q, {}) for q in queries]
        self.today = {name: current(name) for name in PARAMS}
        self._memo: dict[tuple, list[list[str]]] = {}

    def tops(self, setting: dict[str, float]) -> list[list[str]]:
        """Every query's top 10 with the constants of setting (the rest today's)."""
        full = {**self.today, **setting}
        key = tuple(sorted(full.items()))
        if key not in self._memo:
            patch(full)
            try:
                self.forget()
                self._memo[key] = [self.top(q) for q in self.queries]
            finally:
                patch(self.today)
                self.forget()
        return self._memo[key]

    def forget(self) -> None:
        """Forget remembered results, term scores, clause matches and title-or-summary masks
        (the engine keeps them per reader; some constants change them)."""
        self.searcher._results.clear()
        engine = self.searcher.engine
        for kept in (engine._scores, engine._matches, engine._heads):
            kept.clear()

    def top(self, q: str, hits: list | None = None) -> list[str]:
        """Document keys of the engine's top 10 (or of hits)."""
        hits = self.searcher.search(q, limit=TOP)["hits"] if hits is None else hits
        return [self.key_of[h["id"]] for h in hits]

    def gains(self, setting: dict[str, float]) -> np.ndarray:
        """P@5 + MRR per query."""
        return np.array(
            [
                precision_at(r, g) + reciprocal_rank(r, g)
                for r, g in zip(self.tops(setting), self.grades, strict=True)
            ]
        )

    def means(self, setting: dict[str, float]) -> dict[str, float]:
        """Every measure averaged over the tuning queries."""
        rows = [scores(r, g) for r, g in zip(self.tops(setting), self.grades, strict=True)]
        return {m: sum(r[m] for r in rows) / len(rows) for m in METRICS}


def current(name: str) -> float:
    module, attr, _ = PARAMS[name]
    return getattr(importlib.import_module(module), attr)


def patch(setting: dict[str, float]) -> None:
    for name, value in setting.items():
        module, attr, _ = PARAMS[name]
        setattr(importlib.import_module(module), attr, value)


def grid(name: str, today: float) -> list[float]:
    return sorted({*PARAMS[name][2], today})


def folds(n: int, k: int = FOLDS) -> list[np.ndarray]:
    """Query i in fold i mod k."""
    return [np.arange(n) % k == i for i in range(k)]


def choose_one(bench: Bench, name: str, train: np.ndarray) -> dict[str, float]:
    """The grid value of one constant with the best P@5 + MRR on train (ties: today's)."""
    today = bench.today[name]
    best = max(
        grid(name, today),
        key=lambda v: (bench.gains({name: v})[train].sum(), v == today, -abs(v - today)),
    )
    return {name: best}


def choose_joint(bench: Bench, train: np.ndarray, names=JOINT) -> dict[str, float]:
    """Coordinate ascent from today's setting: each constant in turn moved to its best grid
    value on train, until a pass moves none (at most three passes)."""
    setting = {n: bench.today[n] for n in names}
    for _ in range(3):
        moved = False
        for name in names:
            now = bench.gains(setting)[train].sum()
            for v in grid(name, bench.today[name]):
                trial = {**setting, name: v}
                gain = bench.gains(trial)[train].sum()
                if gain > now + 1e-9:
                    setting, now, moved = trial, gain, True
        if not moved:
            break
    return setting


def choose_grid(bench: Bench, names: tuple[str, ...], train: np.ndarray) -> dict[str, float]:
    """The best setting on train of every combination of the constants' grids (ties:
    today's, then the nearest to today's)."""
    settings = [{}]
    for name in names:
        settings = [{**s, name: v} for s in settings for v in grid(name, bench.today[name])]

    def key(s: dict) -> tuple:
        distance = sum(abs(float(v) - float(bench.today[n])) for n, v in s.items())
        return (round(bench.gains(s)[train].sum(), 9), -distance)

    return max(settings, key=key)


def cross_validate(bench: Bench, choose) -> tuple[float, list[dict]]:
    """Sum over folds of the chosen setting's P@5 + MRR on the fold, less today's; the
    settings chosen. `choose(train mask)` returns a setting."""
    base = bench.gains({})
    total, chosen = 0.0, []
    for fold in folds(len(bench.queries)):
        setting = choose(~fold)
        chosen.append(setting)
        total += (bench.gains(setting)[fold] - base[fold]).sum()
    return total / len(bench.queries), chosen


def mrr_table(bench: Bench) -> str:
    """Per query below rank 1: the first grade 3 in score order and in page order, and what
    stands above it in score order."""
    lines, page_tops = [], []
    for q, g in zip(bench.queries, bench.grades, strict=True):
        result = bench.searcher.search(q, limit=TOP)
        ranked, page = bench.top(q, result["hits"]), bench.top(q, page_order(result, q))
        page_tops.append(page)
        first = next((i for i, k in enumerate(ranked) if g.get(k, 0) == 3), None)
        on_page = next((i for i, k in enumerate(page) if g.get(k, 0) == 3), None)
        if first == 0 and on_page == 0:
            continue
        where = "–" if first is None else first + 1
        there = "–" if on_page is None else on_page + 1
        pool = "ingen 3 i poolen" if 3 not in g.values() else ""
        lines.append(f"«{q}»: plass {where} (siden: {there}) {pool}")
        for hit in result["hits"][: (first + 1 if first is not None else 0)]:
            k, missing = bench.key_of[hit["id"]], len(hit["why"]["missing"])
            lines.append(f"    {g.get(k, '–')} {hit['kind']:7} mangler {missing}  {k[:56]}")
    page_means = {
        m: np.mean([scores(r, g)[m] for r, g in zip(page_tops, bench.grades, strict=True)])
        for m in METRICS
    }
    lines.append("sidens rekkefølge: " + " ".join(f"{m} {v:.3f}" for m, v in page_means.items()))
    return "\n".join(lines)


def page_order(result: dict, q: str = "søk") -> list[dict]:
    """The hits in the order the page shows them (web.model.results.hit_groups on page 1)."""
    return [h for group in hit_groups(result, SearchRequest(q=q)) for h in group.hits]


def report(label: str, cv: float, chosen: list[dict]) -> str:
    """One CV line: the gain per query and the setting each fold chose."""
    return f"{label}: CV-gevinst P@5+MRR per søk {cv:+.4f}; valgt per fold: {chosen}"


def main(argv: list[str] | None = None) -> int:
    """Command line (tuning half only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--index", type=Path, help="bygg vår indeks her én gang og bruk den igjen")
    parser.add_argument("--mrr", action="store_true", help="hvor MRR tapes")
    parser.add_argument("--cv", nargs="*", default=[], choices=list(PARAMS), help="én konstant")
    parser.add_argument("--joint", action="store_true", help="alle konstantene sammen")
    parser.add_argument("--pairs", nargs="*", default=[], help="to konstanter sammen: a,b")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.seeds)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.index or Path(tmp) / "ours"
        queries = tuning_queries()
        bench = Bench(our_searcher(corpus, folder), corpus.key_of, queries, load_grades())
        print(f"{len(queries)} spørsmål (justering); i dag: {bench.today}")
        print("i dag: " + " ".join(f"{m} {v:.3f}" for m, v in bench.means({}).items()))
        if args.mrr:
            print(mrr_table(bench))
        for name in args.cv:
            cv, chosen = cross_validate(bench, lambda train, n=name: choose_one(bench, n, train))
            print(report(name, cv, chosen))
            for v in grid(name, bench.today[name]):
                ms = bench.means({name: v})
                print(f"    {name}={v}: " + " ".join(f"{m} {x:.3f}" for m, x in ms.items()))
        for pair in args.pairs:
            names = tuple(pair.split(","))
            cv, chosen = cross_validate(bench, lambda train, n=names: choose_grid(bench, n, train))
            print(report(pair, cv, chosen))
            every = choose_grid(bench, names, np.ones(len(queries), dtype=bool))
            ms = bench.means(every)
            print(f"    alle 45: {every}: " + " ".join(f"{m} {x:.3f}" for m, x in ms.items()))
        if args.joint:
            cv, chosen = cross_validate(bench, lambda train: choose_joint(bench, train))
            print(report("felles", cv, chosen))
            every = choose_joint(bench, np.ones(len(queries), dtype=bool))
            ms = bench.means(every)
            print(f"    alle 45: {every}: " + " ".join(f"{m} {x:.3f}" for m, x in ms.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
