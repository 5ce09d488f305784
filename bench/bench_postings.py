"""CPU of reading one term's postings: kb.search.postings against Whoosh's matcher.

    python bench/bench_postings.py --index /tmp/real
    python bench/bench_postings.py --index /tmp/real --terms 5000 --rounds 5

Each round opens the index afresh (a term read once per process is what a new query pays)
and reads a sample of the searched fields' terms both ways, which one first alternating:
the documents and weights with the encoded positions kept (postings.read_postings, as the
engine reads them), and, for the terms in more than one block (128 documents), the positions
of 60 random documents (positional.segment_positions, as the proximity lift reads its
candidates'). Both ways must give the same arrays. Printed: µs per term, median of rounds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.search import arrays, mapped, positional, postings  # noqa: E402

CANDIDATES = 60  # documents whose positions are read, as proximity.CHECKED
BLOCK = 128  # postings in a whoosh3 block: positions are read for terms in more than one


def timed(read, sample: list) -> tuple[float, list]:
    """µs of process time per call of read over the sample, and what it gave."""
    start = time.process_time()
    out = [read(*args) for args in sample]
    return (time.process_time() - start) / max(len(sample), 1) * 1e6, out


def one_way(index: Path, n: int, seed: int, lean: bool) -> tuple:
    """(µs, results) of the postings and of the positions, read one way from a fresh reader."""
    from whoosh import index as whoosh_index

    real = postings.lean_reader
    if not lean:  # kb.search.postings switched off: Whoosh's matcher reads them
        postings.lean_reader = lambda sub: None
    try:
        reader = whoosh_index.open_dir(str(index)).reader()
        sub = reader.leaf_readers()[0][0]
        terms = [
            (name, raw.decode("utf-8"), info.doc_frequency())
            for name in arrays.LENGTH_FIELDS
            for raw, info in sub.iter_field(name)
        ]
        picked = random.Random(seed).sample(terms, min(n, len(terms)))
        scores = timed(
            lambda name, term: postings.read_postings(sub, name, term, {}),
            [(name, term) for name, term, _ in picked],
        )
        rng = np.random.default_rng(seed)
        wanted = [
            (name, term, np.unique(rng.integers(0, sub.doc_count_all(), CANDIDATES)))
            for name, term, df in terms
            if df > BLOCK
        ]
        positions = timed(
            lambda name, term, docs: list(positional.segment_positions(sub, name, term, docs)),
            wanted,
        )
        reader.close()
        return scores, positions
    finally:
        postings.lean_reader = real


def same(a: tuple, b: tuple) -> bool:
    """Whether two ways read the same postings and positions."""
    pairs = zip(a[0][1], b[0][1], strict=True)
    return all(np.array_equal(x[0], y[0]) and np.array_equal(x[1], y[1]) for x, y in pairs) and (
        a[1][1] == b[1][1]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="en ferdig indeks")
    parser.add_argument("--terms", type=int, default=3000, help="ord per runde")
    parser.add_argument("--rounds", type=int, default=5, help="runder, hver med nye lesere")
    args = parser.parse_args()
    mapped.install()
    times: dict[bool, list] = {True: [], False: []}
    for k in range(args.rounds):
        ways = (True, False) if k % 2 == 0 else (False, True)
        got = {lean: one_way(args.index, args.terms, k, lean) for lean in ways}
        if not same(got[True], got[False]):
            raise SystemExit(f"runde {k + 1}: de to måtene gir ulike postlister")
        for lean, (scores, positions) in got.items():
            times[lean].append((scores[0], positions[0]))
        print(f"runde {k + 1}: {len(got[True][0][1])} ord, {len(got[True][1][1])} hyppige: like")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"belastning {load}; mikrosekunder prosessortid per ord, median av rundene:")
    for i, what in enumerate(("postlister med posisjoner", "posisjoner, hyppige ord")):
        lean, whoosh = (statistics.median(t[i] for t in times[w]) for w in (True, False))
        ratio = lean / whoosh
        print(f"  {what:26} Whoosh {whoosh:7.1f}  kb.search.postings {lean:7.1f}  ({ratio:.2f}×)")


if __name__ == "__main__":
    main()
