"""Issue 12: two words written apart that the index has as one compound («kommune programmet»,
særskriving) are searched as that compound."""

from __future__ import annotations

import pytest
from rankingtools import ids, searcher_over

TEXTS = [
    "Husbanken tilbyr kommuneprogrammet til et utvalg av kommuner.",
    "Kommunen laget et program for ungdom. Programmet ble godt mottatt i kommunen, og kommunen "
    "vil videreføre programmet. Kommune og program ble nevnt i hvert møte.",
    "Kommunen har laget en plan for bosetting.",
]


@pytest.fixture(scope="module")
def searcher(corpus, tmp_path_factory):
    return searcher_over(corpus, tmp_path_factory.mktemp("ranking-split") / "index", TEXTS)


def test_words_written_apart_are_searched_as_their_compound(searcher):
    # Before: «kommune» and «programmet» were two concepts, and the passage that repeats both
    # came before the one with «kommuneprogrammet», which had them only as compound parts.
    result = searcher.search("kommune programmet", kind="passage")
    assert ids(result)[:2] == ["testkilde-0000", "testkilde-0001"]
    assert result["hits"][0]["why"]["words"] == ["kommune programmet"]
    assert result["match"] == "all" and result["suggestion"] is None


def test_words_with_a_word_between_them_are_not_joined(searcher):
    result = searcher.search("kommune og programmet", kind="passage")
    assert result["hits"][0]["why"]["words"] == ["kommune", "programmet"]
    assert ids(result)[0] == "testkilde-0001"


def test_only_whole_words_next_to_each_other_count_as_written_apart():
    from kb.search.planner import typed_pairs

    pairs = typed_pairs("kommune programmet, barne-vern og kommunene programmene")
    assert ("kommune", "programmet") in pairs and ("barne", "vern") in pairs
    assert ("programmet", "barne") not in pairs  # a comma between them
    assert ("kommune", "programmene") not in pairs  # part of «kommunene»: not a whole word
    assert ("barne", "og") not in pairs and ("vern", "og") in pairs
