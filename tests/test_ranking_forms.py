"""Ranking rules of issue 12's third round, each against the behaviour it replaced: a word's
form without -t (adjectives, past tenses) counts as the word."""

from __future__ import annotations

import pytest
from rankingtools import ids, searcher_over

# «raskt» and «innsatte» are in the index, so the query's words are known and not corrected.
TEXTS = [
    "Kommunen sørget for rask bosetting av familiene.",
    "Mer innsats for bosetting ble lovet av kommunen.",
    "Svaret fra staten kom raskt.",
    "De innsatte fikk hjelp av kommunen.",
]


@pytest.fixture(scope="module")
def searcher(corpus, tmp_path_factory):
    return searcher_over(corpus, tmp_path_factory.mktemp("ranking-forms") / "index", TEXTS)


def test_a_word_in_t_finds_its_form_without_t(searcher):
    # Snowball stems «raskt» to «raskt» and «rask» to «rask»: before, no passage had both
    # words and the any-word fallback was used.
    result = searcher.search("raskt bosetting", kind="passage")
    assert result["match"] == "all" and result["message"] is None
    assert ids(result)[: result["total"]] == ["testkilde-0000"]
    assert result["hits"][0]["why"]["also"] == ["rask"]


def test_a_double_t_is_kept(searcher):
    # «innsatt» (an inmate) is not «innsats» (an effort), though «innsats» stems to «innsat».
    result = searcher.search("innsatt bosetting", kind="passage")
    assert result["match"] == "some"
    effort = next(h for h in result["hits"] if h["id"] == "testkilde-0001")
    assert effort["why"]["missing"] == ["innsatt"]
