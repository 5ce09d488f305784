"""kb.search.postings reads a term's postings from a segment's files without a Whoosh matcher:
for every term of a real index (one segment, then two after a one-case update, and after
refresh()), the documents, weights and positions are those Whoosh's matcher gives."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from conftest import live_copy
from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer
from whoosh.formats import Positions

from indexer.build import update_case
from kb.search import arrays, positional, postings
from kb.search import schema as f
from kb.search.searcher import open_searcher


def whoosh_postings(sub, name: str, raw: bytes) -> list[tuple[int, float, bytes]]:
    """(document, weight, encoded value) of each live posting, from Whoosh's own matcher."""
    m, out = sub.postings(name, raw), []
    while m.is_active():
        out.append((m.id(), m.weight(), m.value()))
        m.next()
    return out


def check_reader(reader) -> Counter:
    """Compare every term of every searched field of every segment; the terms checked, by how
    their postings are stored (see kind)."""
    kinds: Counter = Counter()
    for sub, _ in reader.leaf_readers():
        lean = postings.lean_reader(sub)
        assert lean is not None  # the whoosh3 codec
        deleted = set(sub.segment().deleted_docs()) if sub.has_deletions() else set()
        for name in arrays.LENGTH_FIELDS:
            format_ = sub.schema[name].format
            for raw, info in sub.iter_field(name):
                term = raw.decode("utf-8")
                values: list[bytes] = []
                ids, weights = postings.read(lean, name, term, values)
                # deleted documents included (Engine masks them), as Whoosh counts them
                assert len(ids) == len(weights) == len(values) == info.doc_frequency()
                assert ids.dtype == np.int64 and weights.dtype == np.float32
                live = [i for i, d in enumerate(ids.tolist()) if d not in deleted]
                expected = whoosh_postings(sub, name, raw)
                assert [(int(ids[i]), float(weights[i]), values[i]) for i in live] == [
                    (d, float(np.float32(w)), v) for d, w, v in expected
                ]
                if type(format_) is Positions:
                    wanted = np.array([d for d, _, _ in expected], dtype=np.int64)
                    found = list(positional.segment_positions(sub, name, term, wanted))
                    assert found == [(d, format_.decode_positions(v)) for d, _, v in expected]
                    some = wanted[::3]  # blocks without any of them are skipped undecoded
                    found = list(positional.segment_positions(sub, name, term, some))
                    assert found == [(d, format_.decode_positions(v)) for d, _, v in expected[::3]]
                kinds[kind(lean, name, term)] += 1
            assert postings.read(lean, name, "ikkeetordiindeksen") is None
    return kinds


def kind(lean, name: str, term: str) -> str:
    """How a term's postings are stored: in one or more blocks (whoosh3 never inlines them)."""
    entry = lean.entry(name, term)
    return "blocks" if sum(1 for _ in postings._walk(lean, entry)) > 1 else "one block"


def test_lean_postings_equal_whooshs_matcher_for_every_term(index_dir):
    searcher = open_searcher(index_dir)
    kinds = check_reader(searcher._searcher.reader())
    assert kinds["one block"] > 200
    searcher.close()


def test_lean_postings_equal_whooshs_after_an_update_and_refresh(corpus, tmp_path):
    root, live, searcher = live_copy(corpus, tmp_path)
    path = root / "grep" / "lillehammer-startlan.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kjøper bolig med", "kjøper hus med"), encoding="utf-8")
    assert update_case(live, path, root) == ("oppdatert", [])  # as `kb index --case`
    searcher.refresh()
    reader = searcher._searcher.reader()
    subs = [sub for sub, _ in reader.leaf_readers()]
    assert len(subs) == 2 and subs[0].has_deletions()  # the old version of the case
    assert check_reader(reader)["one block"] > 100
    fresh = open_searcher(live)
    assert check_reader(fresh._searcher.reader()) == check_reader(reader)
    assert searcher.search("hus", kind="case")["hits"][0]["id"] == "lillehammer-startlan"
    searcher.close(), fresh.close()


def test_read_postings_keeps_the_values_whooshs_blocks_hold(index_dir):
    """postings.read_postings (the engine's reader) through the lean reading: the same arrays
    and kept values as reading Whoosh's matcher block by block (its fallback for other codecs)."""
    searcher = open_searcher(index_dir)
    sub = searcher._searcher.reader().leaf_readers()[0][0]
    for name in arrays.LENGTH_FIELDS:
        for raw, _ in sub.iter_field(name):
            keep: dict = {}
            ids, weights = postings.read_postings(sub, name, raw.decode("utf-8"), keep)
            expected = whoosh_postings(sub, name, raw)  # no deletions in this index
            assert ids.tolist() == [d for d, _, _ in expected]
            assert weights.tolist() == [float(np.float32(w)) for _, w, _ in expected]
            assert keep["values"] == [v for _, _, v in expected]
            assert keep["format"] is sub.schema[name].format
    searcher.close()


def test_lean_postings_of_long_terms_in_many_blocks_with_deletions(tmp_path):
    """Terms in more than a block (128 documents) and weights other than 1, in two segments,
    the first with deleted documents: a Whoosh index with the search's schema."""
    ix = whoosh_index.create_in(tmp_path, f.schema_with(StandardAnalyzer()))
    rng = random.Random(7)
    words = [f"ord{i}" for i in range(40)]

    def add(writer, n: int, start: int) -> None:
        for i in range(start, start + n):
            text = " ".join(["felles"] * rng.randint(1, 3) + rng.sample(words, 8))
            writer.add_document(id=f"d{i}", title=f"tittel felles {words[i % 40]}", text=text)

    writer = ix.writer()
    add(writer, 600, 0)
    writer.commit()
    writer = ix.writer()
    for i in range(0, 600, 7):
        writer.delete_by_term(f.ID_FIELD, f"d{i}")
    add(writer, 50, 600)
    writer.commit(merge=False)
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 2
        kinds = check_reader(reader)
    assert kinds["blocks"] >= 4 and kinds["one block"] > 10


def test_a_block_info_longer_than_the_first_bytes_read_is_read_whole(index_dir, monkeypatch):
    searcher = open_searcher(index_dir)
    sub = searcher._searcher.reader().leaf_readers()[0][0]
    lean = postings.lean_reader(sub)
    terms = [(n, raw.decode("utf-8")) for n in arrays.LENGTH_FIELDS for raw, _ in sub.iter_field(n)]
    before = [postings.read(lean, name, term) for name, term in terms[:50]]
    monkeypatch.setattr(postings, "INFO_READ", 5)  # every info pickle goes on past 5 bytes
    after = [postings.read(lean, name, term) for name, term in terms[:50]]
    assert all(
        np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        for a, b in zip(before, after, strict=True)
    )
    searcher.close()
