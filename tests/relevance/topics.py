"""Can a topic signal tell the good documents from the wrong ones P@5 loses to? Tuning half only.

    python -m tests.relevance.topics [--index DIR] [--dims 50 100 150 200 300] [--top 20]

The places that cost P@5 are pairs, for the same query, of a document with grade 0–1 in the top
5 and one with grade ≥ 2 at 6–20 (tests.relevance.losses). A signal that re-ranks the
candidates can only mend such a pair when it is higher for the good document. For each signal
this prints the share of the pairs where it is (0.5: a coin toss; ties count half), over all
pairs and over those where the wrong document is a case:

- lsa K: the cosine of query and document in a K-dimensional latent space (LSA: a truncated
  SVD of every document's tf-idf row over the index's stems, the query folded in);
- tfidf: the same cosine in the stems' own space;
- top N: the query against the document's N heaviest stems;
- centroid, centroid lsa K: the document against the centroid of the other top-5 documents.

Round eleven (docs/sok.md, «Ellevte runde»). The held-out half is never read here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from kb.search import schema as f
from kb.search.postings import read_postings
from kb.search.query import parse
from tests.relevance.crossval import Bench
from tests.relevance.engines import load_corpus, our_searcher
from tests.relevance.evaluate import SEEDS
from tests.relevance.judged import load_grades, tuning_queries

DEPTH = 20
PARTS_WEIGHT = 0.5  # a compound part's weight in the query vector (engine.PARTS_BOOST)


def term_matrix(reader) -> tuple[np.ndarray, dict[str, int], np.ndarray]:
    """Every document's unit tf-idf row (log tf, idf) over the searched fields' stems, each
    field's counts times its boost; the stems' columns; their idf."""
    terms: dict[str, int] = {}
    cells = []
    for sub, offset in reader.leaf_readers():
        for name, boost in f.SEARCHED.items():
            for raw, _ in sub.iter_field(name):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                ids, tf = read_postings(sub, name, term)
                cells.append((ids + offset, terms.setdefault(term, len(terms)), boost * tf))
    x = np.zeros((reader.doc_count_all(), len(terms)), dtype=np.float64)
    for ids, col, counts in cells:
        x[ids, col] += counts
    idf = np.log(len(x) / ((x > 0).sum(axis=0) + 1.0)) + 1
    x = np.log1p(x) * idf
    return unit(x), terms, idf


def lsa(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents' unit vectors in k latent dimensions, and the stems' projection on them
    (x ≈ U S Vᵀ from the eigenvectors of x xᵀ: the documents are far fewer than the stems)."""
    values, vectors = np.linalg.eigh(x @ x.T)
    keep = np.argsort(-values)[:k]
    s = np.sqrt(np.maximum(values[keep], 1e-12))
    u = vectors[:, keep]
    return unit(u * s), x.T @ (u / s)


