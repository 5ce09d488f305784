"""The search's arrays (field lengths, facets, sort keys) stored per segment in the index folder:
memory-mapped when a searcher opens, and after a one-case update only the new segment's are
computed, with the same results as a searcher opened from scratch."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from conftest import live_copy
from whoosh.query import Term

from indexer.build import update_case
from kb.search import arrays, citations, graph
from kb.search import schema as f
from kb.search.searcher import open_searcher

ROOT = Path(__file__).resolve().parents[1]

SEEDS = (Path(__file__).resolve().parent / "fixtures" / "seeds",)
QUERIES = ("bolig", "startlån flyktninger", "bustad", "barnefattigdom", "fylkesmannen")


def mapped(array) -> bool:
    """Whether an array is a view of a file's memory map (the tables hand out plain ndarray
    views of their np.memmap, whose own indexing is slow)."""
    while isinstance(array, np.ndarray):
        if isinstance(array, np.memmap):
            return True
        array = array.base
    return False


def test_mapped_tables_are_plain_arrays_over_the_map(index_dir, tmp_path):
    folder = copy_index(index_dir, tmp_path)
    open_searcher(folder).close()  # computes the arrays and stores them
    searcher = open_searcher(folder)  # maps them
    arrays = [*searcher.engine.lengths.values(), *searcher.facets.pairs[f.KIND]]
    assert all(type(a) is np.ndarray and mapped(a) for a in arrays)
    searcher.close()


def copy_index(index_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    shutil.copytree(index_dir, folder, ignore=shutil.ignore_patterns(arrays.TABLES_DIR))
    return folder


def test_stored_arrays_are_mapped_and_match_the_index(index_dir, tmp_path):
    folder = copy_index(index_dir, tmp_path)
    first = open_searcher(folder)  # computes the arrays and stores them
    stored = list((folder / arrays.TABLES_DIR).iterdir())
    assert len(stored) == 1 and (stored[0] / "lengths.npy").exists()
    second = open_searcher(folder)  # maps them
    assert mapped(second.engine.lengths[f.TEXT_FIELD])
    reader = second._searcher.reader()
    for name in f.SEARCHED:
        per_doc = [reader.doc_field_length(d, name, 0) or 0 for d in range(reader.doc_count_all())]
        assert second.engine.lengths[name].tolist() == per_doc
        assert first.engine.lengths[name].tolist() == per_doc
    for name in (f.THEMES, f.KOMMUNE, f.YEAR, f.KIND):
        for value in second.facets.values[name]:
            expected = sorted(second._searcher.docs_for_query(Term(name, value)))
            assert np.flatnonzero(second.facets.mask(name, [value])).tolist() == expected
    for query in QUERIES:
        assert strip(second.search(query)) == strip(first.search(query))
    first.close(), second.close()


def test_browse_orders_match_a_sort_of_the_columns(index_dir):
    searcher = open_searcher(index_dir)
    reader = searcher._searcher.reader()
    date, title, order = (list(reader.column_reader(n)) for n in (f.DATE, f.SORT_TITLE, f.ORDER))
    n = reader.doc_count_all()
    newest = sorted(
        sorted(range(n), key=lambda i: (order[i], i)), key=date.__getitem__, reverse=True
    )
    by_title = sorted(range(n), key=lambda i: (title[i], order[i], i))
    assert np.argsort(searcher.facets.order("newest")).tolist() == newest
    assert np.argsort(searcher.facets.order("title")).tolist() == by_title
    searcher.close()


def test_a_one_case_update_computes_and_stores_only_the_new_segment(corpus, tmp_path, monkeypatch):
    root, live, searcher = live_copy(corpus, tmp_path)
    assert searcher.search("hus", kind="case")["total"] == 0
    computed = []
    real_compute = arrays.compute
    monkeypatch.setattr(
        arrays, "compute", lambda sub: computed.append(sub.doc_count_all()) or real_compute(sub)
    )

    path = root / "grep" / "lillehammer-startlan.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kjøper bolig med", "kjøper hus med"), encoding="utf-8")
    assert update_case(live, path, root) == ("oppdatert", [])
    # `kb index --case` computes and stores the new segment's arrays, and only that segment's
    assert computed == [1]
    after = searcher.search("hus", kind="case")
    assert after["total"] == 1 and after["hits"][0]["id"] == "lillehammer-startlan"
    assert isinstance(searcher.engine.lengths[f.TEXT_FIELD], np.ndarray)
    fresh = open_searcher(live)  # a new process: every array read from the folder
    assert computed[1:] == []  # the searchers only map them
    for q in QUERIES:
        assert strip(searcher.search(q)) == strip(fresh.search(q))
    assert strip(searcher.search("hus")) == strip(fresh.search("hus"))
    searcher.close(), fresh.close()


def test_arrays_of_merged_segments_are_removed(corpus, tmp_path):
    root, live, searcher = live_copy(corpus, tmp_path)
    path = root / "grep" / "lillehammer-startlan.md"
    for old, word in (("bolig", "hus"), ("hus", "hytte"), ("hytte", "leilighet")):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"kjøper {old} med", f"kjøper {word} med", 1), "utf-8")
        update_case(live, path, root)
        assert searcher.search(word, kind="case")["total"] == 1
    reader = searcher._searcher.reader()
    segments = {f"{sub.segment().segment_id()}-{arrays.FORMAT}" for sub, _ in reader.leaf_readers()}
    segments.add(graph.graph_name(graph.reader_segments(reader)))  # this reader's graph only
    assert {p.name for p in (live / arrays.TABLES_DIR).iterdir()} == segments
    searcher.close()


def strip(result: dict) -> dict:
    """A result without its timing."""
    return {k: v for k, v in result.items() if k != "took_ms"}


def test_phrases_checked_per_segment_equal_a_check_of_the_whole_index(corpus, tmp_path):
    from whoosh.query import Or, Phrase

    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.search("barnefattigdom")  # the phrases of its synonyms, checked before the update
    path = root / "grep" / "lillehammer-startlan.md"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("kjøper bolig med", "kjøper bolig, mot fattigdom blant barn, med", 1)
    path.write_text(changed, encoding="utf-8")
    assert update_case(live, path, root) == ("oppdatert", [])
    hits = searcher.search("barnefattigdom")["hits"]
    assert "lillehammer-startlan" in {h["id"] for h in hits}
    whole = searcher._fresh()
    assert len(whole.reader().leaf_readers()) > 1  # the update's own segment
    for words in searcher.engine._phrases:
        query = Or([Phrase(name, list(words)) for name in f.SEARCHED])
        expected = sorted(whole.docs_for_query(query))
        assert np.flatnonzero(searcher.engine.phrase_mask(words)).tolist() == expected
    assert searcher.engine._phrases  # the synonyms' phrases were checked
    searcher.close()


def whole_reader_terms(reader) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The spelling dictionary and the fields' stems read the slow way, through the whole
    reader: what the patched tables must equal."""
    spelling = {}
    for raw, info in reader.iter_field(f.SPELL):
        word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if word.isalpha() and len(word) > 2:
            spelling[word] = info.doc_frequency()
    stems = {name: sorted(t.decode("utf-8") for t in reader.lexicon(name)) for name in f.SEARCHED}
    return spelling, stems


