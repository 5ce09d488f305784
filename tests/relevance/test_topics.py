"""The topic tool's parts (round eleven): LSA from the documents' Gram matrix, the query's
fold-in, the heaviest stems, and the share of pairs a signal puts right."""

from __future__ import annotations

import numpy as np
from topics import lsa, pair_share, top_stems, unit  # tests/relevance on path

X = unit(np.array([[3.0, 1, 0, 0, 0], [2, 2, 0, 1, 0], [0, 0, 4, 1, 1], [0, 1, 3, 0, 2]]))


def test_lsa_at_full_rank_keeps_the_cosines_and_folds_a_document_onto_itself():
    docs, basis = lsa(X, 4)
    assert np.allclose(docs @ docs.T, X @ X.T, atol=1e-6)
    folded = unit(X[2] @ basis)
    assert np.isclose(docs[2] @ folded, 1.0)


def test_two_dimensions_keep_the_two_topics_apart():
    docs, _ = lsa(X, 2)
    cos = docs @ docs.T
    assert cos[0, 1] > 0.9 and cos[2, 3] > 0.9
    assert abs(cos[0, 2]) < 0.2


def test_top_stems_keeps_the_heaviest_and_pair_share_counts_ties_half():
    kept = top_stems(X, 2)
    assert (kept > 0).sum(axis=1).tolist() == [2, 2, 2, 2]
    assert np.allclose(np.linalg.norm(kept, axis=1), 1)
    assert pair_share(np.array([0.5, 0.2, 0.5, 0.9]), bad=[0], good=[1, 2, 3]) == [0, 0.5, 1]
