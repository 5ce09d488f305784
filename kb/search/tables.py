"""The arrays the search needs besides the postings: field lengths, facet values, sort keys.

They are computed once per index segment (Whoosh never changes a segment's files, only its
deletions) and stored as .npy files in the index folder (TABLES_DIR/<segment>/), which every
process then memory-maps: the pages are shared by all the workers of a server, and a process
that opens the index loads them without a loop over the documents. A one-case update adds a
small segment: only that segment's arrays are computed, the others are read as they are.
Deletions are not in the files; they are applied as a mask (`live`).

The postings of a segment's frequent terms (in FREQUENT documents or more) are stored too:
they are the long ones, whose blocks the first query that needs them would otherwise decode.

The citation graph spans segments (a case in one cites passages in another), so it is stored
per reader rather than per segment: TABLES_DIR/graph-<key>/, the key naming the reader's
segments in order (see Graph). `kb index` and `kb index --case` store it for the index they
write; a reader with other segments never maps it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.util.numeric import byte_to_length

from kb.search import citations
from kb.search import schema as f
from kb.search.folders import drop_unused, mapped, store_folder
from kb.search.postings import read_postings

TABLES_DIR = "kb_tables"
LENGTH_FIELDS = tuple(f.SEARCHED)  # the fields whose lengths BM25F needs
SORT_KEYS = (f.DATE, f.SORT_TITLE)  # text sort keys, stored as codes into sorted values
BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
FORMAT = 4  # bump when the files change shape: older folders are then ignored
FREQUENT = 1000  # a term in this many documents of a segment has its postings stored
GRAPH_FORMAT = 1  # bump when the graph's files change shape (their key changes with it)
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


@dataclass
class Tables:
    """The arrays of a whole reader: the segments' arrays, joined by document number."""

    size: int
    live: np.ndarray  # bool: not deleted
    lengths: dict[str, np.ndarray]
    facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]]
    keys: dict[str, tuple[list[str], np.ndarray]]
    order: np.ndarray
    postings: dict[str, dict]  # segment id -> its frequent terms' postings
    graph: Graph  # the citation graph (its spans: cited and own report lines, in the reader)


class Graph:
    """A reader's citation graph (kb.search.citations.Links), memory-mapped from
    TABLES_DIR/graph-<key>/ when it was stored for this very reader, else joined from the
    spans once and stored there (or kept in memory when the folder cannot be written).

    The pairs depend on nothing but the segments' stored locations and the order of the
    segments (document numbers): the key is the segments' ids and sizes in reader order, so a
    graph stored for an older generation with other segments is never read. Deletions do not
    change it: a deleted document is never a candidate and lifts nothing (its base score is 0).
    """

    def __init__(self, spans: citations.Spans, size: int, segments: list, root: Path | None):
        self.spans, self.size, self.segments = spans, size, segments
        self.folder = root / graph_name(segments) if root is not None else None
        self._links: citations.Links | None = None

    def links(self) -> citations.Links:
        if self._links is None:
            self._links = self._read() or self._join()
        return self._links

    def _read(self) -> citations.Links | None:
        if self.folder is None or not self.folder.is_dir():
            return None
        try:
            values = json.loads((self.folder / "graph.json").read_text("utf-8"))
            starts, partners = (mapped(self.folder / f"{n}.npy") for n in ("starts", "partners"))
        except (OSError, ValueError) as exc:
            log.warning("Sitatgrafen i %s kan ikke leses (%s); kobles på nytt.", self.folder, exc)
            return None
        if values.get("segments") != self.segments or len(starts) != self.size + 1:
            return None  # not this reader's (cannot happen unless two keys collide)
        return citations.Links.of(starts, partners)

    def _join(self) -> citations.Links:
        links = citations.Links(citations.citation_pairs(self.spans), self.size)
        if self.folder is not None:

            def write(tmp: Path) -> None:
                np.save(tmp / "starts.npy", links.starts)
                np.save(tmp / "partners.npy", links.partners)
                values = {"format": GRAPH_FORMAT, "segments": self.segments}
                (tmp / "graph.json").write_text(json.dumps(values), "utf-8")

            store_folder(self.folder, write, "sitatgrafen")
        return links


def reader_segments(reader) -> list:
    """The key of a reader's citation graph: its segments' ids and sizes, in reader order."""
    return [[sub.segment().segment_id(), sub.doc_count_all()] for sub, _ in reader.leaf_readers()]


def graph_name(segments: list) -> str:
    """The folder (in TABLES_DIR) of the citation graph of a reader with these segments."""
    key = json.dumps([GRAPH_FORMAT, FORMAT, segments]).encode("utf-8")
    return f"graph-{hashlib.sha256(key).hexdigest()[:20]}"


