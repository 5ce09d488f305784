"""The graded set is large, varied and split 50/50; the measures behave as documented."""

from __future__ import annotations

from collections import Counter

import pytest
from judged import HALVES, KINDS, Query, load_grades, load_judged, split  # tests/relevance on path
from measures import ideal, ndcg_at, precision_at, reciprocal_rank, scores, success_at


def test_judged_set_is_large_varied_and_split_by_kind():
    queries = load_judged()
    assert len(queries) >= 84
    assert all(q.intent and q.half in HALVES for q in queries)
    halves = Counter(q.half for q in queries)
    assert abs(halves["tuning"] - halves["heldout"]) <= 1
    for kind in KINDS:
        per_half = Counter(q.half for q in queries if q.kind == kind)
        assert min(per_half[h] for h in HALVES) >= 3, kind
        assert abs(per_half["tuning"] - per_half["heldout"]) <= 1, kind


def test_split_is_seeded_and_keeps_given_halves():
    queries = [Query(f"q{i}", "hensikt", KINDS[i % 3]) for i in range(12)]
    assert split(queries) == split(queries)
    assert Counter(split(queries).values()) == {"tuning": 6, "heldout": 6}
    fixed = [Query("a", "hensikt", "plain", "heldout"), Query("b", "hensikt", "plain")]
    assert split(fixed) == {"b": "tuning"}


def test_grades_file_parses():
    grades = load_grades()
    assert all(g in (0, 1, 2, 3) for docs in grades.values() for g in docs.values())


def test_measures():
    grades = {"a": 3, "b": 2, "c": 1, "d": 0}
    assert precision_at(["a", "b", "c"], grades) == pytest.approx(2 / 5)
    assert reciprocal_rank(["c", "b", "a"], grades) == pytest.approx(1 / 3)
    assert reciprocal_rank(["b", "c"], grades) == 0.0
    assert success_at(["d", "c", "x", "x", "b"], grades) == 1.0
    assert success_at(["d", "c", "x", "x", "x", "b"], grades) == 0.0
    assert ndcg_at(["a", "b", "c", "d"], grades) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], grades) < ndcg_at(["a", "b"], grades)
    assert scores(["a", "x", "y"], grades)["unjudged@10"] == 2.0


def test_ceiling_is_the_best_ranking_the_grades_allow():
    grades = {"c": 1, "a": 3, "d": 0, "b": 2}
    assert ideal(grades) == ["a", "b", "c", "d"]
    assert scores(ideal(grades), grades)["nDCG@10"] == pytest.approx(1.0)
    assert scores(ideal({"b": 2, "c": 1}), {"b": 2, "c": 1})["MRR"] == 0.0  # no grade 3


def test_deeper_pooling_picks_only_queries_without_a_grade_3_and_keeps_every_engines_list():
    from tests.relevance.pool import answered, pooled

    grades = {"a": {"x": 3, "y": 0}, "b": {"x": 2}, "c": {}}
    assert [q for q in "abcd" if not answered(q, grades)] == ["b", "c", "d"]
    tops = {"ours": ["x", "y"], "fts5": ["y", "z"], "snowball": [f"d{n}" for n in range(20)]}
    keys = pooled("b", tops)
    assert sorted(keys) == sorted({"x", "y", "z", *tops["snowball"]})  # depth 20 kept whole
    assert keys == pooled("b", tops) and keys != sorted(keys)  # seeded shuffle, not rank order
