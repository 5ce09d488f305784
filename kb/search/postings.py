"""A term's postings read straight from a whoosh3 segment's files, without a Whoosh matcher.

Whoosh's `reader.postings()` checks the field, looks the term up, decodes its TermInfo into an
object, builds a matcher (seeking to the header, unpickling the first block's info) and, when the
segment has deletions, wraps it in a filter; reading the blocks then goes one seek and read at a
time. For a term read once per process (most of a new query's words and fields) that set-up was
most of the cost. Here the term's entry is looked up in the terms file, its postings (all of
its blocks, one range of the postings file) are read in one piece, and each block's data is
unpickled (and decompressed) as Whoosh would: the same documents, weights and encoded values.

Deleted documents are included (the engine masks them with `Tables.live`). A reader of another
codec gets None from `lean_reader`; the caller then uses Whoosh's matcher.

`read_postings` is the entry for one term of one segment (the engine's scores, the segment
arrays' frequent terms): this lean reading for a whoosh3 segment, else Whoosh's matcher read
one block at a time (`_read_blocks`).
"""

from __future__ import annotations

import functools
import io
import pickle
import struct
import weakref
import zlib
from collections.abc import Iterator
from hashlib import md5
from pickle import load, loads

import numpy as np
from whoosh.reading import TermNotFound

INFO = struct.Struct("!BfIBBfII")  # W3TermInfo: flags, weight, df, lengths, max weight, ids
EXTENT = struct.Struct("!Qi")  # after INFO when not inlined: offset and length of the postings
FIELD = struct.Struct("!H")  # a term's key in the terms file: the field's number, then the term
BLOCK = struct.Struct("!i")  # a block's length (negative for the last block)
MAGIC = b"W3Bl"  # the postings' header (WHOOSH3_HEADER_MAGIC)
NO_FIELD = 65535
SLOT = struct.Struct("!Iq")  # a hash table's slot in the terms file: key hash, item position
LENGTHS = struct.Struct("!ii")  # an item's key and value lengths
MD5 = 0  # HashReader.hashtype of md5_hash (Whoosh's default)
INFO_READ = 128  # bytes copied to unpickle a block's info from (it is a few dozen)
_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float32)


class LeanReader:
    """The terms and postings files of one whoosh3 segment, for `read`."""

    def __init__(self, terms, schema):
        self.table = terms._tindex
        self.fields = terms._fieldmap
        self.postfile = terms._postfile
        self.schema = schema

    def entry(self, name: str, term: str) -> bytes | None:
        """The term's TermInfo bytes, or None when the segment does not have it."""
        if name not in self.schema:
            return None
        key = FIELD.pack(self.fields.get(name, NO_FIELD)) + self.schema[name].to_bytes(term)
        buf = getattr(self.table.dbfile, "_buf", None)
        if self.table.hashtype != MD5 or not isinstance(buf, memoryview):
            for datapos, datalen in self.table.ranges_for_key(key):
                return self.table.dbfile.get(datapos, datalen)
            return None
        return _lookup(self.table.tables, buf, key)


def _lookup(tables: list, buf: memoryview, key: bytes) -> bytes | None:
    """HashReader.ranges_for_key (md5 keys) on the map in place: the key's value, or None."""
    digest = md5(key, usedforsecurity=False).digest()
    keyhash = int.from_bytes(digest[-4:], "big")  # md5_hash: the digest's low 32 bits
    start, slots = tables[keyhash & 255]
    if not slots:
        return None
    end = start + slots * SLOT.size
    position = start + ((keyhash >> 8) % slots) * SLOT.size
    for _ in range(slots):
        slothash, item = SLOT.unpack_from(buf, position)
        if not item:
            return None
        if slothash == keyhash:
            keylen, datalen = LENGTHS.unpack_from(buf, item)
            at = item + LENGTHS.size
            if keylen == len(key) and buf[at : at + keylen] == key:
                return bytes(buf[at + keylen : at + keylen + datalen])
        position += SLOT.size
        if position == end:
            position = start
    return None


# By a segment's terms reader, while it lives (a LeanReader holds its files, not the reader).
_readers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def lean_reader(sub) -> LeanReader | None:
    """A LeanReader over a segment reader of the whoosh3 codec, else None."""
    terms = getattr(sub, "_terms", None)
    lean = _readers.get(terms) if terms is not None else None
    if lean is None and type(terms).__name__ == "W3TermsReader":
        lean = _readers[terms] = LeanReader(terms, sub.schema)
    return lean


