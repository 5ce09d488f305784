"""The cross-validation tool counts a setting's gain only on queries it was not chosen on."""

from __future__ import annotations

import numpy as np
from crossval import FOLDS, choose_one, cross_validate, folds  # tests/relevance on path

N = 10


class Stub:
    """A bench whose P@5 + MRR per query is a table by the value of one constant."""

    def __init__(self, table: dict[float, list[float]]):
        self.table, self.queries, self.today = table, list(range(N)), {"case_head": 0.2}

    def gains(self, setting: dict) -> np.ndarray:
        return np.array(self.table[setting.get("case_head", 0.2)], dtype=float)


def choose(bench):
    return lambda train: choose_one(bench, "case_head", train)


def test_every_query_is_in_exactly_one_fold_by_its_position():
    masks = folds(N)
    assert len(masks) == FOLDS
    assert (sum(m.astype(int) for m in masks) == 1).all()
    assert [int(np.flatnonzero(m)[0]) for m in masks] == list(range(FOLDS))


def test_a_setting_better_on_every_query_gains_in_every_fold():
    table = {v: [1.0] * N for v in (0.0, 0.1, 0.3, 0.4, 0.6)}
    table[0.2], table[0.4] = [1.0] * N, [1.5] * N
    gain, chosen = cross_validate(Stub(table), choose(Stub(table)))
    assert gain == 0.5 and chosen == [{"case_head": 0.4}] * FOLDS


def test_a_win_on_one_query_is_not_counted_and_ties_keep_today():
    table = {v: [1.0] * N for v in (0.0, 0.1, 0.2, 0.3, 0.4, 0.6)}
    table[0.4] = [2.0] + [1.0] * (N - 1)  # better on query 0 alone
    bench = Stub(table)
    gain, chosen = cross_validate(bench, choose(bench))
    assert gain == 0.0  # chosen only in the folds without query 0, where it gains nothing
    assert chosen[0] == {"case_head": 0.2} and chosen[1] == {"case_head": 0.4}
