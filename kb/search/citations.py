"""The citation graph: which report passages each case cites, as pairs of document numbers.

A case's stored locations name report lines (source, [first, last]); a passage's stored
location is its own span. A case and a passage are linked when they have the same source and
their lines overlap. The spans are read once per segment (its stored fields never change;
kept across readers by the engine), the pairs once per reader.

Ranking (cite_lift): a link is evidence both ways. A case whose cited lines lie in a passage
that matches the query well is likelier to be a practice that answers it; a passage a
well-matching case is built on is likelier to be the report's answer.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np

from kb.search import schema as f

# Among the candidates, a score times 1 + CITE_WEIGHT × the best base score among the documents
# it is linked to (a case's cited passages, a passage's citing cases), divided by the best base
# score of any document: at most 1 + CITE_WEIGHT. Tuned on the tuning half (round 9, sok.md).
CITE_WEIGHT = 1.0

Span = tuple[int, bool, str, int, int]  # (document in its segment, is a case, source, a, b)


def segment_spans(sub) -> list[Span]:
    """The line spans one segment's documents stand for (a case: each it cites)."""
    out = []
    for doc in range(sub.doc_count_all()):
        stored = sub.stored_fields(doc)
        is_case = stored.get(f.KIND) == "case"
        for loc in json.loads(stored.get(f.DATA) or "{}").get("locations") or ():
            if loc.get("lines") and loc.get("source"):
                out.append((doc, is_case, loc["source"], *loc["lines"]))
    return out


def citation_pairs(reader, known: dict) -> tuple[np.ndarray, np.ndarray]:
    """(case documents, passage documents) of a reader: one pair per case and passage it
    cites. `known` keeps each segment's spans by segment id (read when missing)."""
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    cited: list[tuple[int, str, int, int]] = []
    for sub, offset in reader.leaf_readers():
        key = sub.segment().segment_id()
        if key not in known:
            known[key] = segment_spans(sub)
        for doc, is_case, source, a, b in known[key]:
            if is_case:
                cited.append((doc + offset, source, a, b))
            else:
                spans[source].append((a, b, doc + offset))
    pairs = {
        (case, passage)
        for case, source, a, b in cited
        for first, last, passage in spans.get(source, ())
        if first <= b and last >= a
    }
    cases, passages = zip(*sorted(pairs), strict=True) if pairs else ((), ())
    return np.array(cases, dtype=np.int64), np.array(passages, dtype=np.int64)


def cite_lift(
    base: np.ndarray, candidates: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Each candidate's factor, 1 + CITE_WEIGHT × its best linked document's base score over
    the best base score (base: every document's, filters aside, so a filter does not change
    the order of what it keeps)."""
    cases, passages = pairs
    out = np.ones(len(candidates), dtype=np.float32)
    top = float(base.max()) if len(base) else 0.0
    if not CITE_WEIGHT or not len(cases) or top <= 0:
        return out
    best = np.zeros(len(base), dtype=np.float32)
    np.maximum.at(best, cases, base[passages])
    np.maximum.at(best, passages, base[cases])
    return out + np.float32(CITE_WEIGHT / top) * best[candidates]
