"""A reader's tables: its segments' arrays (kb.search.arrays) joined by document number, its
deletions as a mask (`live`), and its citation graph (kb.search.graph).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.search import citations
from kb.search import schema as f
from kb.search.arrays import FORMAT, LENGTH_FIELDS, SORT_KEYS, TABLES_DIR, segment_tables
from kb.search.folders import drop_unused
from kb.search.graph import Graph, graph_name, reader_segments


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
            name: np.concatenate([p.lengths[i] for p in parts])
            if parts
            else np.zeros(0, np.float32)
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
