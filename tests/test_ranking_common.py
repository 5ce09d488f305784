"""Issue 12, seventh round: in a long query, a word that is common in Norwegian at large
(«gjør», «finnes», «bedre») weighs little in the share of the query a document has, so a
document with the query's topic words and without such a word is not put below one that has
the common word and lacks a topic word."""

from __future__ import annotations

import pytest
from rankingtools import ids, searcher_over

from kb.search.planner import COMMON_WEIGHT
from kb.search.query import parse

FILLER = "det ble holdt et langt møte om planene for skolen og veiene neste år"
TEXTS = [
    # 0: every topic word, not «gjør».
    f"Vaktmesteren la fram budsjettet. {FILLER}. Rådmannen svarte.",
    # 1: «gjør» and two of the three topic words.
    f"Slik gjør vaktmesteren det. {FILLER}. Rådmannen svarte.",
    "Budsjettet ble vedtatt.",
    "Budsjettet ble endret.",
    "Budsjettet ble lagt fram.",
]
QUERY = "hvordan gjør vaktmesteren budsjettet med rådmannen"


@pytest.fixture(scope="module")
def searcher(corpus, tmp_path_factory):
    return searcher_over(corpus, tmp_path_factory.mktemp("ranking-common") / "index", TEXTS)


def test_lacking_a_common_word_of_a_long_query_costs_little(searcher):
    # Before: «gjør» is in one passage of the index (rarer than «budsjettet»), so lacking it
    # cost passage 0 more of the all-words boost than lacking «budsjettet» cost passage 1.
    result = searcher.search(QUERY, kind="passage")
    assert ids(result)[:2] == ["testkilde-0000", "testkilde-0001"]
    assert [h["why"]["missing"] for h in result["hits"][:2]] == [["gjør"], ["budsjettet"]]


def test_only_common_words_of_long_queries_weigh_less(searcher):
    def weights(query: str) -> dict[str, float]:
        parsed = parse(query, searcher.analysis, 500)
        return {n.label: n.weight for n in searcher.planner.plan(parsed).needs}

    assert weights(QUERY) == {
        "gjør": COMMON_WEIGHT,
        "vaktmesteren": 1.0,
        "budsjettet": 1.0,
        "rådmannen": 1.0,
    }
    # Three clauses are not a sentence: «gjør» keeps its weight.
    assert set(weights("gjør vaktmesteren budsjettet").values()) == {1.0}
