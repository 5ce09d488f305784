"""What makes a search never asked before cheaper gives the same answers: the shortcuts equal
the long way (the caches kept per reader after an update: tests/test_search_refresh.py)."""

from __future__ import annotations

import numpy as np
import pytest

from kb.search import hits
from kb.search.analysis import plain_analyzer, words
from kb.search.planner import TEXT_FIELDS
from kb.search.searcher import open_searcher


@pytest.fixture(scope="module")
def searcher(index_dir):
    found = open_searcher(index_dir)
    found.warm()
    yield found
    found.close()


def test_term_scores_are_kept_read_only(searcher):
    scores = searcher.engine.term_scores(searcher.analysis.stem("bolig"))
    assert scores.any() and searcher.engine.term_scores(searcher.analysis.stem("bolig")) is scores
    with pytest.raises(ValueError):
        scores[0] = 1.0


def test_title_or_summary_masks_are_kept_read_only(searcher):
    engine, term = searcher.engine, searcher.analysis.stem("bolig")
    head = engine.in_head(term)
    expected = np.zeros(engine.size, dtype=bool)
    for name in ("title", "summary"):
        expected[engine.postings(name, term)[0]] = True
    assert head.any() and np.array_equal(head, expected) and engine.in_head(term) is head
    with pytest.raises(ValueError):
        head[0] = False


def test_a_warm_searcher_has_found_every_synonym_phrase(searcher):
    """Where «rus psykisk helse» (ROP) or «lav inntekt» stand is found at warm-up, not by the
    first query that names one (at 60 000 documents that check was most of its cost)."""
    engine = searcher.engine
    phrases = [p for p in searcher.analysis.synonyms.by_phrase if len(p) > 1]
    assert ("lav", "inntekt") in phrases and all(p in engine._phrases for p in phrases)
    found = [p for p in phrases if engine._phrases[p].any()]
    assert found  # the test content has some of them
    for phrase in found:  # the mask kept is the one a query would compute
        kept = engine._phrases.pop(phrase)
        try:
            assert np.array_equal(engine.phrase_mask(phrase), kept)
        finally:
            engine._phrases[phrase] = kept


def test_a_clauses_kept_match_equals_the_one_computed(searcher):
    """need_match keeps need_scores per reader: the same arrays, read-only, and the same
    results as when every clause is computed anew."""
    from kb.search.query import parse

    engine = searcher.engine
    for query in ("bosetting av flyktninger", "bolig boilg", "barnefattigdom nav"):
        for need in searcher.planner.plan(parse(query, searcher.analysis, 500)).needs:
            kept, computed = engine.need_match(need), engine.need_scores(need)
            assert engine.need_match(need) is kept
            for name in ("scores", "own", "head"):
                assert np.array_equal(getattr(kept, name), getattr(computed, name)), name
                with pytest.raises(ValueError):
                    getattr(kept, name)[0] = 0
            assert kept.terms == computed.terms


def test_the_engines_stems_know_what_the_terms_files_know(searcher):
    engine, reader = searcher.engine, searcher.engine.reader
    stems = sorted(set().union(*(engine._lexicons[name].counts for name in TEXT_FIELDS)))
    asked = stems[::7] + [s + "q" for s in stems[::11]] + ["", "zzzz"]
    for stem in asked:
        expected = any(reader.doc_frequency(name, stem) for name in TEXT_FIELDS)
        assert engine.knows(stem) is expected, stem


def test_joined_facet_counts_equal_one_count_per_field(searcher):
    facets, rng = searcher.facets, np.random.default_rng(7)
    for share in (0.0, 0.1, 0.5, 1.0):
        matched = rng.random(facets.size) < share
        expected = {}
        for name, (docs, values) in facets.pairs.items():
            counts = np.bincount(values[matched[docs]], minlength=len(facets.values[name]))
            expected[name] = {facets.values[name][i]: int(n) for i, n in enumerate(counts) if n}
        got = facets.count(matched)
        assert {name: dict(map(tuple, pairs)) for name, pairs in got.items()} == expected


def test_query_words_are_the_plain_analyzers_tokens():
    for text in ("Bosetting av 2.1 kap:3 nav.no 1,5 ÆØÅ", "«Straße» – İstanbul ǅ x_y", "ﬁne Ⅻ ²"):
        assert words(text) == [t.text for t in plain_analyzer()(text)]


def test_a_hits_fields_keep_their_order(searcher):
    """The public JSON's key order, for a case and a passage (the fixed parts are kept)."""
    result = searcher.search("bolig", limit=50)
    kinds = {h["kind"]: list(h) for h in result["hits"]}
    head = ["kind", "id", "title", "url", "score", "snippet", "locations"]
    assert kinds["case"] == [*head, *hits.CASE_EXTRAS, "why"]
    assert kinds["passage"] == [*head, *hits.PASSAGE_EXTRAS, "source", "repaired", "why"]
