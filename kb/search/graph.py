"""A reader's citation graph (kb.search.citations.Links), stored beside the index.

The graph spans segments (a case in one cites passages in another), so it is stored per reader
rather than per segment: TABLES_DIR/graph-<key>/ (kb.search.arrays), the key naming the
reader's segments in order (see Graph). `kb index` and `kb index --case` store it for the index
they write (kb.search.tables.store_graph); a reader with other segments never maps it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from kb.search import citations
from kb.search.arrays import FORMAT
from kb.search.folders import mapped, store_folder

GRAPH_FORMAT = 1  # bump when the graph's files change shape (their key changes with it)
log = logging.getLogger(__name__)


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
