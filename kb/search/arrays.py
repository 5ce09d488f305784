"""One segment's arrays for the search: field lengths, facet values, sort keys, order, the
citation spans and the postings of its frequent terms.

They are computed once per index segment (Whoosh never changes a segment's files, only its
deletions) and stored as .npy files in the index folder (TABLES_DIR/<segment>/), which every
process then memory-maps: the pages are shared by all the workers of a server, and a process
that opens the index loads them without a loop over the documents. A one-case update adds a
small segment: only that segment's arrays are computed, the others are read as they are.
Deletions are not in the files; they are applied as a mask (kb.search.tables joins the
segments' arrays into a reader's, with `live`).

The postings of a segment's frequent terms (in FREQUENT documents or more) are stored too:
they are the long ones, whose blocks the first query that needs them would otherwise decode.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.util.numeric import byte_to_length

from kb.search import citations
from kb.search import schema as f
from kb.search.folders import mapped, store_folder
from kb.search.postings import read_postings

TABLES_DIR = "kb_tables"
LENGTH_FIELDS = tuple(f.SEARCHED)  # the fields whose lengths BM25F needs
SORT_KEYS = (f.DATE, f.SORT_TITLE)  # text sort keys, stored as codes into sorted values
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
FORMAT = 4  # bump when the files change shape: older folders are then ignored
FREQUENT = 1000  # a term in this many documents of a segment has its postings stored
log = logging.getLogger(__name__)


@dataclass
class SegmentTables:
    """One segment's arrays, numbered from 0 within the segment."""

    size: int
    lengths: np.ndarray  # (len(LENGTH_FIELDS), size) float32: each field's length per doc
    facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]]  # values, docs, value ids
    keys: dict[str, tuple[list[str], np.ndarray]]  # sorted distinct values, code per doc
    order: np.ndarray  # int64: a passage's place in its source (0 for cases)
    postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]  # frequent terms' (ids, w)
    spans: citations.Spans  # cited and own report lines (kb.search.citations)


def segment_tables(sub, index_dir: Path | None) -> SegmentTables:
    """A segment's arrays: memory-mapped from the index folder, or computed (and stored)."""
    name = f"{sub.segment().segment_id()}-{FORMAT}"
    folder = Path(index_dir) / TABLES_DIR / name if index_dir else None
    if folder is not None and folder.is_dir():
        try:
            return _read(folder)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("Tabellene i %s kan ikke leses (%s); regner dem ut på nytt.", folder, exc)
    tables = compute(sub)
    if folder is not None:
        _store(tables, folder)
    return tables