def unit(x: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def query_vector(engine, needs, terms: dict[str, int], idf: np.ndarray) -> np.ndarray:
    """The query's unit tf-idf vector: each clause's stems as the engine matches them (own
    words, synonyms, near words; compound parts at PARTS_WEIGHT), times the clause's weight."""
    q = np.zeros(len(terms))
    for need in needs:
        parts = set(need.parts)
        for t in engine.need_match(need).terms:
            if t in terms:
                w = need.weight * (PARTS_WEIGHT if t in parts else 1.0)
                q[terms[t]] += w * idf[terms[t]]
    return unit(q)


def top_stems(x: np.ndarray, n: int) -> np.ndarray:
    """Each row with only its n largest values kept, renormalised."""
    out = np.zeros_like(x)
    keep = np.argsort(-x, axis=1, kind="stable")[:, :n]
    rows = np.arange(len(x))[:, None]
    out[rows, keep] = x[rows, keep]
    return unit(out)


def pair_share(signal: np.ndarray, bad: list[int], good: list[int]) -> list[float]:
    """Per (bad, good) pair: 1 when the signal is higher for the good one, ½ on a tie."""
    return [
        float(signal[g] > signal[b]) + 0.5 * float(signal[g] == signal[b])
        for b in bad
        for g in good
    ]


def signals(docs: np.ndarray, q: np.ndarray, spaces: dict) -> dict[str, np.ndarray]:
    """Every signal for one query's documents (rows of docs, best first): name -> values."""
    out = {}
    for name, (rows, basis) in spaces.items():
        v = q if basis is None else unit(q @ basis)
        out[name] = rows[docs] @ v
    return out


def centroids(docs: np.ndarray, bad: int, spaces: dict) -> dict[str, np.ndarray]:
    """Per space, each document against the centroid of the top 5 but the wrong one."""
    others = [d for i, d in enumerate(docs[:5]) if i != bad]
    return {
        f"centroid {name}".strip(): rows[docs] @ unit(rows[others].mean(axis=0))
        for name, rows in spaces.items()
    }


class Loss(NamedTuple):
    """A query that loses P@5 to a pair: its hits to DEPTH, their grades, the places of the
    grade 0–1 hits in the top 5 (bad) and of the grade ≥ 2 hits at 6–DEPTH (good), and the
    concepts the planner needs."""

    query: str
    hits: list[dict]
    grade: list[int]
    bad: list[int]
    good: list[int]
    needs: list


def losses(bench: Bench) -> Iterator[Loss]:
    """The bench's queries that have both a bad hit in the top 5 and a good one below it."""
    searcher = bench.searcher
    for q, g in zip(bench.queries, bench.grades, strict=True):
        hits = searcher.search(q, limit=DEPTH)["hits"]
        grade = [g.get(bench.key_of[h["id"]], 0) for h in hits]
        bad = [i for i in range(min(5, len(hits))) if grade[i] <= 1]
        good = [i for i in range(5, len(hits)) if grade[i] >= 2]
        if bad and good:
            needs = searcher.planner.plan(parse(q, searcher.analysis, 500)).needs
            yield Loss(q, hits, grade, bad, good, needs)


def main(argv: list[str] | None = None) -> int:
    """Command line (tuning half only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--dims", type=int, nargs="*", default=[50, 100, 150, 200, 300])
    parser.add_argument("--top", type=int, default=20, help="N for «top N»")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.seeds)
    with tempfile.TemporaryDirectory() as tmp:
        queries = tuning_queries()
        searcher = our_searcher(corpus, args.index or Path(tmp) / "ours")
        bench = Bench(searcher, corpus.key_of, queries, load_grades())
        engine = searcher.engine
        x, terms, idf = term_matrix(engine.reader)
        latent = {k: lsa(x, k) for k in args.dims}
        spaces = {"tfidf": (x, None), f"top {args.top}": (top_stems(x, args.top), None)}
        spaces |= {f"lsa {k}": (d, basis) for k, (d, basis) in latent.items()}
        rows_of = {"": x} | {f"lsa {k}": d for k, (d, _) in latent.items()}
        shares: dict[str, list[float]] = {}
        for loss in losses(bench):
            hits, bad, good = loss.hits, loss.bad, loss.good
            docs = np.array([engine.searcher.document_number(id=h["id"]) for h in hits])
            vector = query_vector(engine, loss.needs, terms, idf)
            for name, values in signals(docs, vector, spaces).items():
                for b in bad:
                    _add(shares, name, pair_share(values, [b], good), hits[b]["kind"])
            for b in bad:
                for name, values in centroids(docs, b, rows_of).items():
                    _add(shares, name, pair_share(values, [b], good), hits[b]["kind"])
        print(f"{len(queries)} spørsmål (justering); par: karakter 0–1 i topp 5, ≥ 2 på 6–{DEPTH}")
        for name, values in shares.items():
            print(f"{name:30} {len(values):4} par  det gode høyere: {np.mean(values):.3f}")
    return 0


def _add(shares: dict, name: str, values: list[float], kind: str) -> None:
    shares.setdefault(name, []).extend(values)
    if kind == "case":
        shares.setdefault(f"{name} (feil: grep)", []).extend(values)


if __name__ == "__main__":
    sys.exit(main())
