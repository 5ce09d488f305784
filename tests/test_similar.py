"""«Lignende grep» from the case term weights the build stores (kb.search.similar): the same
key terms and lists as Whoosh's key_terms_from_text on the case's text, without analysing
the case again, also after `kb index --case`."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import live_copy
from webtools import real_index

from indexer.build import update_case
from kb.search import proximity, similar
from kb.search import schema as f
from kb.search.planner import Need
from kb.search.searcher import open_searcher


def whoosh_similar(searcher, case_id: str, limit: int = 5) -> tuple[list[str], list[str]]:
    """(key terms, similar case ids) as more_like_this found them by analysing the case."""
    s = searcher._fresh()
    docnum = s.document_number(**{f.ID_FIELD: case_id})
    stored = s.stored_fields(docnum)
    text = "\n".join(stored.get(k) or "" for k in (f.TITLE, f.SUMMARY, f.TEXT_FIELD))
    terms = [t for t, _ in s.key_terms_from_text(f.TEXT_FIELD, text, numterms=12)]
    allowed = searcher.facets.mask(f.KIND, ["case"])
    allowed[docnum] = False
    needs = [Need(((t,),)) for t in terms]
    ranking = searcher.engine.rank(needs, allowed, every=False, near=False)
    return terms, [s.stored_fields(int(d))[f.ID_FIELD] for d in ranking.top(limit)]


def our_similar(searcher, case_id: str, limit: int = 5) -> tuple[list[str], list[str]]:
    """(key terms, similar case ids) as more_like_this finds them now."""
    s = searcher._fresh()
    docnum = s.document_number(**{f.ID_FIELD: case_id})
    terms = similar.case_key_terms(s.reader(), docnum, searcher.index_dir, {})
    return terms, [hit["id"] for hit in searcher.more_like_this(case_id, limit)]


def case_ids(searcher) -> list[str]:
    return sorted(
        d[f.ID_FIELD] for d in searcher._fresh().all_stored_fields() if d.get(f.KIND) == "case"
    )


@pytest.fixture
def analysed(monkeypatch) -> list[str]:
    """The cases analysed again for their key terms (the slow way), recorded."""
    calls: list[str] = []
    real = similar.analysed_weights
    monkeypatch.setattr(
        similar,
        "analysed_weights",
        lambda schema, stored: calls.append(stored["id"]) or real(schema, stored),
    )
    return calls


def test_every_bundled_case_has_whooshs_key_terms_and_list_without_analysis(analysed):
    searcher = open_searcher(real_index())
    ids = case_ids(searcher)
    assert len(ids) > 50
    for case_id in ids:
        assert our_similar(searcher, case_id) == whoosh_similar(searcher, case_id), case_id
    assert analysed == []  # every case's weights came from the build
    searcher.close()


def test_lists_read_no_positions(index_dir, monkeypatch):
    calls: list[int] = []
    real = proximity.boosts
    monkeypatch.setattr(
        proximity,
        "boosts",
        lambda reader, terms, docs, *a: calls.append(1) or real(reader, terms, docs, *a),
    )
    searcher = open_searcher(index_dir)
    searcher.search("startlån til leie")
    assert calls  # a search of several words lifts the hits whose words stand close
    calls.clear()
    for case_id in case_ids(searcher):
        assert searcher.more_like_this(case_id) != []
    assert calls == []  # «Lignende grep» ranks by the key terms alone
    searcher.close()


def test_build_stores_the_weights_the_cases_analysed_now_give(index_dir):
    searcher = open_searcher(index_dir)
    sub = searcher._fresh().reader().leaf_readers()[0][0]
    stored = similar._read(index_dir / similar.SIMILAR_DIR / similar._name(sub))
    assert stored is not None and len(stored.docs) == 3
    now = similar.compute(sub)
    assert stored.docs.tolist() == now.docs.tolist()
    for i in range(len(now.docs)):
        pick = slice(now.starts[i], now.starts[i + 1])
        ours = dict(
            zip([stored.terms[j] for j in stored.ids[pick]], stored.weights[pick], strict=True)
        )
        theirs = dict(zip([now.terms[j] for j in now.ids[pick]], now.weights[pick], strict=True))
        assert ours == theirs
    assert np.array_equal(
        [stored.text_weights[stored.terms.index(t)] for t in now.terms], now.text_weights
    )
    searcher.close()


def test_an_index_without_stored_weights_gives_the_same_lists(index_dir, tmp_path, analysed):
    folder = tmp_path / "index"
    shutil.copytree(index_dir, folder, ignore=shutil.ignore_patterns(similar.SIMILAR_DIR))
    searcher = open_searcher(folder)
    for case_id in case_ids(searcher):
        assert our_similar(searcher, case_id) == whoosh_similar(searcher, case_id)
    assert set(analysed) == set(case_ids(searcher))  # analysed, as before the weights were stored
    searcher.close()


def test_lists_are_right_after_one_case_update(corpus, tmp_path, analysed):
    root, live, searcher = live_copy(corpus, tmp_path)
    path = root / "grep" / "lillehammer-startlan.md"
    before = our_similar(searcher, "lillehammer-startlan")[0]
    words = ("bolig", "campingvogn campingvogn campingvogn", "hytte hytte hytte", "leilighet")
    for old, word in zip(words, words[1:], strict=False):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"kjøper {old} med", f"kjøper {word} med", 1), "utf-8")
        assert update_case(live, path, root) == ("oppdatert", [])
        assert analysed == ["lillehammer-startlan"]  # by `kb index --case`, for its segment
        analysed.clear()
        fresh = open_searcher(live)  # a new process: the weights read from the folder
        for case_id in case_ids(searcher):
            expected = whoosh_similar(searcher, case_id)
            assert our_similar(searcher, case_id) == expected
            assert our_similar(fresh, case_id) == expected
        assert analysed == []  # the searchers read the stored weights
        fresh.close()
    assert our_similar(searcher, "lillehammer-startlan")[0] != before
    reader = searcher._fresh().reader()
    segments = {similar._name(sub) for sub, _ in reader.leaf_readers()}
    assert len(segments) > 1  # the weights are summed over segments, as Whoosh sums
    assert {p.name for p in (live / similar.SIMILAR_DIR).iterdir()} == segments
    searcher.close()


def test_more_like_this_reads_the_stored_weights(index_dir, tmp_path):
    folder = tmp_path / "index"
    shutil.copytree(index_dir, folder)
    searcher = open_searcher(folder)
    assert searcher.more_like_this("lillehammer-startlan") != []
    reader = searcher._fresh().reader()
    docnum = searcher._fresh().document_number(**{f.ID_FIELD: "lillehammer-startlan"})
    # Stored weights that leave one key term, a word no other document has: nothing like it
    (stored,) = (folder / similar.SIMILAR_DIR).iterdir()
    weights = similar._read(stored)
    i = weights.docs.tolist().index(docnum)
    own = [weights.terms[j] for j in weights.ids[weights.starts[i] : weights.starts[i + 1]]]
    only = next(t for t in own if sum(reader.doc_frequency(n, t) for n in f.SEARCHED) == 1)
    searcher.close()
    text = np.zeros_like(np.load(stored / "text_weights.npy"))
    text[weights.terms.index(only)] = 1.0
    np.save(stored / "text_weights.npy", text)
    searcher = open_searcher(folder)
    assert searcher.more_like_this("lillehammer-startlan") == []
    searcher.close()
