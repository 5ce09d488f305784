"""Latent topics (LSA): does a document's whole text speak of what the query speaks of?

A term-document matrix of every indexed document (cases and passages) over the stems the
index holds (the same analyser), tf-idf (log tf, idf), each document's row normalised; a
truncated SVD keeps TOPIC_DIMS dimensions. A document's topic vector is its row projected on
them; a query's is the fold-in of its clauses' stems (synonyms and compound parts as the
planner expands them). Ranking (topic_lift): among the candidates, a score times
1 + TOPIC_WEIGHT × max(0, cosine(query, document)).
"""

from __future__ import annotations

import numpy as np

from kb.search import schema as f
from kb.search.tables import read_postings

TOPIC_WEIGHT = 0.0  # 0: today's ranking
TOPIC_DIMS = 100
TERMS_WEIGHT = 0.0  # the query against each document's TOP_TERMS heaviest stems (0: off)
TOP_TERMS = 20
CLUSTER_WEIGHT = 0.0  # each candidate against the centroid of the CLUSTER_TOP best (0: off)
CLUSTER_TOP = 5
CLUSTER_LATENT = 0  # 1: the centroid in the latent space, 0: in the tf-idf space
FIELDS = tuple(f.SEARCHED)  # their stems, counted with the fields' boosts


class Topics:
    """Each document's unit topic vector and each stem's projection on the topics."""

    def __init__(self, docs: np.ndarray, terms: dict[str, int], basis: np.ndarray, idf, rows):
        self.docs, self.terms, self.basis, self.idf = docs, terms, basis, idf
        self.rows = rows  # the documents' unit tf-idf rows (sparse)
        self._tops: dict[int, object] = {}

    def top_rows(self, n: int):
        """Each document's n heaviest stems of its tf-idf row, renormalised (sparse)."""
        if n not in self._tops:
            from scipy import sparse

            x = self.rows.tocsr()
            data, ind, ptr = [], [], [0]
            for d in range(x.shape[0]):
                lo, hi = x.indptr[d], x.indptr[d + 1]
                vals, cols = x.data[lo:hi], x.indices[lo:hi]
                keep = np.argsort(-vals, kind="stable")[:n]
                v = vals[keep]
                v = v / max(float(np.linalg.norm(v)), 1e-12)
                data.append(v), ind.append(cols[keep]), ptr.append(ptr[-1] + len(keep))
            self._tops[n] = sparse.csr_matrix(
                (np.concatenate(data), np.concatenate(ind), np.array(ptr)), shape=x.shape
            )
        return self._tops[n]

    def query_terms(self, weighted: dict[str, float]) -> np.ndarray | None:
        """The unit tf-idf vector of stems with weights, in the stems' space (dense)."""
        q = np.zeros(len(self.terms), dtype=np.float64)
        for t, w in weighted.items():
            if t in self.terms:
                q[self.terms[t]] += w * self.idf[self.terms[t]]
        norm = float(np.linalg.norm(q))
        return q / norm if norm > 0 else None

    def query(self, weighted: dict[str, float]) -> np.ndarray | None:
        """The unit topic vector of stems with weights (None when the index has none)."""
        rows = [(self.terms[t], w) for t, w in weighted.items() if t in self.terms]
        if not rows:
            return None
        at = np.array([r for r, _ in rows])
        w = np.array([w for _, w in rows], dtype=np.float32) * self.idf[at]
        q = w @ self.basis[at]
        norm = float(np.linalg.norm(q))
        return q / norm if norm > 0 else None


def term_matrix(reader):
    """(documents × stems) counts with the fields' boosts, the stems, and each stem's idf."""
    from scipy import sparse

    rows, cols, vals, terms = [], [], [], {}
    for sub, offset in reader.leaf_readers():
        for name in FIELDS:
            boost = f.SEARCHED[name]
            for raw, _ in sub.iter_field(name):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                ids, tf = read_postings(sub, name, term)
                col = terms.setdefault(term, len(terms))
                rows.append(ids + offset)
                cols.append(np.full(len(ids), col))
                vals.append(boost * tf)
    size = reader.doc_count_all()
    x = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(size, len(terms)),
        dtype=np.float64,
    )
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=len(terms))
    idf = np.log(size / (df + 1.0)) + 1
    return x, terms, idf


def build(reader, dims: int = TOPIC_DIMS) -> Topics:
    """The topics of a reader's documents (a truncated SVD of their tf-idf rows)."""
    from scipy.sparse.linalg import svds

    x, terms, idf = term_matrix(reader)
    x.data = np.log1p(x.data)
    x = x.multiply(idf[None, :]).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
    x = x.multiply(1 / np.maximum(norms, 1e-12)[:, None]).tocsr()
    k = max(1, min(dims, min(x.shape) - 1))
    u, s, vt = svds(x, k=k, random_state=0)
    docs = (u * s).astype(np.float32)
    docs /= np.maximum(np.linalg.norm(docs, axis=1, keepdims=True), 1e-12)
    return Topics(docs, terms, vt.T.astype(np.float32), idf.astype(np.float32), x)


def query_stems(matches, parts_weight: float = 0.5) -> dict[str, float]:
    """The stems of a query's clauses with their weights: each clause's own words, synonyms
    and near words 1, its compound parts parts_weight, times the clause's weight."""
    out: dict[str, float] = {}
    for m in matches:
        parts = set(m.need.parts)
        for t in m.terms:
            w = m.need.weight * (parts_weight if t in parts else 1.0)
            out[t] = out.get(t, 0.0) + w
    return out


def topic_lift(topics: Topics, matches, candidates: np.ndarray) -> np.ndarray:
    """Each candidate's factor, 1 + TOPIC_WEIGHT × max(0, cos(query, document))."""
    out = np.ones(len(candidates), dtype=np.float32)
    q = topics.query(query_stems(matches)) if TOPIC_WEIGHT else None
    if q is None or not len(candidates):
        return out
    cos = topics.docs[candidates] @ q
    return out + np.float32(TOPIC_WEIGHT) * np.maximum(cos, 0)


def terms_lift(topics: Topics, matches, candidates: np.ndarray) -> np.ndarray:
    """Each candidate's factor, 1 + TERMS_WEIGHT × cos(query, its TOP_TERMS heaviest stems)."""
    out = np.ones(len(candidates), dtype=np.float32)
    q = topics.query_terms(query_stems(matches)) if TERMS_WEIGHT else None
    if q is None or not len(candidates):
        return out
    cos = topics.top_rows(TOP_TERMS)[candidates] @ q
    return out + np.float32(TERMS_WEIGHT) * np.asarray(cos, dtype=np.float32).ravel()


def cluster_lift(topics: Topics, scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Each candidate's factor, 1 + CLUSTER_WEIGHT × cos(it, the centroid of the CLUSTER_TOP
    best candidates by scores): documents that resemble the other strong candidates."""
    out = np.ones(len(candidates), dtype=np.float32)
    if not CLUSTER_WEIGHT or len(candidates) < 2:
        return out
    best = candidates[np.argsort(-scores[candidates], kind="stable")[:CLUSTER_TOP]]
    if CLUSTER_LATENT:
        c = topics.docs[best].mean(axis=0)
        cos = topics.docs[candidates] @ (c / max(float(np.linalg.norm(c)), 1e-12))
    else:
        c = np.asarray(topics.rows[best].mean(axis=0)).ravel()
        c /= max(float(np.linalg.norm(c)), 1e-12)
        cos = np.asarray(topics.rows[candidates] @ c).ravel()
    return out + np.float32(CLUSTER_WEIGHT) * np.maximum(cos, 0).astype(np.float32)