def compute(sub) -> SegmentTables:
    """A segment's arrays, read from its files (deleted documents are masked by `live`)."""
    size = sub.doc_count_all()
    lengths = np.stack([_field_lengths(sub, name, size) for name in LENGTH_FIELDS])
    facets = {}
    for name in f.FACETS:
        values, docs, ids = [], [], []
        for raw in sub.lexicon(name):
            posting = _all_ids(sub, name, raw)
            docs.append(posting)
            ids.append(np.full(len(posting), len(values), dtype=np.int64))
            values.append(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
        pairs = (np.concatenate(docs), np.concatenate(ids)) if docs else (_i64(), _i64())
        facets[name] = (values, *pairs)
    keys = {}
    for name in SORT_KEYS:
        texts = [_text(v) for v in sub.column_reader(name)] if size else []
        values, codes = np.unique(np.array(texts, dtype=str), return_inverse=True)
        keys[name] = ([str(v) for v in values], codes.astype(np.int64).reshape(-1))
    order = np.array(list(sub.column_reader(f.ORDER)), dtype=np.int64) if size else _i64()
    spans = citations.segment_spans(sub)
    return SegmentTables(size, lengths, facets, keys, order, frequent_postings(sub), spans)


def frequent_postings(sub) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """The postings of the segment's terms in FREQUENT documents or more, by (field, term)."""
    out = {}
    for name in LENGTH_FIELDS:
        frequent = [raw for raw, info in sub.iter_field(name) if info.doc_frequency() >= FREQUENT]
        for raw in frequent:
            out[(name, _text(raw))] = read_postings(sub, name, _text(raw))
    return out


def _field_lengths(sub, name: str, size: int) -> np.ndarray:
    """Every document's length in a field, as Whoosh stores it (one byte, decoded)."""
    perdoc = getattr(sub, "_perdoc", None)
    column = getattr(perdoc, "_cached_reader", None)
    if column is not None:  # whoosh3 codec: one byte per document, read in one piece
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        creader = column(_lenfield(name), LENGTHS_COLUMN)
        if creader is None:
            return np.zeros(size, dtype=np.float32)
        if hasattr(creader, "_dbfile") and creader._fixedlen == 1:
            count = min(creader._count, size)
            raw = bytes(creader._dbfile.get(creader._basepos, count)) if count else b""
            out = np.zeros(size, dtype=np.float32)
            out[:count] = BYTE_LENGTHS[np.frombuffer(raw, dtype=np.uint8)]
            return out
    return np.array([sub.doc_field_length(d, name, 0) or 0 for d in range(size)], dtype=np.float32)


def _all_ids(sub, name: str, raw) -> np.ndarray:
    """The documents of a term in the segment (those deleted later are masked by `live`)."""
    return np.fromiter(sub.postings(name, raw).all_ids(), dtype=np.int64)


def _store(t: SegmentTables, folder: Path) -> None:
    """Write the arrays to the segment's folder (see store_folder)."""

    def write(tmp: Path) -> None:
        np.save(tmp / "lengths.npy", t.lengths)
        np.save(tmp / "columns.npy", np.stack([t.order, *(t.keys[n][1] for n in SORT_KEYS)]))
        facets = [t.facets[n] for n in f.FACETS]
        np.save(tmp / "facets.npy", np.concatenate([np.stack([d, i]) for _, d, i in facets], 1))
        values = {
            "size": t.size,
            "facets": {n: t.facets[n][0] for n in f.FACETS},
            "pairs": [len(d) for _, d, _ in facets],  # how many (doc, value) pairs per facet
            "keys": {n: v for n, (v, _) in t.keys.items()},
        }
        terms = list(t.postings)
        ids = [t.postings[k][0] for k in terms]
        np.save(tmp / "post_ids.npy", np.concatenate(ids).astype(np.int32) if ids else _i64())
        weights = [t.postings[k][1] for k in terms]
        np.save(tmp / "post_weights.npy", np.concatenate(weights) if weights else _f32())
        values["postings"] = [[n, term, len(i)] for (n, term), i in zip(terms, ids, strict=True)]
        values["span_sources"] = t.spans[0]
        np.save(tmp / "spans.npy", t.spans[1])
        (tmp / "values.json").write_text(json.dumps(values, ensure_ascii=False), "utf-8")

    store_folder(folder, write, "tabellene")


def _read(folder: Path) -> SegmentTables:
    """A segment's arrays from its folder, memory-mapped."""
    values = json.loads((folder / "values.json").read_text("utf-8"))
    lengths, columns, pairs = (
        mapped(folder / name) for name in ("lengths.npy", "columns.npy", "facets.npy")
    )
    facets, start = {}, 0
    for name, n in zip(f.FACETS, values["pairs"], strict=True):
        facets[name] = (
            values["facets"][name],
            pairs[0, start : start + n],
            pairs[1, start : start + n],
        )
        start += n
    keys = {n: (values["keys"][n], columns[1 + i]) for i, n in enumerate(SORT_KEYS)}
    ids, weights = (mapped(folder / f"post_{n}.npy") for n in ("ids", "weights"))
    postings, start = {}, 0
    for name, term, n in values["postings"]:
        postings[(name, term)] = (ids[start : start + n], weights[start : start + n])
        start += n
    spans = (values["span_sources"], mapped(folder / "spans.npy"))
    return SegmentTables(values["size"], lengths, facets, keys, columns[0], postings, spans)


def store_new(index_dir: Path, reader) -> None:
    """Compute and store the arrays of the reader's segments that have none: `kb index --case`
    does it after its commit, so the searchers that see the update only map them."""
    for sub, _ in reader.leaf_readers():
        folder = Path(index_dir) / TABLES_DIR / f"{sub.segment().segment_id()}-{FORMAT}"
        if not folder.is_dir():
            _store(compute(sub), folder)


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")


def _i64() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _f32() -> np.ndarray:
    return np.zeros(0, dtype=np.float32)
