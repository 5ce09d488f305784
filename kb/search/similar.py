"""«Lignende grep»: a case's key terms without analysing its text again for every page.

The key terms are Whoosh's (`Searcher.key_terms_from_text` with its Bo1 model, on the case's
title, summary and text): each term of the case scored by its weight in the case and its
weight in the whole index's text field, the best KEY_TERMS kept. Analysing the case's text
was most of the cost of a case page (~15 ms), and the build has already analysed it. So the
build stores, per segment (SIMILAR_DIR/<segment>/, memory-mapped), each case's term weights
(its title's, summary's and text's analyses summed: what the analysis of the three joined
gives) and each of those terms' weight in the segment's text field. A one-case update stores
its new segment's weights (store_new); a case in a segment without them is analysed as before.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.search import schema as f
from kb.search.folders import drop_unused, store_folder

SIMILAR_DIR = "kb_similar"
FORMAT = 1  # bump when the files change shape: older folders are then ignored
KEY_TERMS = 12  # terms a case's «Lignende grep» are searched with
FIELDS = (f.TITLE, f.SUMMARY, f.TEXT_FIELD)  # the case's text the key terms come from
log = logging.getLogger(__name__)


@dataclass
class SegmentWeights:
    """One segment's case term weights, cases numbered from 0 within the segment."""

    docs: np.ndarray  # int64, sorted: the segment's cases
    starts: np.ndarray  # int64: docs[i]'s terms are ids[starts[i]:starts[i + 1]]
    ids: np.ndarray  # int32: into terms
    weights: np.ndarray  # float32: the term's weight in the case (halves: exact in float32)
    terms: list[str]
    text_weights: np.ndarray  # float64: each term's weight in the segment's text field


def case_weights(schema, analysed: dict[str, list]) -> dict[str, float]:
    """A case's term weights from its fields' analyses (as Whoosh's field.index gives them,
    each field's boost taken out: the weights of the text field's analysis)."""
    out: dict[str, float] = {}
    for name in FIELDS:
        boost = schema[name].format.field_boost
        for tbytes, _freq, weight, _value in analysed.get(name, ()):
            term = tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes
            out[term] = out.get(term, 0.0) + weight / boost
    return out


def analysed_weights(schema, stored: dict) -> dict[str, float]:
    """A case's term weights from its stored fields, analysed now (the slow way)."""
    analysed = {name: list(schema[name].index(stored[name])) for name in FIELDS if stored.get(name)}
    return case_weights(schema, analysed)


def key_terms(
    terms: list[str], weights, text_weights, doc_count: int, number: int = KEY_TERMS
) -> list[str]:
    """The best `number` terms by Whoosh's Bo1Model.score, ties by term (as Expander sorts).

    text_weights[i] is the term's weight in the index's text field (Whoosh's
    reader.frequency); a term not in that field is left out, as Whoosh leaves it.
    """
    scored = []
    for term, weight, total in zip(terms, weights, text_weights, strict=True):
        if total:
            fr = float(total) / doc_count
            score = float(weight) * math.log((1.0 + fr) / fr, 2) + math.log(1.0 + fr, 2)
            scored.append((-score, term))
    scored.sort()
    return [term for _, term in scored[:number]]


