"""Ranking rules, each against the behaviour it replaced: minimum-should-match and honest counts
(not any word), a named fallback, cases weighed against passages (not always first), proximity,
and why each hit matched."""

from __future__ import annotations

import pytest
from rankingtools import ids, searcher_over

from kb.search.ranking import required
from kb.search.result import SOME_WORDS
from web.model.params import SearchRequest
from web.model.results import count_line, hit_groups

FILLER = "og det ble skrevet en rapport om arbeidet i mange kommuner gjennom flere år etter dette"
# The same words in both of the first two (an equal BM25 score), near or far apart; index order
# puts the far pair first, so a tie (no proximity) would rank it first.
TEXTS = [
    f"Kjernetid ble innført. {FILLER} {FILLER}. Arbeidet med samlokalisering fulgte.",
    f"Kjernetid og samlokalisering ble innført. {FILLER} {FILLER}. Arbeidet fulgte.",
    "Kommunen ga rettleiing om bustad til flyktningar og om startlån til familiar.",
    "Rådmannen i kommunen leste rapporten om vedlikehold.",
    "Vaktmesteren skrev om vedlikehold av kommunale bygg.",
    "Fylkesmannen ga råd om vedlikehold.",
]


@pytest.fixture(scope="module")
def searcher(corpus, tmp_path_factory):
    return searcher_over(corpus, tmp_path_factory.mktemp("ranking") / "index", TEXTS)


def test_required_clauses_grow_with_the_query():
    assert [required(n) for n in range(1, 9)] == [1, 2, 2, 3, 3, 4, 5, 5]


def test_counts_are_documents_with_every_word_not_any(searcher):
    # Every case and one passage have «flyktninger»; only the startlån case has «startlån» too.
    result = searcher.search("startlån flyktninger")
    assert result["match"] == "all" and result["message"] is None
    with_both = {"lillehammer-startlan", "testkilde-0002"}
    assert set(ids(result)[: result["total"]]) == with_both
    assert result["total"] == 2 and result["counts"] == {"case": 1, "passage": 1}
    assert all(h.get("partial") for h in result["hits"][2:])  # the rest fill the page, marked
    assert result["facets"]["kind"] == [["case", 1], ["passage", 1]]


def test_longer_queries_need_most_words(searcher):
    # 4 clauses need 3: the passage with rådmann, kommune and rapport counts; with only
    # «kommune» and «vedlikehold» (2 of 4) a passage fills the page but is not counted.
    result = searcher.search("rådmannen kommunen rapporten vaktmesteren")
    assert result["match"] == "most"
    assert ids(result)[0] == "testkilde-0003" and result["total"] == 1


def test_fallback_is_named_and_counted_as_such(searcher):
    result = searcher.search("vaktmesteren startlån")
    assert result["match"] == "some" and result["message"] == SOME_WORDS
    assert result["message"] == "Ingen treff på alle ordene — viser treff på noen av dem."
    assert not any(h.get("partial") for h in result["hits"])
    line = count_line(result, "vaktmesteren startlån")
    assert line == (
        "Ingen treff på alle ordene for «vaktmesteren startlån» — viser treff på noen av dem"
    )


def test_words_near_each_other_rank_higher(searcher):
    result = searcher.search("kjernetid samlokalisering")
    assert ids(result)[:2] == ["testkilde-0001", "testkilde-0000"]
    assert result["hits"][0]["score"] > result["hits"][1]["score"]


def test_a_case_with_only_some_words_does_not_go_first(searcher):
    result = searcher.search("rettleiing bustad flyktningar")  # 3 clauses: 2 needed
    by_id = {h["id"]: h for h in result["hits"]}
    assert ids(result)[0] == "testkilde-0002"  # the passage has all three
    groups = hit_groups(result, SearchRequest(q="rettleiing bustad flyktningar"))
    assert groups[0].hits[0]["id"] == "testkilde-0002"
    assert any(h["kind"] == "case" and h["why"]["missing"] for h in result["hits"])
    assert by_id["testkilde-0002"]["why"]["missing"] == []


def test_the_page_keeps_the_rankings_order_with_a_link_to_all_cases():
    # A passage ranked above a case with every word stays above it (the page used to move every
    # case with every word ahead under «Grep»); «Vis alle 2 grep» since the page shows one.
    hit = {"kind": "case", "why": {"missing": []}}
    result = {
        "total": 3,
        "match": "all",
        "counts": {"case": 2, "passage": 1},
        "hits": [{**hit, "kind": "passage", "id": "p"}, {**hit, "id": "c"}],
    }
    groups = hit_groups(result, SearchRequest(q="bolig"))
    assert [(g.title, [h["id"] for h in g.hits]) for g in groups] == [("", ["p", "c"])]
    assert groups[0].more == ("?q=bolig&type=grep", 2)
    assert count_line(result, "bolig") == "2 grep og 1 rapportavsnitt for «bolig»"
    every_case = {**result, "counts": {"case": 1, "passage": 1}}
    assert hit_groups(every_case, SearchRequest(q="bolig"))[0].more is None
    page_two = hit_groups(result, SearchRequest(q="bolig", page=2))
    assert page_two[0].more is None


def test_each_hit_says_why_it_matched(searcher):
    # «Fylkesmannen» is a synonym of «statsforvalteren»: the passage has it, not the word typed.
    result = searcher.search("statsforvalteren vedlikehold")
    hit = next(h for h in result["hits"] if h["id"] == "testkilde-0005")
    assert hit["why"] == {
        "words": ["statsforvalteren", "vedlikehold"],
        "also": ["fylkesmannen"],
        "missing": [],
        "text": "treff på: statsforvalteren, vedlikehold (også: fylkesmannen)",
    }
    partial = next(h for h in result["hits"] if h["id"] == "testkilde-0004")
    assert partial["why"]["missing"] == ["statsforvalteren"] and partial["partial"]
