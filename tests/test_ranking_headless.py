"""Issue 12, fourth round: a case with none of the query's concepts in its title or summary
ranks below a passage that has all of them near each other."""

from __future__ import annotations

from rankingtools import ids, searcher_over

# A long passage (low BM25 per word) with «rådmannen» and «kontaktpunkt» side by side; the
# case «fredrikstad-barnefattigdom» has both only in its body, in different sections.
FILLER = (
    "Tiltaket ble fulgt opp gjennom året med møter, rapporter og samtaler med tjenestene i "
    "kommunen."
)
TEXTS = [" ".join([FILLER] * 12) + " Rådmannen var kontaktpunkt for alle."]


def test_a_case_without_the_concepts_in_its_head_ranks_below_a_near_passage(corpus, tmp_path):
    searcher = searcher_over(corpus, tmp_path / "index", TEXTS)
    result = searcher.search("rådmannen kontaktpunkt")
    assert result["match"] == "all"
    # Before: the case's body score (weighed 0.6) beat the passage's even with its proximity.
    order = ids(result)
    assert order.index("testkilde-0000") < order.index("fredrikstad-barnefattigdom")


def test_a_case_with_a_concept_in_its_title_is_not_moved(corpus, tmp_path):
    # «etatene» is in the case's title: the rule leaves it where its score puts it, above the
    # same long passage with «etatene» and «rådmannen» side by side.
    texts = [" ".join([FILLER] * 12) + " Etatene og rådmannen møttes."]
    searcher = searcher_over(corpus, tmp_path / "index", texts)
    result = searcher.search("etatene rådmannen")
    assert ids(result)[0] == "fredrikstad-barnefattigdom"
