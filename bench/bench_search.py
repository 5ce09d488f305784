"""Our search against SQLite FTS5 with the same terms, on the real corpus and a synthetic one.

    python bench/bench_search.py          # real corpus + 10 000 cases, 50 000 passages
    python bench/bench_search.py --quick  # 300 cases + 1 500 passages, one repeat

Both engines index the same documents. FTS5 indexes our analyzer's output (stems, compound
parts, the same stop words dropped), and a query becomes the same clauses as ours (synonyms,
compound parts), any clause matching; it ranks by bm25 with our field weights and returns ten
hits with the first 200 characters of their stored text, and the total. Our time is the whole
`Searcher.search` (parse, synonyms, typo check, ranking, total, facet counts, snippets) without
its result cache. The queries: the judged ones of tests/relevance, 12 short ones, and 40 drawn
from each corpus (words, pairs, triples, typos). Printed: first occurrence and repeats
separately (p50/p95/p99, ratio to FTS5), and `kb search` wall time on the bundled content.

Stalls, wall and CPU time: the first query in fresh processes opened as `kb search` opens the
index (no warm-up) and as `kb serve` does (open, warm(), settle() and rehearse(); the time
printed), against the median of the next queries and against the same query's first-time cost
in another fresh process where it was not the first; after one-case updates, the next search
when it reloads the index itself (as `kb search` would) and, after refresh() (timed apart: the
service runs it in its own thread), as the service answers, against the median and the same
query's costs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.build import collect_passages, documents, index_meta, write_index  # noqa: E402
from indexer.progress import NullProgress, Progress  # noqa: E402
from kb.cli.serve import settle  # noqa: E402
from kb.content.loader import load_content  # noqa: E402
from kb.search import schema as f  # noqa: E402
from kb.search.analysis import STOP_WORDS, NorwegianAnalysis  # noqa: E402
from kb.search.query import parse  # noqa: E402
from kb.search.searcher import Searcher  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tantivy_ceiling  # noqa: E402

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
GENERATED = 40  # queries drawn from each corpus, besides the judged ones
FTS_COLUMNS = (f.TITLE, f.SUMMARY, f.TAGS, f.TEXT_FIELD)
TIMINGS = ("first", "repeat", "first_cpu", "repeat_cpu")  # per engine: wall and CPU ms
STORED_TEXT = "_stored_" + f.TEXT_FIELD  # a passage's text as stored (what snippets show)
NEW_WORDS = 0.06  # share of a synthetic text's words replaced by made-up words


def real_corpus(seeds: Path) -> tuple[list[dict], tuple[dict, NorwegianAnalysis]]:
    """The real cases and report passages as index documents, the index meta and analysis."""
    from indexer.build import BuildStats

    content = load_content(ROOT / "content", source_dirs=(seeds,))
    passages = collect_passages(content, (seeds,), NullProgress(), []) if seeds.is_dir() else {}
    stats = BuildStats(len(content.cases), sum(map(len, passages.values())), len(passages))
    analysis = NorwegianAnalysis.from_content(content.ctx.root)
    return list(documents(content, passages)), (index_meta(content, stats, analysis), analysis)


def coined(k: int, base: list[str]) -> str:
    """The k-th made-up word: two real words joined, as Norwegian compounds are."""
    n = len(base)
    return base[k % n] + base[(k // n) % n][:5]


def synthetic_corpus(real: list[dict], cases: int, passages: int, seed: int = 7) -> list[dict]:
    """Cases and passages made by recombining the real sentences, facets and headings.

    The vocabulary grows with the corpus (Heaps' law, ~ n^0.6): a share of the words are
    replaced by made-up compounds drawn from a range that widens with every document. The
    stored text of each document is the text that was indexed, so snippets come from it.
    The documents fall into as many groups as the real passages fit into the synthetic ones,
    each group standing for its own copy of the reports (`source~group` in the stored
    locations), so a case cites the passages of its group only, as a real case cites its
    reports' own passages (kb.search.citations), not every copy of them.
    """
    rng = random.Random(seed)
    sentences = [
        s for d in real for s in re.split(r"(?<=[.!?])\s+", d[f.TEXT_FIELD]) if len(s) > 30
    ]
    base = sorted({w for s in sentences for w in s.lower().split() if w.isalpha() and len(w) > 3})
    case_docs = [d for d in real if d[f.KIND] == "case"] or [real[0]]
    passage_docs = [d for d in real if d[f.KIND] == "passage"] or [real[0]]
    made = 0  # documents so far: the range of made-up words grows with it
    groups = max(1, passages // len(passage_docs))

    def text(n: int) -> str:
        cap = int(40 * (made + 1) ** 0.6)
        out = []
        for sentence in rng.choices(sentences, k=n):
            ws = sentence.split()
            for i in range(len(ws)):
                if rng.random() < NEW_WORDS and ws[i].isalpha():
                    ws[i] = coined(int(cap * rng.random() ** 2), base)
            out.append(" ".join(ws))
        return " ".join(out)

    out = []
    for i in range(cases):
        doc = dict(rng.choice(case_docs))
        body = text(rng.randint(12, 30))
        doc.update(
            {
                f.DATA: regrouped(doc.get(f.DATA), i % groups),
                f.ID_FIELD: f"syn-grep-{i}",
                f.PATH: f"grep/syn-{i}.md",
                f.TITLE: rng.choice(case_docs)[f.TITLE] + f" {i}",
                f.SUMMARY: text(2),
                f.TEXT_FIELD: body,
                f.SORT_TITLE: f"syn {i}",
            }
        )
        doc[f.SPELL] = "\n".join((doc[f.TITLE], doc[f.SUMMARY], body))
        for facet in (f.THEMES, f.KOMMUNE, f.ACTORS):
            doc[facet] = rng.choice(case_docs)[facet]
        out.append(doc)
        made += 1
    for i in range(passages):
        doc = dict(rng.choice(passage_docs))
        body = text(rng.randint(3, 9))
        doc.update(
            {
                f.DATA: regrouped(doc.get(f.DATA), i % groups),
                f.ID_FIELD: f"syn-avsnitt-{i}",
                f.TEXT_FIELD: body,
                STORED_TEXT: body,  # what a hit's snippet is cut from: the indexed text
                f.SPELL: "\n".join((doc[f.TITLE], body)),
                f.REPAIRED: "",
                f.ORDER: i,
            }
        )
        out.append(doc)
        made += 1
    return out


def regrouped(data: str | None, group: int) -> str | None:
    """A document's stored data with each location's source renamed for its group."""
    if not data:
        return data
    stored = json.loads(data)
    for loc in stored.get("locations") or ():
        if loc.get("source"):
            loc["source"] = f"{loc['source']}~{group}"
    return json.dumps(stored, ensure_ascii=False)


def copied(built: Path, folder: Path, documents: int) -> None:
    """Copy an index built before into folder, after checking it holds as many documents."""
    meta = json.loads((built / "kb_meta.json").read_text(encoding="utf-8"))
    if meta.get("documents") != documents:
        raise SystemExit(f"{built} har {meta.get('documents')} dokumenter, ikke {documents}")
    shutil.copytree(built, folder)


def build_ours(
    docs: list[dict], meta: tuple[dict, NorwegianAnalysis], folder: Path, progress
) -> float:
    """Seconds to build our index of the documents."""
    started = time.perf_counter()
    write_index(iter(docs), len(docs), folder, progress, *meta)
    return time.perf_counter() - started


def analysed(docs: list[dict], analysis: NorwegianAnalysis) -> list[tuple]:
    """Each document's searched fields as our analyzer's tokens (stems, compound parts, stop
    words dropped), space-separated: what FTS5 indexes, so both engines see the same terms."""
    analyzer = analysis.analyzer()
    return [
        (d[f.ID_FIELD], d[f.KIND], d.get(STORED_TEXT) or d.get(f.TEXT_FIELD) or "")
        + tuple(" ".join(t.text for t in analyzer(str(d.get(c) or ""))) for c in FTS_COLUMNS)
        for d in docs
    ]


def build_fts(rows: list[tuple], path: Path) -> tuple[sqlite3.Connection, float]:
    """Seconds to build an FTS5 index of the analysed text, the stored text beside it."""
    db = sqlite3.connect(path)
    started = time.perf_counter()
    cols = ", ".join(FTS_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, "
        f"stored UNINDEXED, {cols}, tokenize='unicode61 remove_diacritics 0')"
    )
    marks = ", ".join("?" * (3 + len(FTS_COLUMNS)))
    db.executemany(f"INSERT INTO docs VALUES ({marks})", rows)
    db.commit()
    return db, time.perf_counter() - started


def fts_match(query: str, analysis: NorwegianAnalysis) -> str:
    """Our parse of the query as an FTS5 expression: per clause any of its phrases (the
    words, each synonym) or all its compound parts; clauses joined by OR (any word matches,
    as our ranking falls back to); stop words dropped by the same parse."""

    def quoted(stems) -> str:
        return '"' + " ".join(w.replace('"', "") for w in stems) + '"'

    clauses = []
    for clause in parse(query, analysis, 500).clauses:
        options = [quoted(p) for p in clause.alternatives if p]
        if clause.parts:
            options.append("(" + " AND ".join(quoted((w,)) for w in clause.parts) + ")")
        clauses += [f"({' OR '.join(options)})"] if options else []
    return " OR ".join(clauses) or '""'


def fts_search(db: sqlite3.Connection, analysis: NorwegianAnalysis) -> Callable[[str], object]:
    """Ranked top 10 by bm25 (field weights as ours), the stored text's first 200 characters
    as the snippet (its own snippet() would show stems), and the total."""

    def run(query: str):
        match = fts_match(query, analysis)  # the parse is part of the query's cost
        top = db.execute(
            "SELECT id, substr(stored, 1, 200) FROM docs WHERE docs MATCH ? "
            "ORDER BY bm25(docs, 0, 0, 0, 3.0, 2.0, 1.5, 1.0) LIMIT 10",
            (match,),
        ).fetchall()
        total = db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()
        return top, total

    return run


def uncached(searcher: Searcher, query: str) -> dict:
    """A search without the remembered results (FTS5 has no result cache either)."""
    searcher._results.clear()
    return searcher.search(query, limit=10)


def latencies(engines: dict[str, Callable[[str], object]], queries: list[str], rounds: int):
    """Milliseconds per query and engine, wall and CPU: the first occurrence of each, and its
    repeats. The engines take turns query by query, so a busy spell on a shared machine
    slows them alike and the ratios stay fair."""
    out = {name: {k: [] for k in TIMINGS} for name in engines}
    for i in range(rounds + 1):
        kind = "first" if i == 0 else "repeat"
        for q in queries:
            for name, search in engines.items():
                wall, cpu = time.perf_counter(), time.process_time()
                search(q)
                out[name][kind].append((time.perf_counter() - wall) * 1000)
                out[name][kind + "_cpu"].append((time.process_time() - cpu) * 1000)
    return out


def generated_queries(docs: list[dict], n: int, seed: int = 3) -> list[str]:
    """n queries drawn from the corpus' own words: single words, pairs, triples and typos."""
    rng = random.Random(seed)
    pool = [
        w
        for d in rng.sample(docs, min(len(docs), 400))
        for w in str(d[f.TEXT_FIELD]).lower().split()
        if w.isalpha() and len(w) > 4 and w not in STOP_WORDS
    ]
    out = []
    for i in range(n):
        shape = i % 4
        if shape == 3:  # a typo: one letter dropped
            w = rng.choice(pool)
            k = rng.randrange(1, len(w))
            out.append(w[:k] + w[k + 1 :])
        else:
            out.append(" ".join(rng.choice(pool) for _ in range(shape + 1)))
    return out


def breakdown(searcher: Searcher, queries: list[str]) -> dict[str, float]:
    """Mean milliseconds of each stage of our search, measured stage by stage (the hits as
    a search makes them, Searcher._hits: snippets from the word tables, «treff på» from the
    clauses, stored fields as the searcher keeps them)."""
    import numpy as np

    stages = dict.fromkeys(("plan", "rank", "top 10", "facets", "hits+snippets"), 0.0)
    searcher._fresh()  # the current reader, as a search opens it
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
        searcher._hits(ranking, top.tolist())  # as a search makes a page's hits
        t5 = time.perf_counter()
        for key, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            stages[key] += dt * 1000 / len(queries)
    return stages


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0–100)."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


