"""Whoosh's memory-mapped segment files are read in place (kb.search.mapped), not copied into
private memory by every reader."""

from __future__ import annotations

import io
import pickle

import pytest

from kb.search.mapped import ViewReader
from kb.search.searcher import open_searcher

DATA = b"first line\nsecond\n" + pickle.dumps({"terms": [1, 2, 3]}, protocol=2) + b"end"


def steps(f) -> list:
    """A sequence of the reads Whoosh makes on a file, and what each returned."""
    return [
        f.readline(),
        f.read(3),
        f.tell(),
        f.readline(100),
        pickle.load(f),
        f.read(),
        f.read(5),
        f.seek(-2, io.SEEK_END),
        f.read(10),
        f.seek(4),
        f.seek(3, io.SEEK_CUR),
        f.read(4),
        f.readline(2),
    ]


@pytest.mark.parametrize("buf", [DATA, memoryview(DATA), memoryview(b"x" + DATA)[1:]])
def test_a_view_reader_reads_as_bytesio_does(buf):
    assert steps(ViewReader(buf)) == steps(io.BytesIO(DATA))


def test_pickles_are_read_as_pickle_load_reads_them():
    big = [list(range(k)) for k in range(200)]  # longer than the first copy
    data = b"".join(pickle.dumps(x, protocol=p) for x in ((1, 2.5), big) for p in (2, 5))
    ours, theirs = ViewReader(memoryview(data)), io.BytesIO(data)
    for _ in range(4):
        assert ours.load_pickle() == pickle.load(theirs)
        assert ours.tell() == theirs.tell()
    with pytest.raises(EOFError):
        ours.load_pickle()


def test_the_segment_files_of_an_open_index_are_read_in_place(index_dir):
    searcher = open_searcher(index_dir)
    assert searcher.search("bolig")["total"]
    for sub, _ in searcher._searcher.reader().leaf_readers():
        terms = sub._terms  # whoosh3 codec internals: the terms and postings files
        for dbfile in (terms._dbfile, terms._postfile):
            assert isinstance(dbfile.file, ViewReader)
    searcher.close()
