"""Issue 12, third round: a name found only as the first part of compounds («Groruddalen»
in «Groruddalssatsingen», and «Grorud» before the short «dal») finds them, and nynorsk
function words are never «corrected»."""

from __future__ import annotations

import pytest
from rankingtools import ids, searcher_over

TEXTS = [
    "Groruddalssatsingen ga nye tilbud til barn og unge.",
    "Tiltakene i Groruddalsatsingen ble evaluert av forskerne.",
    "Kongsbergianerne sine tradisjoner ble nevnt i rapporten.",
    "Kommunen har laget en plan for bosetting.",
]


@pytest.fixture(scope="module")
def searcher(corpus, tmp_path_factory):
    return searcher_over(corpus, tmp_path_factory.mktemp("ranking-names") / "index", TEXTS)


def test_a_name_found_only_as_first_part_of_compounds(searcher):
    # Before: «groruddal» was no index term, no word was near it and no split of it was in
    # the index, so the search gave 0 hits.
    result = searcher.search("Groruddalen", kind="passage")
    assert sorted(ids(result)[: result["total"]]) == ["testkilde-0000", "testkilde-0001"]
    assert result["suggestion"] is None and result["match"] == "all"


def test_a_name_found_only_before_a_short_element_of_compounds(searcher):
    # Before: «Grorud» gave 0 hits: the rest of «Groruddalssatsingen» after it begins with
    # «dal», too short to be a known part, so no compound was led by it.
    result = searcher.search("Grorud", kind="passage")
    assert sorted(ids(result)[: result["total"]]) == ["testkilde-0000", "testkilde-0001"]
    also = {w for hit in result["hits"] for w in hit["why"]["also"]}
    assert also == {"groruddalssatsingen", "groruddalsatsingen"}


def test_the_rest_after_a_first_part_must_be_a_word(searcher):
    # «ianerne» after «kongsberg» is no word: «Kongsbergianerne» is no compound led by it.
    assert searcher.search("Kongsberg", kind="passage")["total"] == 0


def test_nynorsk_function_words_are_neither_corrected_nor_required(searcher):
    # Before: «frå», «berre» and «meir» were required (no document has them: the fallback) and
    # «vert» was «corrected» to «vært».
    result = searcher.search("korleis vert det meir bosetting frå kommunen, berre", kind="passage")
    assert result["suggestion"] is None
    assert result["match"] == "all" and result["message"] is None
    assert ids(result)[: result["total"]] == ["testkilde-0003"]


def test_a_query_of_nynorsk_function_words_only_is_named_as_such(searcher):
    result = searcher.search("vert òg berre")
    assert result["total"] == 0 and result["suggestion"] is None
    assert "småord" in result["message"]
