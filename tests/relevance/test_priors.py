"""The document priors of round twelve: action words, percentages, past tense, headings."""

from __future__ import annotations

from priors import pool_shares, text_priors  # tests/relevance on path

DONE = (
    "Kommunen etablerte et samarbeid med NAV i 2019. Tiltaket førte til at 40 prosent "
    "flere fikk bolig. Erfaringene ble evaluert."
)
ABOUT = "Rapporten beskriver samordning mellom stat og kommune"


def test_a_text_that_tells_what_was_done_scores_above_one_that_names_a_topic():
    done, about = text_priors(DONE, None), text_priors(ABOUT, "Samordning i staten")
    # etablerte, samarbeid, tiltaket, førte til, erfaringene, evaluert
    assert done["action count"] == 6 and about["action count"] == 0
    assert done["percent"] == 1 and about["percent"] == 0
    assert done["sentences"] == 3 and about["sentences"] == 1
    # crude: «etablerte» and «tiltaket» (a noun) count, «ble evaluert» does not
    assert done["past sentences"] == 2 / 3 and about["past sentences"] == 0.0


def test_frame_and_summary_headings():
    assert text_priors(ABOUT, "Metode og datagrunnlag")["not frame section"] == 0
    assert text_priors(ABOUT, "Referanser")["not frame section"] == 0
    assert text_priors(ABOUT, "Våre vurderinger")["not frame section"] == 1
    assert text_priors(ABOUT, None)["not frame section"] == 1  # a case has no heading
    assert text_priors(ABOUT, "Sammendrag")["summary section"] == 1


def test_pool_shares_pairs_every_low_grade_with_every_high_grade_of_the_same_query():
    priors = {k: {"x": v} for k, v in {"a": 1.0, "b": 3.0, "c": 2.0, "d": 2.0}.items()}
    grades = [{"a": 0, "b": 2, "c": 3}, {"d": 1, "c": 2, "unknown": 3}]
    # a<b, a<c; d=c is a tie
    assert pool_shares(grades, priors) == {"x": [1.0, 1.0, 0.5]}
