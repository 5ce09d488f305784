"""Shortcuts of a search never asked before give what the plain way gives: postings known to be
empty from the fields' terms, read with one lookup, over two segments after a one-case update."""

from __future__ import annotations

import shutil

from indexer.build import update_case
from kb.search import tables
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
                expected = tables.read_postings(sub, name, term)
                found = engine._segment_postings(sub, name, term)
                assert [a.tolist() for a in found] == [a.tolist() for a in expected], (name, term)
    assert skipped  # «hytte» is only in the new segment, «ikkeetord» in none
    searcher.close()