TYPOS = ("boilg", "flyktnnger", "startlaan", "barnefatigdom", "kjøpr hytte")


def test_terms_patched_after_one_case_updates_equal_a_fresh_reading(corpus, tmp_path, monkeypatch):
    from kb.search import planner

    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.warm()  # the spelling dictionary and every field's stems of the first reader
    read = []
    real_words = planner.spelling_words
    monkeypatch.setattr(planner, "spelling_words", lambda sub: read.append(sub) or real_words(sub))
    path = root / "grep" / "lillehammer-startlan.md"
    seen, removed = set(), False
    steps = (("bolig", "hytte"), ("hytte", "leilighet"), ("leilighet", "hybel"), ("hybel", ""))
    for old, word in steps:
        read.clear()
        if word:
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(f"kjøper {old} med", f"kjøper {word} med", 1), "utf-8")
            assert update_case(live, path, root) == ("oppdatert", [])
        else:  # last, a merge of every segment into one: the old segments' terms subtracted
            word = old
            f.open_index(live)[0].optimize()
        searcher.warm()
        reader = searcher._searcher.reader()
        segments = {sub.segment().segment_id() for sub, _ in reader.leaf_readers()}
        new = [sub.doc_count_all() for sub in read]
        assert new == ([1] if len(segments) > 1 else [reader.doc_count_all()])
        removed |= bool(seen - segments)
        seen = segments

        spelling, stems = whole_reader_terms(reader)
        words = searcher.planner.dictionary()
        assert words.counts == spelling and word in spelling
        assert words.sorted_terms() == sorted(spelling)
        for name in f.SEARCHED:
            assert searcher.engine._lexicons[name].sorted_terms() == stems[name]
        fresh = open_searcher(live)  # a new process: every table read from scratch
        for q in (*QUERIES, *TYPOS, word):
            assert strip(searcher.search(q)) == strip(fresh.search(q)), q
        fresh.close()
    assert removed  # the merge case was exercised
    searcher.close()


