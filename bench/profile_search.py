"""Where our query time goes on the synthetic corpus: cProfile of `Searcher.search`.

    python bench/profile_search.py --index /tmp/syn-index   # builds it the first time
    python bench/profile_search.py --index /tmp/syn-index --cases 300 --passages 1500

The corpus and the queries are bench_search.py's (the judged ones, 12 short ones, 40 drawn
from the corpus). First occurrences and repeats (result cache emptied) are profiled apart;
printed: milliseconds per query (p50/p95) and the functions with the most cumulative and own
time. The index folder is kept, so a change to the query path can be profiled again on it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import (  # noqa: E402
    EXTRA_QUERIES,
    GENERATED,
    ROOT,
    SEEDS,
    build_ours,
    generated_queries,
    pct,
    real_corpus,
    synthetic_corpus,
    uncached,
)

from indexer.progress import NullProgress  # noqa: E402
from kb.search.searcher import Searcher  # noqa: E402


def queries_and_index(args: argparse.Namespace) -> list[str]:
    """The queries; the index is built into args.index unless it is there already."""
    sys.path.insert(0, str(ROOT / "tests" / "relevance"))
    from evaluate import load_queries

    real, meta = real_corpus(args.seeds)
    docs = synthetic_corpus(real, args.cases, args.passages)
    if not (args.index / "kb_meta.json").exists():
        print(f"bygger {len(docs)} dokumenter i {args.index} …", flush=True)
        print(f"{build_ours(docs, meta, args.index, NullProgress()):.0f} s", flush=True)
    judged = [q.query for q in load_queries()] + EXTRA_QUERIES
    return judged + generated_queries(docs, GENERATED)


def profiled(searcher: Searcher, queries: list[str], label: str, top: int) -> None:
    """Run the queries once under cProfile; print times and the top functions."""
    profile, ms = cProfile.Profile(), []
    for q in queries:
        started = time.perf_counter()
        profile.runcall(uncached, searcher, q)
        ms.append((time.perf_counter() - started) * 1000)
    print(
        f"\n== {label}: {len(ms)} søk, p50 {pct(ms, 50):.1f} ms, p95 {pct(ms, 95):.1f} ms "
        "(med cProfile)"
    )
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="indeksmappe (beholdes)")
    parser.add_argument("--cases", type=int, default=10_000, help="syntetiske grep")
    parser.add_argument("--passages", type=int, default=50_000, help="syntetiske avsnitt")
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--top", type=int, default=25, help="funksjoner som vises")
    args = parser.parse_args(argv)
    queries = queries_and_index(args)
    searcher = Searcher(args.index)
    profiled(searcher, queries, "første gang", args.top)
    profiled(searcher, queries, "gjentatt (resultatbufferet tømt)", args.top)
    searcher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
