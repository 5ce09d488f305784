"""Issue 12, ninth round: the citation graph. A case and the report passage whose lines it
cites lift each other by the other's score for the query (kb.search.citations)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from rankingtools import SHA, ids

from indexer.build import build_index, update_case
from kb.content.loader import load_content
from kb.content.model import Passage
from kb.search import arrays, citations, graph, tables
from kb.search.searcher import open_searcher

CASE = "lillehammer-startlan"  # cites testkilde lines 12–14
TEXT = "Kommunen ga startlån til familier som leide, og boligkontoret fulgte kjøpet."
FILLER = " Tiltaket ble fulgt opp gjennom året med møter, rapporter og samtaler med tjenestene."
# (lines, text): the same text uncited and cited (the cited one later in index order), and a
# longer uncited one that scores lower.
PASSAGES = [((30, 31), TEXT), ((12, 14), TEXT), ((40, 41), TEXT + FILLER * 4)]


def build(corpus: Path, folder: Path) -> None:
    passages = [
        Passage("testkilde", SHA, "2.1", "Funn", text, lines, None, "", n)
        for n, (lines, text) in enumerate(PASSAGES)
    ]
    build_index(load_content(corpus), folder, passages={"testkilde": passages})


@pytest.fixture(scope="module")
def searcher(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("citations") / "index"
    build(corpus, folder)
    return open_searcher(folder)


def test_the_passage_a_matching_case_cites_ranks_above_the_same_text_uncited(searcher):
    # Before: the two passages tied and kept index order (the uncited one first).
    order = ids(searcher.search("startlån"))
    assert order.index("testkilde-0001") < order.index("testkilde-0000")


def test_a_case_whose_cited_passage_matches_rises_above_an_unlinked_passage(searcher):
    # «leide» is only in the body of the case (weighed 0.6) and in every passage; before, the
    # case ranked last, below the long uncited passage.
    order = ids(searcher.search("leide"))
    assert order.index(CASE) < order.index("testkilde-0002")


def test_a_filter_keeps_the_order_of_what_it_keeps(searcher):
    every = [h for h in searcher.search("startlån")["hits"] if h["kind"] == "passage"]
    passages = searcher.search("startlån", kind="passage")["hits"]
    assert [(h["id"], h["score"]) for h in passages] == [(h["id"], h["score"]) for h in every]


def test_the_links_follow_an_updated_case(corpus, tmp_path, monkeypatch):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    build(root, tmp_path / "index")
    searcher = open_searcher(tmp_path / "index")
    assert ids(searcher.search("startlån")).index("testkilde-0001") == 1
    graphs = tmp_path / "index" / arrays.TABLES_DIR
    (old,) = graphs.glob("graph-*")  # stored by `kb index`
    kept = shutil.copytree(old, tmp_path / "old-graph")
    path = root / "grep" / f"{CASE}.md"
    path.write_text(path.read_text().replace("lines: [12, 14]", "lines: [30, 31]"))
    # An update that stores no graph for its generation, and the older generation's graph
    # left in the folder: it is never read for the new reader (another key).
    monkeypatch.setattr(tables, "store_graph", lambda index_dir, reader: None)
    assert update_case(tmp_path / "index", path, root) == ("oppdatert", [])
    shutil.copytree(kept, old, dirs_exist_ok=True)
    # The case now cites the first passage: it gains the lift the second loses (with stale
    # links neither would have it, and the two would tie).
    score = {h["id"]: h["score"] for h in searcher.search("startlån")["hits"]}
    assert score["testkilde-0000"] > score["testkilde-0001"]
    # The searcher joined the new reader's graph and stored it; a folder under that name
    # which holds another reader's graph is refused as well.
    name = graph.graph_name(graph.reader_segments(searcher._searcher.reader()))
    assert name != old.name and (graphs / name).is_dir()
    shutil.rmtree(graphs / name)
    shutil.copytree(kept, graphs / name)
    fresh = open_searcher(tmp_path / "index")
    assert {h["id"]: h["score"] for h in fresh.search("startlån")["hits"]} == score
    searcher.close(), fresh.close()


def test_similar_cases_are_not_lifted(searcher, monkeypatch):
    # «Lignende grep» ranks cases by another case's key terms: the lift is for queries only.
    similar = searcher.more_like_this("bergen-bustad")
    monkeypatch.setattr(citations, "CITE_WEIGHT", 0.0)
    searcher._results.clear()
    assert searcher.more_like_this("bergen-bustad") == similar


def test_the_pairs_are_every_case_and_passage_with_overlapping_lines():
    # rows: document, is a case, source, first line, last line; passages 5 and 6 overlap.
    rows = [(0, 1, 0, 10, 12), (0, 1, 1, 1, 3), (1, 1, 0, 30, 30), (2, 1, 0, 99, 99)]
    rows += [(3, 0, 0, 1, 9), (4, 0, 0, 10, 10), (5, 0, 0, 11, 40), (6, 0, 0, 12, 13)]
    rows += [(7, 0, 1, 3, 5), (8, 0, 1, 4, 6)]
    spans = (["a", "b"], np.array(rows, dtype=np.int64).T)
    cases, passages = citations.citation_pairs(spans)
    assert list(zip(cases.tolist(), passages.tolist(), strict=True)) == [
        (0, 4),
        (0, 5),
        (0, 6),
        (0, 7),
        (1, 5),
    ]
    # Cases citing a source that no passage is from (an index of cases only).
    only_cases = (["a"], np.array([(0, 1, 0, 1, 2), (1, 1, 0, 5, 6)], dtype=np.int64).T)
    assert [len(d) for d in citations.citation_pairs(only_cases)] == [0, 0]
    # Passages of the source, but none that a citation meets.
    apart = (["a"], np.array([(0, 1, 0, 1, 2), (1, 0, 0, 5, 6)], dtype=np.int64).T)
    assert [len(d) for d in citations.citation_pairs(apart)] == [0, 0]


def test_the_lift_reads_each_candidates_own_links_as_every_pair_would_give():
    # The lift from the candidates' compressed rows equals the best partner taken over every
    # pair (np.maximum.at, the first form), for random graphs, scores and candidates.
    rng = np.random.default_rng(11)
    for size in (1, 7, 300):
        cases = rng.integers(0, size, 4 * size)
        passages = rng.integers(0, size, 4 * size)
        pairs = (cases, passages)
        base = np.where(rng.random(size) < 0.5, rng.random(size), 0).astype(np.float32)
        candidates = np.sort(rng.choice(size, max(1, size // 3), replace=False))
        best = np.zeros(size, dtype=np.float32)
        np.maximum.at(best, cases, base[passages])
        np.maximum.at(best, passages, base[cases])
        want = 1 + np.float32(citations.CITE_WEIGHT / float(base.max() or 1)) * best[candidates]
        got = citations.cite_lift(base, candidates, citations.Links(pairs, size))
        if base.max() > 0:
            assert np.array_equal(got, want.astype(np.float32))
    empty = citations.Links((np.zeros(0, np.int64), np.zeros(0, np.int64)), 4)
    assert np.array_equal(citations.cite_lift(np.ones(4), np.arange(4), empty), np.ones(4))