def test_search_after_one_case_updates_equals_a_search_after_a_full_rebuild(corpus, tmp_path):
    """The same documents match, in the same order, with the same facets. (Document
    frequencies count a replaced version until Whoosh merges its segment, as Whoosh's own
    statistics do, so a «Mente du …?» tie between two words may go the other way.)"""
    from indexer.build import build_index
    from kb.content.loader import load_content

    root, live, searcher = live_copy(corpus, tmp_path)
    path = root / "grep" / "lillehammer-startlan.md"
    for old, word in (("bolig", "hytte"), ("hytte", "leilighet")):
        text = path.read_text(encoding="utf-8")
        text = text.replace("lines: [12, 14]", "lines: [5, 6]")  # and the citation graph
        path.write_text(text.replace(f"kjøper {old} med", f"kjøper {word} med", 1), "utf-8")
        assert update_case(live, path, root) == ("oppdatert", [])
        searcher.warm()
    rebuilt = tmp_path / "rebuilt"
    build_index(load_content(root, source_dirs=SEEDS), rebuilt)
    fresh = open_searcher(rebuilt)
    for q in (*QUERIES, *TYPOS, "leilighet", "hytte", "startlån", "leide"):
        ours, theirs = searcher.search(q), fresh.search(q)
        assert [h["id"] for h in ours["hits"]] == [h["id"] for h in theirs["hits"]], q
        for key in ("total", "counts", "facets"):
            assert ours[key] == theirs[key], (q, key)
    searcher.close(), fresh.close()


def test_frequent_terms_postings_are_stored_mapped_and_rank_as_whoosh_reads_them(
    index_dir, tmp_path, monkeypatch
):
    plain = open_searcher(copy_index(index_dir, tmp_path / "plain"))  # FREQUENT: none here
    assert not any(plain.engine.stored_postings.values())
    monkeypatch.setattr(arrays, "FREQUENT", 2)
    folder = copy_index(index_dir, tmp_path / "stored")
    open_searcher(folder).close()  # computes the arrays and stores them
    searcher = open_searcher(folder)  # maps them
    stored = next(iter(searcher.engine.stored_postings.values()))
    assert len(stored) > 10
    reader = searcher._searcher.reader()
    for (name, term), (ids, weights) in stored.items():
        assert mapped(ids)
        m, whoosh = reader.postings(name, term), []
        while m.is_active():  # Whoosh's own reading: document and weight, one by one
            whoosh.append((m.id(), m.weight()))
            m.next()
        assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == whoosh
        assert len(ids) >= 2
    for q in (*QUERIES, *TYPOS, "kommunal bolig"):
        assert strip(searcher.search(q)) == strip(plain.search(q)), q
    searcher.close(), plain.close()


