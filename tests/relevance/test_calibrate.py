"""The calibration tool orders candidates as the engine does and fits what the grades say."""

from __future__ import annotations

import numpy as np
from calibrate import FEATURES, Candidates, fit_head, fit_pairwise  # tests/relevance on path

HEAD = FEATURES.index("case×head")


def candidates(query: str, scores: list[float], heads: list[float], grades: dict) -> Candidates:
    """Candidates d0, d1, … with these engine scores (logs) and case×head shares, all matched."""
    x = np.zeros((len(scores), len(FEATURES)))
    x[:, 0], x[:, HEAD] = scores, heads
    keys = [f"d{i}" for i in range(len(scores))]
    return Candidates(query, keys, x, grades, [True] * len(scores))


def test_matched_candidates_come_first_and_a_short_page_is_filled():
    x = np.zeros((3, len(FEATURES)))
    x[:, 0] = [1.0, 3.0, 2.0]
    item = Candidates("q", ["a", "b", "c"], x, {}, [True, False, True])
    assert item.ranked() == ["c", "a", "b"]  # b scores best but only fills the page
    assert item.ranked(np.array([0.0, 9.0, 1.0])) == ["c", "a", "b"]


def test_the_head_weight_is_the_smallest_that_puts_the_best_documents_first():
    # In each query the grade-3 document scores 0.05 below a grade-0 one and has its clauses
    # in the head: 0.1 × 1 lifts it past; more gains nothing, so the smallest wins.
    items = [
        candidates(f"q{i}", [2.0, 1.95, 1.0], [0.0, 1.0, 0.0], {"d1": 3, "d0": 0, "d2": 0})
        for i in range(3)
    ]
    w = fit_head(items)
    assert w[0] == 1.0 and w[HEAD] == 0.1
    assert all(it.ranked(it.x @ w)[0] == "d1" for it in items)


def test_pairwise_regression_weighs_the_feature_that_orders_the_grades():
    rng = np.random.default_rng(0)
    items = []
    for i in range(6):
        heads = rng.permutation([0.0, 0.25, 0.5, 1.0])
        grades = {f"d{k}": int(3 * h) for k, h in enumerate(heads)}
        items.append(candidates(f"q{i}", [1.0] * 4, list(heads), grades))
    w = fit_pairwise(items, l2=1.0)
    assert w[HEAD] > 0.5 and abs(w[0] - 1.0) < 0.5
