"""Our engine beats the plain Whoosh baseline on the judged queries (needs ../shared/seeds)."""

from __future__ import annotations

import pytest
from evaluate import evaluate, load_queries, ndcg  # tests/relevance is on sys.path under pytest

MARGIN = 0.1  # nDCG@10 points; the docs give the measured figures


def test_judged_set_is_large_and_varied():
    queries = load_queries()
    assert len(queries) >= 30
    assert {q.kind for q in queries} >= {
        "typo",
        "inflection",
        "compound",
        "synonym",
        "nynorsk",
        "ocr",
    }
    assert len({src for q in queries for src, _, _ in q.relevant}) == 5


def test_ndcg_rewards_early_relevant_hits():
    assert ndcg([True, False], 1) == 1.0
    assert ndcg([False, True], 1) < ndcg([True, False], 1)
    assert ndcg([False] * 10, 3) == 0.0


@pytest.mark.seeds
def test_ours_beats_the_baseline_clearly(seeds_dir):
    scores = evaluate(seeds_dir)
    ours, plain = scores["ours"], scores["baseline"]
    assert ours["ndcg@10 all"] >= plain["ndcg@10 all"] + MARGIN
    assert ours["success@5 all"] > plain["success@5 all"]
    for kind in ("typo", "ocr", "synonym", "compound"):
        assert ours[f"ndcg@10 {kind}"] > plain[f"ndcg@10 {kind}"], kind


@pytest.mark.seeds
def test_ours_beats_the_baseline_on_held_out_queries(seeds_dir):
    """Queries written after tuning (heldout.yaml): the lead must hold on unseen queries too."""
    from evaluate import HERE

    scores = evaluate(seeds_dir, queries_file=HERE / "heldout.yaml")
    ours, plain = scores["ours"], scores["baseline"]
    assert ours["ndcg@10 all"] >= plain["ndcg@10 all"] + MARGIN
    assert ours["success@5 all"] > plain["success@5 all"]
