"""Issue 12, fifth round: the calibrated score lifts a case by the share of the query's
clauses in its title or summary (kb.search.engine.CASE_HEAD_WEIGHT, fitted by
tests.relevance.calibrate), so it can pass a passage that scores a little higher."""

from __future__ import annotations

from rankingtools import ids, searcher_over

FILLER = (
    "Tiltaket ble fulgt opp gjennom året med møter, rapporter og samtaler med tjenestene i "
    "kommunen."
)
# «fredrikstad-barnefattigdom» has «etatene» in its title and «rådmannen» only in its body:
# half of the clauses in its head. The passage has both, twice, side by side.
TEXTS = [" ".join([FILLER, FILLER, "Etatene og rådmannen møttes.", "Etatene og rådmannen møttes."])]


def test_a_case_with_clauses_in_its_head_passes_a_slightly_better_passage(corpus, tmp_path):
    searcher = searcher_over(corpus, tmp_path / "index", TEXTS)
    result = searcher.search("etatene rådmannen")
    assert result["match"] == "all"
    # Before: the passage scored 25.0 and the case 23.1; the case's lift is exp(0.2 × 1/2).
    assert ids(result)[:2] == ["fredrikstad-barnefattigdom", "testkilde-0000"]
