"""Benchmark `kb index`: wall time, peak memory and where the time goes, with and without the
analysis cache, with and without worker processes, against SQLite FTS5 over the same documents.

    python bench/bench_index.py                  # real content + 10 000 cases, 50 000 passages
    python bench/bench_index.py --quick          # real content + 500 cases, 2 500 passages
    python bench/bench_index.py --no-synthetic   # the real content only

Every build runs in a fresh process (so loading wordfreq and the extraction count, as in
`kb index`), in the same run, into the same folder: without the cache, with an empty cache
(it fills), with the full cache (nothing changed), and with the analysis in 2 worker processes.
The real content goes through `build_index` (extraction included); the synthetic corpus (real
sentences with a vocabulary that grows with its size, stored text = indexed text) goes through
`write_index`, so its figures are analysis + writer + commit.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.analysis_cache import cache_path  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
RUNS = (  # label, options
    ("uten hurtigbuffer", {"cache": False, "workers": 1}),
    ("tom hurtigbuffer", {"cache": True, "workers": 1}),
    ("full hurtigbuffer", {"cache": True, "workers": 1}),
    ("uten, 2 prosesser", {"cache": False, "workers": 2}),
)
SUFFIXES = ("a", "e", "en", "er", "et", "ing", "skap", "heit", "lag", "verk", "tak", "bo")


def real_build(index_dir: Path, options: dict) -> dict:
    """`kb index` on the bundled content and the seeds: stages in seconds."""
    from indexer.build import build_index
    from kb.content.loader import load_content

    started = time.perf_counter()
    content = load_content(ROOT / "content", source_dirs=(SEEDS,) if SEEDS.is_dir() else ())
    loaded = time.perf_counter() - started
    stats = build_index(content, index_dir, (SEEDS,) if SEEDS.is_dir() else (), **options)
    wall = time.perf_counter() - started
    stages = {"vegg": wall, "innlesing": loaded, **stats.stages}
    return {**stages, "docs": stats.cases + stats.passages}, stats.write


def grown_word(word: str, rng: random.Random, n: int) -> str:
    """A new word made from a real one: vocabulary grows with the corpus (about √n new words)."""
    k = rng.randrange(max(1, int(n**0.5)))
    return word + SUFFIXES[k % len(SUFFIXES)] + (str(k // len(SUFFIXES)) if k >= 12 else "")


def synthetic_docs(cases: int, passages: int, seed: int = 7) -> list[dict]:
    """Cases and passages from the real sentences, 1 word in 12 a grown word."""
    from indexer.build import collect_passages, documents
    from indexer.progress import NullProgress
    from kb.content.loader import load_content
    from kb.search import schema as f

    content = load_content(ROOT / "content", source_dirs=(SEEDS,) if SEEDS.is_dir() else ())
    by_source = collect_passages(content, (SEEDS,), NullProgress(), []) if SEEDS.is_dir() else {}
    real = list(documents(content, by_source))
    rng = random.Random(seed)
    sentences = [
        s for d in real for s in re.split(r"(?<=[.!?])\s+", d[f.TEXT_FIELD]) if len(s) > 30
    ]
    total = cases + passages

    def text(n: int) -> str:
        words = " ".join(rng.choices(sentences, k=n)).split()
        return " ".join(grown_word(w, rng, total) if rng.random() < 1 / 12 else w for w in words)

    out = []
    for i in range(total):
        kind = "case" if i < cases else "passage"
        doc = dict(rng.choice([d for d in real[:200] if d[f.KIND] == kind] or real))
        body = text(rng.randint(12, 30) if kind == "case" else rng.randint(3, 9))
        doc.update({f.ID_FIELD: f"syn-{i}", f.TEXT_FIELD: body, f.SPELL: body, f.ORDER: i})
        doc.pop("_stored_" + f.TEXT_FIELD, None)  # stored text = the text indexed
        if kind == "case":
            doc.update({f.PATH: f"grep/syn-{i}.md", f.SUMMARY: text(2), f.SORT_TITLE: f"syn {i}"})
        else:
            doc[f.REPAIRED] = ""
        out.append(doc)
    return out


def synthetic_build(index_dir: Path, options: dict, cases: int, passages: int) -> tuple:
    """Analysis, writer and commit over the synthetic documents (made before the clock runs)."""
    from indexer.build import BuildStats, build_cache, index_meta, write_index
    from indexer.progress import NullProgress
    from kb.content.loader import load_content
    from kb.search.analysis import NorwegianAnalysis

    docs = synthetic_docs(cases, passages)
    started = time.perf_counter()
    analysis = NorwegianAnalysis.from_content(ROOT / "content")
    setup = time.perf_counter() - started
    meta = index_meta(load_content(ROOT / "content"), BuildStats(), analysis)
    cache = build_cache(index_dir, analysis, meta["build"]) if options["cache"] else None
    times = write_index(
        iter(docs),
        len(docs),
        index_dir,
        NullProgress(),
        meta,
        analysis,
        None,
        cache,
        options["workers"],
    )
    wall = time.perf_counter() - started
    return {"vegg": wall, "analyseoppsett": setup, "docs": len(docs)}, times


def child(args: argparse.Namespace) -> None:
    """One build in this process; prints its figures as JSON."""
    options = json.loads(args.child)
    if args.cases or args.passages:
        stages, times = synthetic_build(args.index, options, args.cases, args.passages)
    else:
        stages, times = real_build(args.index, options)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "wall": stages.pop("vegg"),
                "rss_mb": rss,
                "workers_rss_mb": workers_rss,
                **stages,
                "analyse": times.analysis,
                "skriver": times.writer,
                "commit": times.commit,
                "analysert": times.analysed,
                "fra_buffer": times.cached,
            }
        )
    )


def run_child(index_dir: Path, options: dict, cases: int, passages: int) -> dict:
    """One build in a fresh process."""
    command = [sys.executable, __file__, "--child", json.dumps(options), "--index", str(index_dir)]
    command += ["--cases", str(cases), "--passages", str(passages)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def fts5_seconds(cases: int, passages: int) -> tuple[float, int]:
    """Seconds to build an FTS5 table over the same text fields (unicode61, æ/ø/å kept)."""
    from kb.search import schema as f

    if cases or passages:
        docs = synthetic_docs(cases, passages)
    else:
        from indexer.build import collect_passages, documents
        from indexer.progress import NullProgress
        from kb.content.loader import load_content

        content = load_content(ROOT / "content", source_dirs=(SEEDS,))
        docs = list(documents(content, collect_passages(content, (SEEDS,), NullProgress(), [])))
    columns = (f.TITLE, f.SUMMARY, f.TAGS, f.TEXT_FIELD, f.SPELL)
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "fts.db")
        started = time.perf_counter()
        db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, data UNINDEXED, "
            f"{', '.join(columns)}, tokenize='unicode61 remove_diacritics 0')"
        )
        rows = ((d[f.ID_FIELD], d[f.DATA], *(str(d.get(c) or "") for c in columns)) for d in docs)
        db.executemany(f"INSERT INTO docs VALUES (?, ?, {', '.join('?' * len(columns))})", rows)
        db.commit()
        seconds = time.perf_counter() - started
        db.close()
    return seconds, len(docs)


def best_of(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """For each run, the round with the shortest wall time (the least disturbed by load)."""
    return {name: min((r[name] for r in rounds), key=lambda x: x["wall"]) for name in rounds[0]}


def bench(label: str, cases: int, passages: int, repeat: int) -> None:
    """All the runs over one corpus, `repeat` rounds in one folder; prints the best of each."""
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== {label} (belastning {load})", flush=True)
    print(
        f"{'kjøring':<20} {'vegg s':>7} {'RSS MB':>7} {'arb. MB':>7}  innlesing "
        "analyseoppsett uttrekk analyse skriver commit  (analysert/fra buffer)"
    )
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        for _ in range(repeat):
            cache_path(index_dir).unlink(missing_ok=True)  # «tom» starts from nothing
            rounds.append({n: run_child(index_dir, o, cases, passages) for n, o in RUNS})
    figures = best_of(rounds)
    print(f"(beste av {repeat} runder, kjøringene vekselvis)")
    for name, r in figures.items():
        print(
            f"{name:<20} {r['wall']:7.1f} {r['rss_mb']:7.0f} {r['workers_rss_mb']:7.0f}  "
            f"{r.get('innlesing', 0):9.1f} {r.get('analyseoppsett', 0):14.1f} "
            f"{r.get('uttrekk', 0):7.1f} "
            f"{r['analyse']:7.1f} {r['skriver']:7.1f} {r['commit']:6.1f}  "
            f"({r['analysert']}/{r['fra_buffer']})",
            flush=True,
        )
    fts, docs = fts5_seconds(cases, passages)
    base = figures["uten hurtigbuffer"]["wall"]
    for name in ("full hurtigbuffer", "uten, 2 prosesser"):
        print(f"{name} mot uten hurtigbuffer: {figures[name]['wall'] / base:.2f}×")
    print(f"FTS5 bygger de samme {docs} dokumentene på {fts:.2f} s.")
    for name in ("uten hurtigbuffer", "full hurtigbuffer"):
        r = figures[name]
        engine = r["analyse"] + r["skriver"] + r["commit"]
        print(
            f"  vår motordel (analyse + skriver + commit), {name}: {engine:.1f} s = "
            f"{engine / fts:.0f}× FTS5"
        )


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="syntetiske grep")
    parser.add_argument("--passages", type=int, default=50_000, help="syntetiske avsnitt")
    parser.add_argument("--quick", action="store_true", help="500 grep + 2 500 avsnitt")
    parser.add_argument("--repeat", type=int, default=3, help="runder (beste tall vises)")
    parser.add_argument("--no-synthetic", action="store_true", help="bare det ekte innholdet")
    parser.add_argument("--no-real", action="store_true", help="hopp over det ekte innholdet")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0
    if args.quick:
        args.cases, args.passages = 500, 2_500
    if not args.no_real:
        bench("ekte innhold (kb index, uttrekk medregnet)", 0, 0, args.repeat)
    if not args.no_synthetic:
        label = f"syntetisk: {args.cases} grep + {args.passages} avsnitt"
        bench(label, args.cases, args.passages, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