def case_key_terms(reader, docnum: int, index_dir: Path | None, known: dict) -> list[str]:
    """A case's key terms in the reader: from the stored weights of its segment, or analysed.

    `known` holds the segments' weights already loaded by this process (by folder name); it is
    updated to hold the reader's segments only.
    """
    leaves = reader.leaf_readers()
    sub, offset = next((s, o) for s, o in reversed(leaves) if o <= docnum)
    names = {_name(s) for s, _ in leaves}
    for name in set(known) - names:
        del known[name]
    name = _name(sub)
    if name not in known:
        known[name] = _read(Path(index_dir) / SIMILAR_DIR / name) if index_dir else None
    found = known[name]
    local = docnum - offset
    i = int(np.searchsorted(found.docs, local)) if found is not None else 0
    if found is not None and i < len(found.docs) and found.docs[i] == local:
        ids = np.asarray(found.ids[found.starts[i] : found.starts[i + 1]])
        terms = [found.terms[j] for j in ids.tolist()]
        weights = found.weights[found.starts[i] : found.starts[i + 1]].tolist()
        totals = found.text_weights[ids].tolist()
        others = [s for s, _ in leaves if s is not sub]
    else:  # no stored weights for this segment: analyse the case as Whoosh would
        weights_by_term = analysed_weights(reader.schema, reader.stored_fields(docnum))
        terms, weights = list(weights_by_term), list(weights_by_term.values())
        totals, others = [0.0] * len(terms), [s for s, _ in leaves]
    for other in others:  # Whoosh's frequency on several segments: the sum of theirs
        more = [other.frequency(f.TEXT_FIELD, term) for term in terms]
        totals = [t + m for t, m in zip(totals, more, strict=True)]
    return key_terms(terms, weights, totals, reader.doc_count_all())


def segment_weights(sub, by_doc: dict[int, dict[str, float]]) -> SegmentWeights:
    """The arrays of a segment's cases (their term weights by local document number)."""
    docs = sorted(by_doc)
    vocabulary: dict[str, int] = {}
    ids, weights, starts = [], [], [0]
    for d in docs:
        for term, weight in by_doc[d].items():
            ids.append(vocabulary.setdefault(term, len(vocabulary)))
            weights.append(weight)
        starts.append(len(ids))
    terms = list(vocabulary)
    text = np.array([sub.frequency(f.TEXT_FIELD, t) for t in terms], dtype=np.float64)
    return SegmentWeights(
        np.array(docs, dtype=np.int64),
        np.array(starts, dtype=np.int64),
        np.array(ids, dtype=np.int32),
        np.array(weights, dtype=np.float32),
        terms,
        text,
    )


def compute(sub) -> SegmentWeights:
    """A segment's case weights, its cases analysed from their stored fields."""
    cases = sorted(sub.postings(f.KIND, "case").all_ids()) if (f.KIND, "case") in sub else []
    live = [d for d in cases if not sub.is_deleted(d)]
    return segment_weights(
        sub, {d: analysed_weights(sub.schema, sub.stored_fields(d)) for d in live}
    )


def store(index_dir: Path, sub, weights: SegmentWeights) -> None:
    """Write a segment's arrays into place (a read-only index folder: the cases are analysed
    instead)."""

    def write(tmp: Path) -> None:
        for name in ("docs", "starts", "ids", "weights", "text_weights"):
            np.save(tmp / f"{name}.npy", getattr(weights, name))
        (tmp / "terms.json").write_text(json.dumps(weights.terms, ensure_ascii=False), "utf-8")

    store_folder(Path(index_dir) / SIMILAR_DIR / _name(sub), write, "vektene")


def store_new(index_dir: Path, reader) -> None:
    """Compute and store the case weights of the reader's segments that have none (after
    `kb index --case`: the new segment, and any merged one)."""
    for sub, _ in reader.leaf_readers():
        if not (Path(index_dir) / SIMILAR_DIR / _name(sub)).is_dir():
            store(index_dir, sub, compute(sub))


def remove_unused(index_dir: Path, reader) -> None:
    """Drop the stored weights of segments the index no longer has (after a merge)."""
    drop_unused(Path(index_dir) / SIMILAR_DIR, {_name(sub) for sub, _ in reader.leaf_readers()})


def _read(folder: Path) -> SegmentWeights | None:
    """A segment's arrays from its folder, memory-mapped (None: none stored, or unreadable)."""
    if not folder.is_dir():
        return None
    try:
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r")
            for name in ("docs", "starts", "ids", "weights", "text_weights")
        }
        terms = json.loads((folder / "terms.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("Vektene i %s kan ikke leses (%s); grepene analyseres.", folder, exc)
        return None
    return SegmentWeights(terms=terms, **arrays)


def _name(sub) -> str:
    return f"{sub.segment().segment_id()}-{FORMAT}"
