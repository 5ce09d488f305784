"""The graded set is large, varied and split 50/50; the measures behave as documented."""

from __future__ import annotations

from collections import Counter

import pytest
from judged import (  # tests/relevance on path
    HALVES,
    KINDS,
    SETS,
    VALIDATION,
    Query,
    load_grades,
    load_judged,
    split,
)
from measures import ideal, ndcg_at, precision_at, reciprocal_rank, scores, success_at


def test_judged_set_is_large_varied_and_split_by_kind():
    every = load_judged()
    assert all(q.intent and q.half in SETS for q in every)
    queries = [q for q in every if q.half in HALVES]  # the validation set is never split
    assert len(queries) >= 84
    validation = Counter(q.kind for q in every if q.half == VALIDATION)
    assert not validation or set(validation) == set(KINDS)
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


def test_other_engines_rankings_are_added_under_their_files_name(tmp_path):
    from tests.relevance.graded import add_tops

    also = tmp_path / "cee85f0.json"
    also.write_text('{"a": {"ours": ["x", "y"]}, "elsewhere": {"ours": ["z"]}}', "utf-8")
    tops = {"a": {"ours": ["y", "x"]}, "b": {"ours": ["x"]}}
    assert add_tops(tops, also) == ["ours (cee85f0)"]
    assert tops == {"a": {"ours": ["y", "x"], "ours (cee85f0)": ["x", "y"]}, "b": {"ours": ["x"]}}


def test_the_validation_set_is_a_known_half_and_an_unknown_one_is_named(tmp_path):
    path = tmp_path / "judged.yaml"
    path.write_text("queries:\n  - {query: a, intent: i, kind: plain, half: validation}\n", "utf-8")
    assert [q.half for q in load_judged(path)] == [VALIDATION]
    with path.open("a", encoding="utf-8") as out:
        out.write("  - {query: b, intent: i, kind: plain, half: testing}\n")
    with pytest.raises(ValueError, match=r"judged.yaml: 'b': half 'testing'$"):
        load_judged(path)


def test_empty_slots_are_added_without_touching_what_the_judges_wrote(tmp_path):
    from tests.relevance.pool import add_slots

    path = tmp_path / "grades.yaml"
    kept = "# The judges' note.\nfirst query:\n  case:a: 3  # why\n\n# between\nsecond: {}\n"
    path.write_text(kept, "utf-8")
    wanted = {"first query": ["case:a", "case:b"], "third": ["passage:x:1-2"]}
    assert add_slots(path, wanted, {"case:b": "B"}) == 2
    text = path.read_text("utf-8")
    assert text.startswith("# The judges' note.\nfirst query:\n  case:a: 3  # why\n")
    assert '  "case:b":  # B\n\n# between\nsecond: {}\n"third":\n  "passage:x:1-2":' in text
    assert load_grades(path) == {"first query": {"case:a": 3}, "second": {}, "third": {}}
    assert add_slots(path, wanted, {}) == 0 and path.read_text("utf-8") == text


def test_paired_differences_count_each_way_and_bound_the_mean():
    from tests.relevance.graded import paired

    queries = [Query(q, "hensikt", "plain", "validation") for q in "abc"]
    grades = {q: {"x": 3, "y": 0} for q in "abc"}
    tops = {
        "a": {"ours": ["x"], "old": ["y", "x"]},
        "b": {"ours": ["x"], "old": ["x"]},
        "c": {"ours": ["y", "x"], "old": ["x"]},
    }
    mrr = next(line for line in paired(queries, tops, grades, "ours", "old") if "MRR" in line)
    assert "+0.000 (95 % -0.500 til +0.500); bedre i 1, dårligere i 1, likt i 1" in mrr
