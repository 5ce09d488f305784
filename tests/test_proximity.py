"""Positions read block by block: the same positions as Whoosh's own matcher gives, across
blocks and segments, from the cache the second time; phrases as Whoosh's Phrase query finds."""

from __future__ import annotations

import random
from collections import OrderedDict

import numpy as np
import pytest
from whoosh import fields, index
from whoosh.formats import Positions
from whoosh.query import Phrase
from whoosh.searching import Searcher

from kb.search import phrases, positional, proximity
from kb.search.phrases import phrase_docs

WORDS = ["bolig", "kommune", "barn", "nav", "leie", "eie", "plan", "tilskudd"]


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """700 documents in two segments: common words span many posting blocks (128 each)."""
    folder = tmp_path_factory.mktemp("proximity")
    ix = index.create_in(folder, fields.Schema(text=fields.TEXT(phrase=True)))
    rng = random.Random(5)
    for part in range(2):
        writer = ix.writer()
        for _ in range(350):
            n = rng.randint(1, 30)
            writer.add_document(text=" ".join(rng.choices(WORDS[: 2 + part * 6], k=n)))
        writer.commit(merge=False)
    with ix.reader() as r:
        assert len(list(r.leaf_readers())) == 2
    ix_reader = ix.reader()
    yield ix_reader
    ix_reader.close()


def whooshs_positions(reader, term: str, docs) -> dict[int, list[int]]:
    """The positions through Whoosh's public matcher API, document by document."""
    out = {}
    for sub, offset in reader.leaf_readers():
        if ("text", term) not in sub:
            continue
        m = sub.postings("text", term)
        while m.is_active():
            if m.id() + offset in docs:
                out[m.id() + offset] = sorted(m.value_as("positions"))
            m.next()
    return out


@pytest.mark.parametrize("term", ["bolig", "kommune", "tilskudd", "ukjent"])
@pytest.mark.parametrize("share", [0.02, 0.3, 1.0])
def test_positions_are_whooshs_across_blocks_and_segments(reader, term, share, monkeypatch):
    rng = random.Random(int(share * 100))
    docs = np.array(sorted(rng.sample(range(700), int(700 * share))), dtype=np.int64)
    cache = OrderedDict()
    expected = whooshs_positions(reader, term, set(docs.tolist()))
    assert positional.positions(reader, "text", {term}, docs, cache) == expected
    assert (term == "ukjent") == (not expected)  # the common words are there

    def no_reading(*args):
        raise AssertionError("the postings were read again")

    monkeypatch.setattr(positional, "segment_positions", no_reading)
    assert positional.positions(reader, "text", {term}, docs[::-1], cache) == expected


def test_the_cache_keeps_at_most_its_size(reader, monkeypatch):
    monkeypatch.setattr(positional, "CACHED_TERMS", 2)
    monkeypatch.setattr(positional, "CACHED_DOCS", 100)
    cache = OrderedDict()
    terms = {"bolig", "kommune", "barn"}  # 5 (segment, term)s: «barn» is in the second only
    first = np.arange(0, 700, 7, dtype=np.int64)  # 50 documents, 25 in each segment
    found = positional.positions(reader, "text", terms, first, cache)
    assert len(cache) == 2 and found == positional.positions(reader, "text", terms, first)
    again = np.arange(1, 700, 3, dtype=np.int64)  # 233: more than an entry keeps
    found = positional.positions(reader, "text", terms, again, cache)
    assert found == positional.positions(reader, "text", terms, again)
    assert len(cache) == 2 and all(len(docs) <= 117 for docs in cache.values())


