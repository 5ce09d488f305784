"""Index build throughput and query latency: our Whoosh index against SQLite FTS5, same text.

    python bench/bench_search.py                       # real corpus + 10 000 cases, 50 000 passages
    python bench/bench_search.py --cases 500 --passages 2000   # a quick run

Both engines index the same documents (cases and report passages) and answer the same queries,
in the same run; the ratios ours/FTS5 are printed. Our latency is the whole `Searcher.search`
(parsing, synonyms, typo check, ranking, total, facet counts, snippets); FTS5 does ranked top 10
with snippets plus a count. A breakdown shows where our time goes.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.build import collect_passages, documents, index_meta, write_index  # noqa: E402
from indexer.progress import NullProgress, Progress  # noqa: E402
from kb.content.loader import load_content  # noqa: E402
from kb.search import schema as f  # noqa: E402
from kb.search.analysis import STOP_WORDS, NorwegianAnalysis  # noqa: E402
from kb.search.searcher import Searcher  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
EXTRA_QUERIES = [
    "bolig",
    "startlån",
    "barnefattigdom",
    "Fylkesmannen",
    "samarbeid NAV kommune",
    "bosetting av flyktninger",
    "levekår",
    "tjenestedesign",
    "statsforvaltern",
    '"leie til eie"',
    "kommunal bolig for barnefamilier",
    "økt innovasjon",
]
FTS_COLUMNS = (f.TITLE, f.SUMMARY, f.TAGS, f.TEXT_FIELD)


def real_corpus(seeds: Path) -> tuple[list[dict], tuple[dict, NorwegianAnalysis]]:
    """The real cases and report passages as index documents, the index meta and analysis."""
    from indexer.build import BuildStats

    content = load_content(ROOT / "content", source_dirs=(seeds,))
    passages = collect_passages(content, (seeds,), NullProgress(), []) if seeds.is_dir() else {}
    stats = BuildStats(len(content.cases), sum(map(len, passages.values())), len(passages))
    analysis = NorwegianAnalysis.from_content(content.ctx.root)
    return list(documents(content, passages)), (index_meta(content, stats, analysis), analysis)


def synthetic_corpus(real: list[dict], cases: int, passages: int, seed: int = 7) -> list[dict]:
    """Cases and passages made by recombining the real sentences, facets and headings."""
    rng = random.Random(seed)
    sentences = [
        s for d in real for s in re.split(r"(?<=[.!?])\s+", d[f.TEXT_FIELD]) if len(s) > 30
    ]
    case_docs = [d for d in real if d[f.KIND] == "case"] or [real[0]]
    passage_docs = [d for d in real if d[f.KIND] == "passage"] or [real[0]]

    def text(n: int) -> str:
        return " ".join(rng.choices(sentences, k=n))

    out = []
    for i in range(cases):
        doc = dict(rng.choice(case_docs))
        doc.update(
            {
                f.ID_FIELD: f"syn-grep-{i}",
                f.PATH: f"grep/syn-{i}.md",
                f.TITLE: rng.choice(case_docs)[f.TITLE] + f" {i}",
                f.SUMMARY: text(2),
                f.TEXT_FIELD: text(rng.randint(12, 30)),
                f.SORT_TITLE: f"syn {i}",
            }
        )
        doc[f.SPELL] = doc[f.TEXT_FIELD]
        for facet in (f.THEMES, f.KOMMUNE, f.ACTORS):
            doc[facet] = rng.choice(case_docs)[facet]
        out.append(doc)
    for i in range(passages):
        doc = dict(rng.choice(passage_docs))
        body = text(rng.randint(3, 9))
        doc.update(
            {
                f.ID_FIELD: f"syn-avsnitt-{i}",
                f.TEXT_FIELD: body,
                f.SPELL: body,
                f.REPAIRED: "",
                f.ORDER: i,
            }
        )
        out.append(doc)
    return out


def build_ours(
    docs: list[dict], meta: tuple[dict, NorwegianAnalysis], folder: Path, progress
) -> float:
    """Seconds to build our index of the documents."""
    started = time.perf_counter()
    write_index(iter(docs), len(docs), folder, progress, *meta)
    return time.perf_counter() - started


def build_fts(docs: list[dict], path: Path) -> tuple[sqlite3.Connection, float]:
    """Seconds to build an FTS5 index of the same text (unicode61, æ/ø/å kept)."""
    db = sqlite3.connect(path)
    started = time.perf_counter()
    cols = ", ".join(FTS_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, {cols}, "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    rows = ((d[f.ID_FIELD], d[f.KIND], *(d.get(c) or "" for c in FTS_COLUMNS)) for d in docs)
    db.executemany(f"INSERT INTO docs VALUES (?, ?, {', '.join('?' * len(FTS_COLUMNS))})", rows)
    db.commit()
    return db, time.perf_counter() - started


def fts_search(db: sqlite3.Connection) -> Callable[[str], object]:
    """Ranked top 10 with snippets and a total, any word matching (as ours ranks)."""

    def run(query: str):
        # the same stop words as ours drop: otherwise «av», «for», «i» match nearly everything
        words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOP_WORDS]
        match = " OR ".join(f'"{w}"' for w in words) or '""'
        top = db.execute(
            "SELECT id, snippet(docs, 5, '<mark>', '</mark>', '…', 16) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs, 0, 0, 3.0, 2.0, 1.5, 1.0) "
            "LIMIT 10",
            (match,),
        ).fetchall()
        total = db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()
        return top, total

    return run


def uncached(searcher: Searcher, query: str) -> dict:
    """A search without the remembered results (FTS5 has no result cache either)."""
    searcher._results.clear()
    return searcher.search(query, limit=10)


def latencies(search: Callable[[str], object], queries: list[str], rounds: int):
    """Milliseconds per query: the first (cold) pass, and the later (warm) passes."""
    cold, warm = [], []
    for i in range(rounds + 1):
        for q in queries:
            started = time.perf_counter()
            search(q)
            (cold if i == 0 else warm).append((time.perf_counter() - started) * 1000)
    return cold, warm


def breakdown(searcher: Searcher, queries: list[str]) -> dict[str, float]:
    """Mean milliseconds of each stage of our search, measured stage by stage."""
    import numpy as np

    from kb.search.hits import to_hit
    from kb.search.query import parse

    stages = dict.fromkeys(("plan", "rank", "top 10", "facets", "hits+snippets"), 0.0)
    s = searcher._fresh()
    allowed = np.ones(searcher.engine.size, dtype=bool)
    for q in queries:
        t0 = time.perf_counter()
        plan = searcher.planner.plan(parse(q, searcher.analysis, 500))
        t1 = time.perf_counter()
        ranking = searcher.rank(plan.needs, allowed)
        t2 = time.perf_counter()
        top = ranking.top(10)
        t3 = time.perf_counter()
        searcher.facets.count(ranking.matched)
        t4 = time.perf_counter()
        [to_hit(s.stored_fields(int(d)), 0.0, ranking.terms, searcher.analysis) for d in top]
        t5 = time.perf_counter()
        for key, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            stages[key] += dt * 1000 / len(queries)
    return stages


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0–100)."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def bench(
    name: str,
    docs: list[dict],
    meta: tuple[dict, NorwegianAnalysis],
    queries: list[str],
    rounds: int,
    progress,
) -> dict:
    """Build both engines over the documents and time the queries; print and return figures."""
    words = sum(len(str(d.get(c) or "").split()) for d in docs for c in FTS_COLUMNS)
    with tempfile.TemporaryDirectory() as tmp:
        ours_s = build_ours(docs, meta, Path(tmp) / "index", progress)
        db, fts_s = build_fts(docs, Path(tmp) / "fts.db")
        started = time.perf_counter()
        searcher = Searcher(Path(tmp) / "index")
        open_s = time.perf_counter() - started
        ours_cold, ours_ms = latencies(lambda q: uncached(searcher, q), queries, rounds)
        fts_cold, fts_ms = latencies(fts_search(db), queries, rounds)
        stages = breakdown(searcher, queries)
        searcher.close()
        db.close()
    out = {
        "docs": len(docs),
        "words": words,
        "ours_s": ours_s,
        "fts_s": fts_s,
        "open_s": open_s,
        "stages": stages,
    }
    for engine, cold, warm in (("ours", ours_cold, ours_ms), ("fts", fts_cold, fts_ms)):
        for p in (50, 95):
            out[f"{engine}_p{p}"], out[f"{engine}_cold_p{p}"] = pct(warm, p), pct(cold, p)
    print_figures(name, out)
    return out


def print_figures(name: str, r: dict) -> None:
    """One block of figures with the ratios."""
    print(f"\n== {name}: {r['docs']:,} dokumenter, {r['words']:,} ord".replace(",", " "))
    print(
        f"bygging   ours {r['ours_s']:8.1f} s ({r['docs'] / r['ours_s']:8.0f} dok/s)   "
        f"FTS5 {r['fts_s']:6.2f} s ({r['docs'] / r['fts_s']:8.0f} dok/s)   "
        f"ours/FTS5 {r['ours_s'] / r['fts_s']:6.1f}×"
    )
    for p in ("p50", "p95"):
        print(
            f"søk {p}   ours {r['ours_' + p]:8.1f} ms   FTS5 {r['fts_' + p]:8.2f} ms   "
            f"ours/FTS5 {r['ours_' + p] / r['fts_' + p]:6.1f}×   (første gang: ours "
            f"{r['ours_cold_' + p]:.1f} ms, FTS5 {r['fts_cold_' + p]:.2f} ms)"
        )
    print(f"åpne søkeren (tabeller for lengder, fasetter, sortering): {r['open_s']:.2f} s")
    print(
        "hvor tiden går (ms, snitt): " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
    )


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="syntetiske grep")
    parser.add_argument("--passages", type=int, default=50_000, help="syntetiske avsnitt")
    parser.add_argument("--rounds", type=int, default=3, help="ganger hvert søk måles")
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--no-real", action="store_true", help="hopp over det ekte korpuset")
    parser.add_argument("--quick", action="store_true", help="300 grep + 1 500 avsnitt, 1 runde")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases, args.passages, args.rounds = 300, 1_500, 1
    sys.path.insert(0, str(ROOT / "tests" / "relevance"))
    from evaluate import load_queries

    queries = [q.query for q in load_queries()] + EXTRA_QUERIES
    real, meta = real_corpus(args.seeds)
    progress = Progress() if sys.stderr.isatty() else NullProgress()
    if not args.no_real:
        bench("ekte korpus", real, meta, queries, args.rounds, progress)
    if args.cases or args.passages:
        synthetic = synthetic_corpus(real, args.cases, args.passages)
        bench(
            f"syntetisk ({args.cases} grep + {args.passages} avsnitt)",
            synthetic,
            meta,
            queries,
            max(1, args.rounds - 2),
            progress,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