def test_a_fresh_searcher_corrects_a_typo_from_its_letter_as_the_whole_dictionary_does(
    index_dir, monkeypatch
):
    """Before the warm-up a typo reads the known words of its first letter only (the whole
    dictionary of 60 000 documents took ~0.2 s), with the same result as a warmed searcher."""
    from kb.search import planner

    warmed = open_searcher(index_dir)
    warmed.warm()
    read = []
    words = planner.spelling_words
    monkeypatch.setattr(planner, "spelling_words", lambda sub: read.append(sub) or words(sub))
    fresh = open_searcher(index_dir)
    for q in ("flyktnnger", "startlaan", "barnefatigdom"):  # corrected within the letter
        result = fresh.search(q)
        assert result["suggestion"] and strip(result) == strip(warmed.search(q)), q
    assert read == [] and fresh.planner._dictionary is None
    for q in TYPOS:  # the rest: a fuzzy match or none, the whole dictionary when needed
        assert strip(fresh.search(q)) == strip(warmed.search(q)), q
    for stem in ("boli", "flyktning", "startl", "kjøp"):
        assert fresh.engine.near_terms(stem) == warmed.engine.near_terms(stem), stem
    assert fresh.engine._lexicons == {}  # the fields' stems were read one letter at a time
    warmed.close(), fresh.close()


def test_warm_loads_the_typo_corrector_before_the_first_typo(index_dir):
    """warm() imports the corrector a query with an unknown word needs (rapidfuzz, ~15 ms),
    so the first typo in a service's process does not pay for it; kb search still does not."""
    check = (
        "import sys; from kb.search.searcher import open_searcher; "
        f"s = open_searcher({str(index_dir)!r}); before = 'rapidfuzz' in sys.modules; "
        "s.warm(); print(before, 'rapidfuzz' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["False", "True"]


def joined(searcher) -> tuple[list, list]:
    """The searcher's citation graph joined from its spans, as lists (starts, partners)."""
    engine = searcher.engine
    links = citations.Links(citations.citation_pairs(engine.graph.spans), engine.size)
    return links.starts.tolist(), links.partners.tolist()


def test_kb_index_stores_the_citation_graph_and_searchers_map_it(index_dir):
    # The first search joined the pairs (35 + 11 ms at 60 000 documents); now `kb index`
    # stores them with the tables, and every process maps the same pages.
    stored = list((index_dir / arrays.TABLES_DIR).glob("graph-*"))
    assert len(stored) == 1
    searcher = open_searcher(index_dir)
    links = searcher.engine.links()
    assert all(type(a) is np.ndarray and mapped(a) for a in (links.starts, links.partners))
    assert (links.starts.tolist(), links.partners.tolist()) == joined(searcher)
    assert len(links.partners) > 0  # the fixture's cases cite testkilde's passages
    searcher.close()


def test_a_folder_that_cannot_be_written_joins_the_graph_in_memory(index_dir, tmp_path):
    folder = copy_index(index_dir, tmp_path)
    (folder / arrays.TABLES_DIR).write_text("")  # no folder can be made there
    searcher = open_searcher(folder)
    links = searcher.engine.links()
    assert (links.starts.tolist(), links.partners.tolist()) == joined(searcher)
    reference = open_searcher(index_dir)  # the graph as `kb index` stored it
    for q in (*QUERIES, "startlån"):
        assert strip(searcher.search(q)) == strip(reference.search(q))
    searcher.close(), reference.close()


def ranked(result: dict) -> list:
    """A result's hits as (id, score), in order."""
    return [(h["id"], h["score"]) for h in result["hits"]]