@pytest.mark.parametrize(
    "words",
    [("bolig", "kommune"), ("kommune", "bolig", "bolig"), ("barn", "nav"), ("eie", "ukjent")],
)
@pytest.mark.parametrize("few", [0, 10_000])
def test_phrases_are_found_as_whooshs_phrase_query_finds_them(reader, words, few, monkeypatch):
    """phrases.phrase_docs replaced Whoosh's Phrase query (document-by-document matchers):
    with the candidates' keys intersected (few: 0) and walked in Python (few: 10 000)."""
    monkeypatch.setattr(phrases, "FEW_CANDIDATES", few)
    for sub, _ in reader.leaf_readers():
        candidates = np.arange(sub.doc_count_all(), dtype=np.int64)
        searcher = Searcher(sub, closereader=False)
        expected = sorted(searcher.docs_for_query(Phrase("text", list(words))))
        assert phrase_docs(sub, "text", words, candidates).tolist() == expected
    assert words[-1] == "ukjent" or expected  # a phrase that is there, in the last segment


def test_pair_span_equals_the_window_over_sorted_events():
    """closeness's walk over two sorted lists gives min_span's answer (ties, repeats, one
    position, lists far apart)."""
    rng = random.Random(16)
    cases = [([5], [5]), ([1, 9], [4]), ([0], [100, 200]), ([3, 3, 7], [3])]
    for _ in range(2000):
        first = sorted(rng.choices(range(50), k=rng.randint(1, 6)))
        cases.append((first, sorted(rng.choices(range(50), k=rng.randint(1, 6)))))
    for first, second in cases:
        expected = proximity.min_span([first, second])
        assert proximity.pair_span(first, second) == expected == proximity.pair_span(second, first)


def test_closeness_of_many_documents_equals_closeness_document_by_document():
    """closeness_many's window over all documents at once gives closeness's floats for each
    (two to six clauses, clauses missing in some documents, repeats, far and near positions)."""
    rng = random.Random(11)
    for _ in range(500):
        n = rng.randint(2, 6)
        docs = rng.sample(range(500), rng.randint(1, 8))
        found = []
        for _ in range(n):
            top = rng.choice([3, 30, 3000])
            found.append(
                {
                    d: sorted(rng.choices(range(top), k=rng.randint(1, 9)))
                    for d in docs
                    if rng.random() < 0.6
                }
            )
        expected = [proximity.closeness([p.get(d, []) for p in found], n) for d in docs]
        assert proximity.closeness_many(docs, found, n).tolist() == expected


def test_closeness_of_several_groups_at_once_equals_each_group_alone():
    """closeness_groups (one group per field, the same documents in several) gives each
    group's closeness_many, one after the other."""
    rng = random.Random(16)
    for _ in range(300):
        n = rng.randint(3, 6)
        groups = []
        for _ in range(rng.randint(1, 3)):
            docs = sorted(rng.sample(range(40), rng.randint(1, 8)))
            found = [
                {
                    d: sorted(rng.choices(range(rng.choice([3, 300])), k=rng.randint(1, 6)))
                    for d in docs
                    if rng.random() < 0.6
                }
                for _ in range(n)
            ]
            groups.append((docs, found))
        expected = [c for docs, found in groups for c in proximity.closeness_many(docs, found, n)]
        assert proximity.closeness_groups(groups, n).tolist() == expected


def test_positions_decoded_together_equal_whooshs_decoding_one_by_one():
    """_decode_many (one pickle for many values) gives Positions.decode_positions of each:
    one position, none, repeated gaps, big numbers, more than a pickle batch (1 000), with
    and without the stop Whoosh's encoder strips."""
    fmt = Positions()
    rng = random.Random(3)
    lists = [[0], [], [5, 5, 5], [70_000, 2**31], sorted(rng.sample(range(99_999), 2500))]
    lists += [sorted(rng.sample(range(3000), rng.randint(1, 40))) for _ in range(200)]
    values = [fmt.encode(ps) if k % 3 else fmt.encode(ps)[:-1] for k, ps in enumerate(lists)]
    expected = [fmt.decode_positions(v) for v in values]
    assert positional._decode_many(values) == expected == [list(ps) for ps in lists]
    assert positional._decode_many([]) == []
