"""Shortcuts of a search never asked before give what the plain way gives: postings known to be
empty from the fields' terms, read with one lookup, over two segments after a one-case update."""

from __future__ import annotations

import functools
import shutil

import numpy as np

from indexer.build import update_case
from kb.search import engine as engine_module
from kb.search import phrases as phrase_module
from kb.search import positional, postings, proximity
from kb.search.query import parse
from kb.search.ranking import Ranking
from kb.search.searcher import open_searcher


def test_postings_known_absent_from_the_fields_terms_equal_the_segments_files(
    corpus, index_dir, tmp_path
):
    root, live = tmp_path / "content", tmp_path / "index"
    shutil.copytree(corpus, root)
    shutil.copytree(index_dir, live)
    searcher = open_searcher(live)
    path = root / "grep" / "lillehammer-startlan.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kjøper bolig med", "kjøper hytte med"), encoding="utf-8")
    assert update_case(live, path, root) == ("oppdatert", [])
    assert searcher.search("hytte")["total"]  # the updated version, in a new segment
    engine = searcher.engine
    engine.lexicons()  # as the warm-up reads them: from now on they answer for absent terms
    subs = [sub for sub, _ in engine.reader.leaf_readers()]
    assert len(subs) == 2
    skipped = 0
    for name in engine._lexicons:
        terms = sorted(engine._lexicons[name].counts)[::40] + ["hytte", "bolig", "ikkeetord"]
        for term in terms:
            for sub in subs:
                segment = sub.segment().segment_id()
                skipped += not engine._may_have(segment, name, term)
                expected = postings.read_postings(sub, name, term)
                found = engine._segment_postings(sub, name, term)
                assert [a.tolist() for a in found] == [a.tolist() for a in expected], (name, term)
    assert skipped  # «hytte» is only in the new segment, «ikkeetord» in none
    searcher.close()


def test_phrases_from_the_blocks_read_for_scores_equal_reading_them_again(index_dir, monkeypatch):
    """Engine.phrase_mask decodes the text's positions from the blocks its scores read (kept
    values), not by reading them again: the documents phrase_docs finds through Whoosh."""
    searcher = open_searcher(index_dir)
    engine, reader = searcher.engine, searcher.engine.reader
    stem = searcher.analysis.stem
    phrases = set()
    for doc in range(min(reader.doc_count_all(), 12)):
        text = [w for w in (reader.stored_fields(doc).get("text") or "").split() if w.isalpha()]
        phrases |= {(stem(a), stem(b)) for a, b in zip(text[:40], text[1:41], strict=False)}
    read_again, plain = [], positional.segment_positions

    def counted(sub, name, term, docs):
        read_again.append(name)
        return plain(sub, name, term, docs)

    monkeypatch.setattr(positional, "segment_positions", counted)
    masks = {words: engine.phrase_mask(words) for words in sorted(phrases)}
    monkeypatch.undo()
    assert "text" not in read_again
    found = 0
    for words, mask in masks.items():
        expected = np.zeros(engine.size, dtype=bool)
        for sub, offset in reader.leaf_readers():
            for name in engine_module.FIELDS:
                ids = [postings.read_postings(sub, name, w)[0] for w in words]
                both = functools.reduce(np.intersect1d, ids)
                if len(both):
                    expected[phrase_module.phrase_docs(sub, name, words, both) + offset] = True
        assert np.array_equal(mask, expected), words
        found += int(expected.sum())
    assert found  # the texts' own word pairs: phrases that are there
    searcher.close()


def why(ranking: Ranking, doc: int) -> list[tuple[str, bool, set[str]]]:
    """One document's clauses, read one scalar at a time (Ranking.why before whys replaced it
    on the search page): the reference whys is compared with."""
    out = []
    for m in ranking.needs:
        has = bool(m.scores[doc] > 0)
        own = set(m.need.phrases[0]) if m.need.phrases else set()
        stood_in = has and not m.own[doc]  # only a synonym, the parts or a near word
        out.append((m.need.label, has, m.terms - own if stood_in else set()))
    return out


def test_a_pages_whys_equal_each_documents_own(index_dir):
    """Ranking.whys (a page's clauses read once) gives each document's own reading (why()
    above): own words, synonyms, compound parts, near words of a typo, missing clauses."""
    searcher = open_searcher(index_dir)
    docs = list(range(searcher.engine.size))
    queries = ("bosetting flyktninger", "bustad til flyktningar", "barnefattigdom", "bosettnig")
    for query in (*queries, "kommune programmet", "startlån husvære ukjentord"):
        plan = searcher.planner.plan(parse(query, searcher.analysis, 500))
        ranking = searcher.engine.rank(plan.needs, searcher.engine.live.copy(), every=False)
        assert ranking.whys(docs) == [why(ranking, d) for d in docs]
    assert Ranking(np.zeros(2), np.ones(2, dtype=bool), "all").whys([0, 1]) == [[], []]
    searcher.close()


def test_partial_documents_are_lifted_only_when_a_short_last_page_needs_them(
    index_dir, monkeypatch
):
    """With at least a page of matched documents, rank() lifts the partial candidates
    (documents with too few of the clauses) only when Ranking.fill asks for them: a full page
    reads no positions for them; filled later, they are the same, with the same scores, as
    when every candidate is lifted at once."""
    searcher = open_searcher(index_dir)
    engine, checked, plain = searcher.engine, [], proximity.boosts

    def counted(reader, terms, docs, *rest):
        checked.extend(docs.tolist())
        return plain(reader, terms, docs, *rest)

    monkeypatch.setattr(proximity, "boosts", counted)
    query = "bosetting av flyktninger i kommunen med startlån"  # 4 clauses: 3 are enough
    needs = searcher.planner.plan(parse(query, searcher.analysis, 500)).needs
    ranking = engine.rank(needs, engine.live.copy(), every=False, shown=3)  # a full page
    partial = set(np.flatnonzero(ranking.partial).tolist())
    assert partial and int(ranking.matched.sum()) == 3
    assert checked and not partial & set(checked)
    assert searcher.search(query, limit=3)["pages"] == 1  # full: nothing to fill
    assert not partial & set(checked)
    last = searcher.search(query, limit=2, page=2)
    assert [hit.get("partial", False) for hit in last["hits"]] == [False, True]
    assert partial <= set(checked)  # lifted for the short last page
    at_once = engine.rank(needs, engine.live.copy(), every=False)  # as calibrate asks
    later = engine.rank(needs, engine.live.copy(), every=False, shown=3)
    assert later.top(3).tolist() == at_once.top(3).tolist()
    assert later.fill(2).tolist() == at_once.fill(2).tolist()
    assert np.array_equal(later.scores, at_once.scores)
    assert later.candidates.tolist() == at_once.candidates.tolist()
    assert later.boost.tolist() == at_once.boost.tolist()
    searcher.close()