def load(reader, index_dir: Path | None, known: dict | None = None) -> Tables:
    """The tables of a reader, each segment's read from index_dir (or computed and stored).

    `known` holds the segments' arrays already loaded by this process (by segment name); it
    is updated to hold the reader's segments only.
    """
    known = {} if known is None else known
    parts, offsets, names = [], [], []
    for sub, offset in reader.leaf_readers():
        name = f"{sub.segment().segment_id()}-{FORMAT}"
        if name not in known:
            known[name] = segment_tables(sub, index_dir)
        parts.append(known[name])
        offsets.append(offset)
        names.append(name)
    for name in set(known) - set(names):
        del known[name]
    size = reader.doc_count_all()
    postings = {
        sub.segment().segment_id(): p.postings
        for (sub, _), p in zip(reader.leaf_readers(), parts, strict=True)
    }
    live = np.ones(size, dtype=bool)
    for sub, offset in reader.leaf_readers():
        if sub.has_deletions():
            live[np.fromiter(sub.segment().deleted_docs(), dtype=np.int64) + offset] = False
    root = Path(index_dir) / TABLES_DIR if index_dir else None
    segments = reader_segments(reader)
    if len(parts) == 1:  # the usual case after a build: the mapped arrays as they are
        p = parts[0]
        lengths = {name: p.lengths[i] for i, name in enumerate(LENGTH_FIELDS)}
        graph = Graph(p.spans, size, segments, root)
        return Tables(size, live, lengths, p.facets, p.keys, p.order, postings, graph)
    spans = _joined_spans([p.spans for p in parts], offsets)
    return Tables(
        size,
        live,
        {
            name: np.concatenate([p.lengths[i] for p in parts]) if parts else _f32()
            for i, name in enumerate(LENGTH_FIELDS)
        },
        {name: _joined_facet([p.facets[name] for p in parts], offsets) for name in f.FACETS},
        {name: _joined_key([p.keys[name] for p in parts]) for name in SORT_KEYS},
        np.concatenate([p.order for p in parts]) if parts else np.zeros(0, np.int64),
        postings,
        Graph(spans, size, segments, root),
    )


def _joined_facet(parts: list, offsets: list[int]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """One facet over several segments: the union of the values, documents renumbered."""
    values = sorted({v for vs, _, _ in parts for v in vs})
    index = {v: i for i, v in enumerate(values)}
    docs, ids = [], []
    for (vs, d, i), offset in zip(parts, offsets, strict=True):
        remap = np.array([index[v] for v in vs], dtype=np.int64)
        docs.append(np.asarray(d, dtype=np.int64) + offset)
        ids.append(remap[i] if len(vs) else np.zeros(0, np.int64))
    return values, np.concatenate(docs), np.concatenate(ids)


def _joined_spans(parts: list, offsets: list[int]) -> citations.Spans:
    """The spans of several segments: the union of the sources, documents renumbered."""
    sources = sorted({s for ss, _ in parts for s in ss})
    index = {s: i for i, s in enumerate(sources)}
    rows = [np.zeros((5, 0), dtype=np.int64)]
    for (ss, r), offset in zip(parts, offsets, strict=True):
        if r.shape[1]:
            remap = np.array([index[s] for s in ss], dtype=np.int64)
            rows.append(np.stack([r[0] + offset, r[1], remap[r[2]], r[3], r[4]]))
    return sources, np.concatenate(rows, axis=1)


def _joined_key(parts: list) -> tuple[list[str], np.ndarray]:
    """One sort key over several segments: codes into the sorted union of the values."""
    values = sorted({v for vs, _ in parts for v in vs})
    index = {v: i for i, v in enumerate(values)}
    codes = [np.array([index[v] for v in vs], dtype=np.int64)[c] for vs, c in parts if len(vs)]
    return values, np.concatenate(codes) if codes else np.zeros(0, np.int64)


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


def store_graph(index_dir: Path, reader) -> None:
    """Join and store the reader's citation graph unless it is stored (`kb index` and
    `kb index --case` do it after their commit, so the searchers only map it)."""
    load(reader, index_dir).graph.links()


def remove_unused(index_dir: Path, reader) -> None:
    """Drop the stored arrays of segments the index no longer has (after a merge), and the
    citation graphs of other readers than this one."""
    used = {f"{sub.segment().segment_id()}-{FORMAT}" for sub, _ in reader.leaf_readers()}
    used.add(graph_name(reader_segments(reader)))
    drop_unused(Path(index_dir) / TABLES_DIR, used)


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")


def _i64() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _f32() -> np.ndarray:
    return np.zeros(0, dtype=np.float32)