def read(
    lean: LeanReader, name: str, term: str, values: list | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """(documents, weights) of a term in one segment, or None when it lacks the term. With
    `values`, each document's encoded value (positions) is appended to it, in order."""
    entry = lean.entry(name, term)
    if entry is None:
        return None
    ids, weights = [], []
    for count, _, data in _walk(lean, entry):
        deltas, w, vals = loads(data())
        ids.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        if w is None or isinstance(w, float):
            weights.append(np.full(count, 1.0 if w is None else w, dtype=np.float32))
        else:
            weights.append(np.asarray(w, dtype=np.float32))
        if values is not None:
            values.extend(vals)
    if len(ids) == 1:
        return ids[0], weights[0]
    return np.concatenate(ids), np.concatenate(weights)


def read_values(
    lean: LeanReader, name: str, term: str, docs: np.ndarray
) -> Iterator[tuple[np.ndarray, tuple]]:
    """(documents, encoded values) of the posting blocks that may hold one of the sorted docs
    (a block whose last document is below the next doc asked for is skipped undecoded)."""
    entry = lean.entry(name, term)
    if entry is None:
        return
    i = 0
    for _, last_id, data in _walk(lean, entry):
        if i >= len(docs):
            return
        if last_id < docs[i]:
            continue
        i += int(np.searchsorted(docs[i:], last_id, side="right"))
        deltas, _, vals = loads(data())
        yield np.cumsum(np.asarray(deltas, dtype=np.int64)), vals


def _walk(lean: LeanReader, entry: bytes):
    """(count, last document, data()) of each block of a term; data() gives the block's
    pickled data. The term's postings are one range of the postings file, read in place when
    the file is a memory map (kb.search.mapped), so a block skipped is never copied."""
    if entry[0]:  # never written: whoosh3 inlines fewer postings than inlinelimit=1
        raise ValueError("inlined postings are not read here")
    offset, length = EXTENT.unpack_from(entry, INFO.size)
    buf = getattr(lean.postfile, "_buf", None)
    raw = buf[offset : offset + length] if isinstance(buf, memoryview) else None
    raw = lean.postfile.get(offset, length) if raw is None or len(raw) < length else raw
    if raw[:4] != MAGIC:
        raise ValueError(f"Block tag error {bytes(raw[:4])!r}")
    position, last = 4, False
    while not last:
        length = BLOCK.unpack_from(raw, position)[0]
        last, length = length < 0, abs(length)
        start, position = position + BLOCK.size, position + BLOCK.size + length
        count, last_id, start, compression = _info(raw, start, position)
        yield count, last_id, functools.partial(_data, raw, start, position, compression)


def _info(raw, start: int, end: int) -> tuple[int, int, int, int]:
    """A block's info pickle at start: (postings, last document, where its data starts,
    compression). The pickle is a few dozen bytes: unpickled from a copy of the first ones
    (of the whole block if it goes on past them)."""
    try:
        stream = io.BytesIO(raw[start : min(start + INFO_READ, end)])
        count, last_id, _, compression, _, _ = load(stream)
    except (EOFError, pickle.UnpicklingError):
        stream = io.BytesIO(raw[start:end])
        count, last_id, _, compression, _, _ = load(stream)
    return count, last_id, start + stream.tell(), compression


def _data(raw, start: int, end: int, compression: int):
    data = raw[start:end]
    return zlib.decompress(data) if compression else data


def read_postings(sub, name: str, term, keep: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A segment's postings of a term, deleted documents included: (documents, weights).

    With `keep`, a field whose values are variable-sized (positions) also leaves there each
    document's encoded value ("values", in document order) and the field's "format".
    """
    lean = lean_reader(sub)
    if lean is not None:  # the whoosh3 codec: read without a matcher (read, above)
        values = None
        format_ = sub.schema[name].format if name in sub.schema else None
        if keep is not None and format_ is not None and format_.fixed_value_size() is None:
            values = keep.setdefault("values", [])
            keep["format"] = format_
        return read(lean, name, term, values) or (_EMPTY_I, _EMPTY_F)
    ids, weights = [], []
    try:  # one lookup in the segment's terms, where `in` and then postings() made two
        matcher = sub.postings(name, term)
    except TermNotFound:
        return _EMPTY_I, _EMPTY_F
    _read_blocks(matcher, 0, ids, weights, keep)
    return (np.concatenate(ids), np.concatenate(weights)) if ids else (_EMPTY_I, _EMPTY_F)


def _read_blocks(m, offset: int, ids: list, weights: list, keep: dict | None = None) -> None:
    """Append a leaf matcher's postings, one block at a time (whoosh3 codec internals)."""
    wrapped = m
    while not hasattr(m, "_read_data") and hasattr(m, "child"):
        m = m.child  # deletions are masked by Engine.live instead
    if m is not wrapped and hasattr(m, "reset"):
        # The deletion filter has already moved past the deleted documents at the start: read
        # from the first block, so a segment's postings are the same before and after one of
        # its documents is deleted (and the document counts as Whoosh's own statistics do).
        m.reset()
    if not hasattr(m, "_read_data"):  # another codec: the slow, public way
        pairs = np.array(list(m.items_as("weight")), dtype=np.float64).reshape(-1, 2)
        ids.append(pairs[:, 0].astype(np.int64) + offset)
        weights.append(pairs[:, 1].astype(np.float32))
        return
    values = None
    if keep is not None and not m._byteids and m._fixedsize is None:
        values = keep.setdefault("values", [])
        keep["format"] = m.format
    while m.is_active():
        m._read_data()
        deltas, w = m._data[0], m._data[1]
        if values is not None:
            values.extend(m._data[2])
        ids.append(np.cumsum(np.asarray(deltas, dtype=np.int64)) + offset)
        n = len(ids[-1])
        weights.append(
            np.full(n, 1.0 if w is None else w, dtype=np.float32)
            if w is None or isinstance(w, float)
            else np.asarray(w, dtype=np.float32)
        )
        m._next_block()
