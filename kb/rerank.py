"""Documents with every word first: a rescoring of the top of the any-word ranking."""

from __future__ import annotations

from kb.planner import Need

RERANK_DEPTH = 100  # hits rescored; pages deeper than this keep the plain ranking
ALL_WORDS_BOOST = 3.0  # measured with tests/relevance (docs/sok.md)


def matched_stems(hit) -> set[str]:
    """The index terms (stems) this hit matched, in any field."""
    return {t.decode("utf-8") if isinstance(t, bytes) else str(t) for _, t in hit.matched_terms()}


def rerank(hits: list, needs: list[Need]) -> tuple[list, bool]:
    """The hits with those meeting every need first, and whether any hit does."""
    scored, any_all = [], False
    for i, hit in enumerate(hits):
        terms = matched_stems(hit)
        full = all(n.met(terms) for n in needs)
        any_all |= full
        scored.append((-(hit.score or 0.0) * (1 + ALL_WORDS_BOOST * full), i, hit))
    scored.sort(key=lambda x: x[:2])
    return [hit for _, _, hit in scored], any_all