FRESH_STARTS = 3  # fresh processes per way of opening, each starting at another query
RANDOM_STARTS = 8  # more fresh processes per way, each starting at a randomly drawn query
UPDATES = 6  # one-case updates, each followed by a search asked before (spread over the list)


def fresh_process(
    index_dir: Path,
    queries: list[str],
    mode: str,
    starts: list[int] | None = None,
    pause_ms: float = 0,
) -> list[dict]:
    """In new Python processes: open the index (mode "cli": as `kb search` does, no warm-up;
    "service": and warm it, as `kb serve` does before it answers), then time every query once.
    Each process starts at another place in the list (`starts`, else FRESH_STARTS spread
    evenly), so each first query is also timed in other new processes where it is not the
    first: its own first-time cost (in the process before, or the median over the others).
    `pause_ms`: each search, the first too, comes that long after the one before (as
    requests come to a service), not straight after it."""
    path = index_dir.parent / "queries.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = []
    if starts is None:
        starts = [k * len(queries) // FRESH_STARTS for k in range(FRESH_STARTS)]
    for start in starts:
        path.write_text(json.dumps(queries[start:] + queries[:start]), encoding="utf-8")
        cmd = [sys.executable, __file__, "--fresh", str(index_dir), str(path), mode]
        cmd += ["--pause-ms", str(pause_ms)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for k, run in enumerate(out):  # the first query's cost where the process before had it
        other = out[k - 1]
        at = other["queries"].index(run["queries"][0])
        run["own_ms"], run["own_cpu"] = other["ms"][at], other["cpu"][at]
        for clock in ("ms", "cpu"):  # and its median over every other process
            costs = [o[clock][o["queries"].index(run["queries"][0])] for o in out if o is not run]
            run[f"others_{clock}"] = statistics.median(costs) if costs else run[f"own_{clock}"]
    return out


def random_starts(queries: list[str], n: int = RANDOM_STARTS, seed: int = 11) -> list[int]:
    """n distinct places in the list, drawn at random (the same in every run)."""
    return random.Random(seed).sample(range(len(queries)), min(n, len(queries)))


def run_fresh(index_dir: Path, queries_file: Path, mode: str, pause_ms: float = 0) -> None:
    """The child side of fresh_process: print the timings as one JSON line."""
    queries = json.loads(queries_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    searcher = Searcher(index_dir)
    open_ms = (time.perf_counter() - started) * 1000
    warm_ms = None
    if mode == "service":
        started = time.perf_counter()
        searcher.warm()
        settle()  # as kb serve's warm_up ends: a full collection now, not in the first query,
        searcher.rehearse()  # then the warm-up searches again (kb.cli.serve.rehearse)
        warm_ms = (time.perf_counter() - started) * 1000
    ms, cpu = [], []
    for q in queries:
        time.sleep(pause_ms / 1000)
        started, cpu_started = time.perf_counter(), time.process_time()
        searcher.search(q, limit=10)
        ms.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    out = {"queries": queries, "open_ms": open_ms, "warm_ms": warm_ms, "ms": ms, "cpu": cpu}
    print(json.dumps(out))


def after_updates(searcher: Searcher, folder: Path, docs: list[dict], queries: list[str]):
    """Per query: its cost just before a one-case update (asked before: a repeat), the next
    search when the searcher reloads on the search itself (as `kb search` or a request that
    comes before the service's refresh), then after a second update the service's way:
    `refresh()` (reload and warm, timed apart) and then the search. Milliseconds."""

    def timed(call: Callable[[], object]) -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        call()
        return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000

    searcher.warm()  # as the service is, from its start: refresh() patches what it read
    out = []
    for q in queries:
        before = timed(lambda: uncached(searcher, q))  # noqa: B023
        graphs = [one_case_update(folder, docs)]
        lazy = timed(lambda: uncached(searcher, q))  # noqa: B023
        graphs.append(one_case_update(folder, docs))
        refresh = timed(searcher.refresh)
        served = timed(lambda: uncached(searcher, q))  # noqa: B023
        found = {"before": before, "lazy": lazy, "refresh": refresh, "served": served}
        out.append({"query": q} | {k: v[0] for k, v in found.items()})
        out[-1] |= {k + "_cpu": v[1] for k, v in found.items()} | {"graph_cpu": graphs}
    return out


def one_case_update(index_dir: Path, docs: list[dict]) -> float:
    """What `kb index --case` does to the index: delete the case's document, add it again
    (its text changed), one commit, then store the new segment's search arrays and the
    citation graph. Returns the CPU milliseconds the graph took (joined again, stored)."""
    from kb.search import arrays, tables
    from kb.search.schema import open_index

    case = dict(next(d for d in docs if d[f.KIND] == "case"))
    case[f.TEXT_FIELD] = case[f.TEXT_FIELD] + " Oppdatert med en ny setning om leiligheter."
    ix, _ = open_index(index_dir)
    with ix.writer() as writer:
        writer.delete_by_term(f.PATH, case[f.PATH])
        writer.update_document(**case)
    with ix.reader() as reader:
        arrays.store_new(index_dir, reader)
        cpu = time.process_time()
        tables.store_graph(index_dir, reader)
        graph = (time.process_time() - cpu) * 1000
        tables.remove_unused(index_dir, reader)
    return graph


def bench(
    name: str,
    docs: list[dict],
    meta: tuple[dict, NorwegianAnalysis],
    queries: list[str],
    rounds: int,
    progress,
    built: Path | None = None,
    drawn_starts: int = RANDOM_STARTS,
    pause_ms: float = 0,
) -> dict:
    """Build both engines over the documents and time the queries; print and return figures.

    `built`: a copy of that index of the same documents is searched instead of building ours
    (profile_search.py keeps one), and our build time is not measured.
    """
    words = sum(len(str(d.get(c) or "").split()) for d in docs for c in FTS_COLUMNS)
    analysis = meta[1]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "index"
        if built is None:
            ours_s = build_ours(docs, meta, folder, progress)
        else:
            ours_s = copied(built, folder, len(docs))
        started = time.perf_counter()
        rows = analysed(docs, analysis)
        analyse_s = time.perf_counter() - started
        db, fts_s = build_fts(rows, Path(tmp) / "fts.db")
        tantivy_s, tantivy = None, None
        if tantivy_ceiling.available():
            index, tantivy_s = tantivy_ceiling.build_tantivy(rows, FTS_COLUMNS, Path(tmp) / "tv")
            expression = lambda q: fts_match(q, analysis)  # noqa: E731
            tantivy = tantivy_ceiling.tantivy_search(index, FTS_COLUMNS, expression)
        del rows
        fresh = {mode: fresh_process(folder, queries, mode) for mode in ("cli", "service")}
        drawn = random_starts(queries, drawn_starts)
        fresh_random = {
            mode: fresh_process(folder, queries, mode, drawn) for mode in ("cli", "service")
        }
        paused = pause_ms and fresh_process(folder, queries, "service", drawn, pause_ms)
        started = time.perf_counter()
        searcher = Searcher(folder)
        open_s = time.perf_counter() - started
        engines = {"ours": lambda q: uncached(searcher, q), "fts": fts_search(db, analysis)}
        engines |= {"tantivy": tantivy} if tantivy else {}
        timings = latencies(engines, queries, rounds)
        searcher._results.clear()  # as the service answers: the result cache on
        service = latencies({"s": lambda q: searcher.search(q, limit=10)}, queries, rounds)
        stages = breakdown(searcher, queries)
        step = max(1, len(queries) // UPDATES)
        updated = after_updates(searcher, folder, docs, queries[::step][:UPDATES])
        for u in updated:  # each query's first-time cost in this process, before any update
            u["first"] = timings["ours"]["first"][queries.index(u["query"])]
            u["first_cpu"] = timings["ours"]["first_cpu"][queries.index(u["query"])]
        searcher.close()
        db.close()
    out = {
        "name": name,
        "docs": len(docs),
        "words": words,
        "queries": len(queries),
        "ours_s": ours_s,
        "fts_s": fts_s,
        "tantivy_s": tantivy_s,
        "analyse_s": analyse_s,
        "open_s": open_s,
        "stages": stages,
        "fresh": fresh,
        "fresh_random": fresh_random,
        "paused": paused and {"ms": pause_ms, "runs": paused},
        "updated": updated,
    }
    for engine in ("ours", "fts", "tantivy"):
        for kind, p in itertools.product(TIMINGS, (50, 95, 99)):
            found = timings.get(engine)
            out[f"{engine}_{kind}_p{p}"] = pct(found[kind], p) if found else None
    for p in (50, 95, 99):  # the service's first pass fills its cache: only repeats count
        out[f"service_repeat_p{p}"] = pct(service["s"]["repeat"], p)
    print_figures(out)
    return out


def print_figures(r: dict) -> None:
    """One block of figures with the ratios."""
    print(
        f"\n== {r['name']}: {r['docs']:,} dokumenter, {r['words']:,} ord, ".replace(",", " ")
        + f"{r['queries']} søk (belastning {load_average()})"
    )
    if r["ours_s"] is None:
        print(f"bygging   vår: ikke målt (indeksen er kopiert)   FTS5 {r['fts_s']:6.2f} s")
    else:
        print(
            f"bygging   vår {r['ours_s']:7.1f} s   FTS5 {r['fts_s']:6.2f} s "
            f"(+ vår analyse av teksten {r['analyse_s']:.1f} s)   "
            f"vår/FTS5 {r['ours_s'] / r['fts_s']:6.1f}×"
        )
    has_tv = r["tantivy_s"] is not None
    if has_tv:
        ratio = f", vår/tantivy {r['ours_s'] / r['tantivy_s']:.0f}×" if r["ours_s"] else ""
        print(f"          tantivy {r['tantivy_s']:.2f} s (1 tråd){ratio}")
    else:
        print("          tantivy er ikke installert (pip install -e .[bench]): ikke med")
    for clock, heading in (("", "veggtid"), ("_cpu", "prosessortid")):
        print(f"søk, {heading} (ms); vår: resultatbufferet tømt før hvert søk")
        print(
            "                        vår      FTS5   vår/FTS5" + "   tantivy  vår/tantivy" * has_tv
        )
        for kind, label in (("first", "første gang"), ("repeat", "gjentatt")):
            for p in ("p50", "p95", "p99"):
                ours, fts, tv = (r[f"{e}_{kind}{clock}_{p}"] for e in ("ours", "fts", "tantivy"))
                line = f"  {label:11} {p}  {ours:8.1f}  {fts:8.2f}  {ours / max(fts, 1e-6):8.1f}×"
                print(line + (f"  {tv:8.2f}  {ours / max(tv, 1e-6):10.1f}×" if has_tv else ""))
    service = ", ".join(f"{p} {r[f'service_repeat_{p}']:.2f}" for p in ("p50", "p95", "p99"))
    print(f"  gjentatt som tjenesten svarer (resultatbufferet på): {service} ms")
    print_stalls(r)
    print(f"åpne søkeren i denne prosessen: {r['open_s']:.2f} s")
    print(
        "hvor tiden går (ms, snitt): " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items())
    )


def print_stalls(r: dict) -> None:
    """The first query in a fresh process and the next search after a one-case update, each
    against the median (the old way) and against the same query's own cost (the fair way)."""
    for mode, heading in (
        ("cli", "uten oppvarming, som `kb search`"),
        ("service", "åpnet og varmet opp, som `kb serve` gjør før den svarer"),
    ):
        runs = r["fresh"][mode]
        print(f"ny prosess, {heading} ({len(runs)} prosesser):")
        for run in runs:
            first, median = run["ms"][0], statistics.median(run["ms"][1:])
            warm = f" + varme opp {run['warm_ms']:.0f} ms" if run["warm_ms"] is not None else ""
            print(
                f"  åpne {run['open_ms']:.0f} ms{warm}; første søk «{run['queries'][0][:30]}» "
                f"{first:.1f} ms: {first / median:.1f}× medianen av de neste ({median:.1f} ms), "
                f"{first / run['own_ms']:.1f}× samme søk der det ikke var først "
                f"({run['own_ms']:.1f} ms)"
            )
        for clock, own_key, label in (
            ("ms", "own_ms", "veggtid"),
            ("cpu", "own_cpu", "prosessortid"),
        ):
            worst = max(run[clock][0] / statistics.median(run[clock][1:]) for run in runs)
            own = max(run[clock][0] / run[own_key] for run in runs)
            print(
                f"  største, {label}: {worst:.1f}× medianen, "
                f"{own:.1f}× samme søk der det ikke var først"
            )
        print_random_starts(r["fresh_random"][mode])
    if r["paused"]:
        print(
            f"ny prosess som `kb serve`, hvert søk (også det første) {r['paused']['ms']:g} ms "
            "etter det forrige, som forespørsler kommer til en tjeneste:"
        )
        print_random_starts(r["paused"]["runs"])
    updated = r["updated"]
    print(
        f"etter oppdatering av ett grep, {len(updated)} søk stilt før (ms): første gang / rett "
        "før oppdateringen / neste søk som laster på nytt selv / refresh() / neste søk etter den"
    )
    for u in updated:
        print(
            f"  {u['query'][:34]:34} {u['first']:7.1f} {u['before']:7.1f} {u['lazy']:7.1f} "
            f"{u['refresh']:7.1f} {u['served']:7.1f}"
        )
    graphs = [ms for u in updated for ms in u["graph_cpu"]]
    print(
        f"  `kb index --case` kobler sitatgrafen på nytt og lagrer den: median "
        f"{statistics.median(graphs):.0f} ms, største {max(graphs):.0f} ms prosessortid"
    )
    for c, label in (("", "veggtid"), ("_cpu", "prosessortid")):
        median = r[f"ours_first{c}_p50"]
        print(
            f"  {label}, gammel måte: største neste søk uten refresh() "
            f"{max(u['lazy' + c] for u in updated) / median:.1f}× medianen første gang "
            f"({median:.1f} ms), {max(u['lazy' + c] / u['first' + c] for u in updated):.1f}× "
            "samme søk første gang"
        )
        print(
            f"  {label}, som tjenesten: refresh() median "
            f"{statistics.median(u['refresh' + c] for u in updated):.0f} ms (i tjenestens egen "
            "tråd), så neste søk: største "
            f"{max(u['served' + c] for u in updated) / median:.1f}× medianen første gang, "
            f"{max(u['served' + c] / u['first' + c] for u in updated):.1f}× samme søk første "
            f"gang, {max(u['served' + c] / u['before' + c] for u in updated):.1f}× rett før"
        )


def print_random_starts(runs: list[dict]) -> None:
    """The first query of processes that each start at a randomly drawn query: first / median
    of the next ones, and first / the same query's median cost in the other processes."""
    print(f"  {len(runs)} prosesser til, hver med et tilfeldig trukket første søk:")
    for clock, label in (("ms", "veggtid"), ("cpu", "prosessortid")):
        to_next = [run[clock][0] / statistics.median(run[clock][1:]) for run in runs]
        to_own = [run[clock][0] / run[f"others_{clock}"] for run in runs]
        print(
            f"    {label}: første / medianen av de neste: median {statistics.median(to_next):.1f}×,"
            f" største {max(to_next):.1f}×; første / samme søk i de andre prosessene: median "
            f"{statistics.median(to_own):.1f}×, største {max(to_own):.1f}×"
        )
    worst = max(runs, key=lambda run: run["ms"][0] / statistics.median(run["ms"][1:]))
    print(
        f"    største: «{worst['queries'][0][:30]}» {worst['ms'][0]:.1f} ms, medianen av de "
        f"neste {statistics.median(worst['ms'][1:]):.1f} ms, samme søk i de andre "
        f"{worst['others_ms']:.1f} ms"
    )


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages (other jobs on the machine skew the figures)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def cli_wall(seeds: Path, runs: int = 5) -> None:
    """`kb search` on the bundled content, wall time of whole processes (index built here)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "KB_INDEX_DIR": str(Path(tmp) / "index")}
        env["KB_SOURCES"] = str(seeds)
        subprocess.run(
            [sys.executable, "-m", "kb", "index"],
            env=env,
            cwd=ROOT,
            check=False,
            capture_output=True,
        )
        walls = []
        for q in ("bolig", "bosetting av flyktninger", "startlån", "barnefatigdom", "nav")[:runs]:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "kb", "search", q],
                env=env,
                cwd=ROOT,
                check=False,
                capture_output=True,
            )
            walls.append(time.perf_counter() - started)
    print(
        f"\n`kb search` på det medfølgende innholdet, {len(walls)} prosesser: "
        f"median {statistics.median(walls):.2f} s, største {max(walls):.2f} s "
        f"(belastning {load_average()})"
    )


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="syntetiske grep")
    parser.add_argument("--passages", type=int, default=50_000, help="syntetiske avsnitt")
    parser.add_argument("--rounds", type=int, default=3, help="gjentakelser av hvert søk")
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--no-real", action="store_true", help="hopp over det ekte korpuset")
    parser.add_argument("--no-cli", action="store_true", help="hopp over `kb search`-målingen")
    parser.add_argument("--quick", action="store_true", help="300 grep + 1 500 avsnitt, 1 runde")
    parser.add_argument(
        "--built", type=Path, help="søk i en kopi av denne syntetiske indeksen (bygges ikke)"
    )
    parser.add_argument(
        "--random-starts",
        type=int,
        default=RANDOM_STARTS,
        help="nye prosesser som begynner med et tilfeldig trukket søk, per måte å åpne på",
    )
    parser.add_argument(
        "--pause-ms",
        type=float,
        default=0,
        help="og de samme nye prosessene som `kb serve` med denne pausen før hvert søk",
    )
    parser.add_argument("--fresh", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.fresh:
        index_dir, queries_file, mode = args.fresh
        run_fresh(Path(index_dir), Path(queries_file), mode, args.pause_ms)
        return 0
    if args.quick:
        args.cases, args.passages, args.rounds = 300, 1_500, 1
    sys.path.insert(0, str(ROOT / "tests" / "relevance"))
    from evaluate import load_queries

    judged = [q.query for q in load_queries()] + EXTRA_QUERIES
    real, meta = real_corpus(args.seeds)
    progress = Progress() if sys.stderr.isatty() else NullProgress()
    if not args.no_real:
        queries = judged + generated_queries(real, GENERATED)
        drawn, pause = args.random_starts, args.pause_ms
        bench("ekte korpus", real, meta, queries, args.rounds, progress, None, drawn, pause)
    if args.cases or args.passages:
        synthetic = synthetic_corpus(real, args.cases, args.passages)
        bench(
            f"syntetisk ({args.cases} grep + {args.passages} avsnitt)",
            synthetic,
            meta,
            judged + generated_queries(synthetic, GENERATED),
            args.rounds,
            progress,
            args.built,
            args.random_starts,
            args.pause_ms,
        )
    if not args.no_cli:
        cli_wall(args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
