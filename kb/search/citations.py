"""The citation graph: which report passages each case cites, as pairs of document numbers.

A case's stored locations name report lines (source, [first, last]); a passage's stored
location is its own span. A case and a passage are linked when they have the same source and
their lines overlap. The spans are read when a segment's arrays are computed and stored with
them (kb.search.arrays); the pairs are joined once per reader, as Links, and stored with the
index for the reader's segments (kb.search.graph.Graph), so a process maps them.

Ranking (cite_lift): a link is evidence both ways. A case whose cited lines lie in a passage
that matches the query well is likelier to be a practice that answers it; a passage a
well-matching case is built on is likelier to be the report's answer.
"""

from __future__ import annotations

import json

import numpy as np

from kb.search import schema as f

# Among the candidates, a score times 1 + CITE_WEIGHT × the best base score among the documents
# it is linked to (a case's cited passages, a passage's citing cases), divided by the best base
# score of any document: at most 1 + CITE_WEIGHT. Tuned on the tuning half (round 9, sok.md).
CITE_WEIGHT = 1.0

Spans = tuple[list[str], np.ndarray]  # sources; rows: document, is a case, source, a, b


def segment_spans(sub) -> Spans:
    """The line spans one segment's documents stand for (a case: each it cites), read from
    the stored locations (kb.search.arrays stores them with the segment's arrays)."""
    sources: dict[str, int] = {}
    rows = []
    for doc in range(sub.doc_count_all()):
        stored = sub.stored_fields(doc)
        is_case = stored.get(f.KIND) == "case"
        for loc in json.loads(stored.get(f.DATA) or "{}").get("locations") or ():
            if loc.get("lines") and loc.get("source"):
                code = sources.setdefault(loc["source"], len(sources))
                rows.append((doc, is_case, code, *loc["lines"]))
    return list(sources), np.array(rows, dtype=np.int64).reshape(-1, 5).T.copy()


def citation_pairs(spans: Spans) -> tuple[np.ndarray, np.ndarray]:
    """(case documents, passage documents): one pair per case and passage whose lines it
    cites (same source, overlapping lines), sorted."""
    doc, is_case, source, a, b = spans[1]
    n = int(doc.max()) + 1 if len(doc) else 1  # a pair's key: case × n + passage
    count = len(spans[0])
    cited = np.bincount(source[is_case == 1], minlength=count) > 0
    covered = np.bincount(source[is_case == 0], minlength=count) > 0
    # Only the sources with both are joined: a loop over every source took ~140 ms of CPU at
    # bench_search's 60 000 synthetic documents (58 253 sources, none with a passage's lines).
    codes = np.flatnonzero(cited & covered)
    if not len(codes):
        return _EMPTY, _EMPTY
    joined = np.flatnonzero((cited & covered)[source])
    by_source = joined[np.argsort(source[joined], kind="stable")]  # each source's rows, once
    starts = np.searchsorted(source[by_source], codes, side="left")
    stops = np.searchsorted(source[by_source], codes, side="right")
    keys = []
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        rows_of = by_source[start:stop]
        cases, passages = rows_of[is_case[rows_of] == 1], rows_of[is_case[rows_of] == 0]
        order = np.argsort(a[passages], kind="stable")
        pa, pb, pd = a[passages][order], b[passages][order], doc[passages][order]
        ca, cb, cd = a[cases], b[cases], doc[cases]
        # Passages starting after a citation ends are past it; those before the first whose
        # running end reaches its start end before it.
        hi = np.searchsorted(pa, cb, side="right")
        lo = np.searchsorted(np.maximum.accumulate(pb), ca, side="left")
        counts = np.maximum(hi - lo, 0)
        rows = np.repeat(np.arange(len(cd)), counts)
        at = (
            np.repeat(lo, counts)
            + np.arange(counts.sum())
            - np.repeat(counts.cumsum() - counts, counts)
        )
        keep = pb[at] >= ca[rows]
        keys.append(cd[rows][keep] * n + pd[at][keep])
    key = np.sort(np.concatenate(keys))
    if not len(key):  # no citation meets a passage
        return _EMPTY, _EMPTY
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    return key // n, key % n


class Links:
    """Each document's linked documents, both ways (a case's cited passages, a passage's
    citing cases), as compressed rows: documents starts[d]:starts[d + 1] of partners."""

    def __init__(self, pairs: tuple[np.ndarray, np.ndarray], size: int):
        cases, passages = pairs
        ends = np.concatenate([cases, passages])
        order = np.argsort(ends, kind="stable")
        self.partners = np.concatenate([passages, cases])[order]
        size = max(size, int(ends.max()) + 1 if len(ends) else 0)
        self.starts = np.searchsorted(ends[order], np.arange(size + 1))

    @classmethod
    def of(cls, starts: np.ndarray, partners: np.ndarray) -> Links:
        """Links from their arrays as stored (kb.search.graph.Graph: memory-mapped)."""
        links = cls.__new__(cls)
        links.starts, links.partners = starts, partners
        return links


def cite_lift(base: np.ndarray, candidates: np.ndarray, links: Links) -> np.ndarray:
    """Each candidate's factor, 1 + CITE_WEIGHT × its best linked document's base score over
    the best base score (base: every document's, filters aside, so a filter does not change
    the order of what it keeps). Reads only the candidates' own links."""
    out = np.ones(len(candidates), dtype=np.float32)
    top = float(base.max()) if len(base) else 0.0
    if not CITE_WEIGHT or not len(links.partners) or top <= 0:
        return out
    lo = links.starts[candidates]
    counts = links.starts[candidates + 1] - lo
    linked = counts > 0
    if not linked.any():
        return out
    lo, counts = lo[linked], counts[linked]
    firsts = counts.cumsum() - counts
    at = np.repeat(lo - firsts, counts) + np.arange(int(counts.sum()))
    best = np.maximum(np.maximum.reduceat(base[links.partners[at]], firsts), 0)
    out[linked] += np.float32(CITE_WEIGHT / top) * best.astype(np.float32)
    return out


_EMPTY = np.zeros(0, dtype=np.int64)
