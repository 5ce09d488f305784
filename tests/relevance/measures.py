"""Measures of one ranked list of document keys against a query's grades (0–3); no project imports.

Definitions (documented for the report in graded.py): P@5 and success@5 count grade ≥ 2, MRR
looks for the first grade 3 in the top 10, nDCG@10 uses gain 2^grade − 1.
"""

from __future__ import annotations

import math

RELEVANT, BEST = 2, 3
METRICS = ("P@5", "MRR", "success@5", "nDCG@10", "unjudged@10")


def precision_at(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    """Share of the top k with grade ≥ 2 (k fixed: a short list is not rewarded)."""
    return sum(grades.get(d, 0) >= RELEVANT for d in ranked[:k]) / k


def reciprocal_rank(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """1 / rank of the first grade-3 document in the top k, or 0."""
    return next((1 / i for i, d in enumerate(ranked[:k], 1) if grades.get(d, 0) >= BEST), 0.0)


def success_at(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    """1.0 when some document in the top k has grade ≥ 2."""
    return float(any(grades.get(d, 0) >= RELEVANT for d in ranked[:k]))


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """Graded nDCG@k with gain 2^grade − 1; the ideal is the query's graded documents."""

    def dcg(gs: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(d, 0) for d in ranked]) / ideal if ideal else 0.0


def scores(ranked: list[str], grades: dict[str, int]) -> dict[str, float]:
    """Every measure of one ranked list."""
    return {
        "P@5": precision_at(ranked, grades),
        "MRR": reciprocal_rank(ranked, grades),
        "success@5": success_at(ranked, grades),
        "nDCG@10": ndcg_at(ranked, grades),
        "unjudged@10": float(sum(d not in grades for d in ranked[:10])),
    }


def ideal(grades: dict[str, int], k: int = 10) -> list[str]:
    """The best ranking these grades allow: the graded documents, best first (the ceiling of
    every measure; MRR stays below 1 for a query none of whose documents has grade 3)."""
    return sorted(grades, key=lambda d: -grades[d])[:k]
