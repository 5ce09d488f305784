"""CPU of Searcher.search in this tree and another, in one process, queries taking turns.

    python bench/ab_search.py --old ../main --index index            # 300 new searches
    python bench/ab_search.py --old ../main --index index --fresh 600 --rounds 3
    python bench/ab_search.py --old ../main --index /tmp/real --bench-list --rounds 5

On a shared machine, two processes measured one after the other see different loads (the same
code differs by ±25 % between runs). Here both versions answer in the same process: the other
tree's `kb` package is copied under another name (its imports rewritten), both searchers open
the same index and are warmed as `kb serve` warms them (Searcher.warm, then the collector's
generations frozen), and each new search (bench_http.fresh_queries, as profile_sok.py --fresh
asks them) is asked of both, which one first alternating. Both answers must be equal (but
took_ms). Printed per round: CPU per search of each and their ratio (mean and median).

--bench-list asks bench_search.py's queries of the real corpus (judged, short, drawn) and the
90 of tests/relevance/judged.yaml instead, each as the first page and as its last page (a
short last page is filled with partial matches), and prints the most expensive ones: CPU of
the first time each is asked of a warmed searcher, median over the rounds, against the median
query (the cost tail that makes a process's first query slow, issue 16).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

IMPORTS = re.compile(r"\b(from|import) kb(\.| import)")
SHARED = "search/mapped.py"  # patches Whoosh for the whole process: must be the same code


def other_package(old: Path, folder: Path) -> str:
    """The other tree's kb package, copied into folder as kb_old; its module name."""
    if (old / "kb" / SHARED).read_bytes() != (ROOT / "kb" / SHARED).read_bytes():
        raise SystemExit(f"kb/{SHARED} er ulik i de to treene: de kan ikke måles i én prosess")
    target = folder / "kb_old"
    shutil.copytree(old / "kb", target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in target.rglob("*.py"):
        path.write_text(IMPORTS.sub(r"\1 kb_old\2", path.read_text("utf-8")), "utf-8")
    (target / SHARED).write_text("from kb.search.mapped import *  # noqa: F403\n", "utf-8")
    sys.path.insert(0, str(folder))
    return "kb_old"


def queries(n: int) -> list[str]:
    """n searches never asked before, as profile_sok.py --fresh asks them (their q)."""
    from bench_http import fresh_queries

    from kb.content.loader import load_content

    urls = [url for _kind, url in fresh_queries(load_content(), n)]
    return [parse_qs(urlparse(url).query)["q"][0] for url in urls][:n]


def bench_list() -> list[str]:
    """bench_search.py's queries of the real corpus, then judged.yaml's not among them."""
    sys.path.insert(0, str(ROOT / "tests" / "relevance"))
    from bench_search import EXTRA_QUERIES, GENERATED, SEEDS, generated_queries, real_corpus
    from evaluate import load_queries
    from judged import load_judged

    real, _meta = real_corpus(SEEDS)
    listed = [q.query for q in load_queries()] + EXTRA_QUERIES + generated_queries(real, GENERATED)
    return list(dict.fromkeys(listed + [q.query for q in load_judged()]))


def timed(searcher, query: str, limit: int, page: int = 1) -> tuple[float, dict]:
    started = time.process_time()
    result = searcher.search(query, limit=limit, page=page)
    return (time.process_time() - started) * 1000, result


def last_pages(old, new, asked: list[str], limit: int) -> int:
    """Ask each query's last page of both (after the first pages): the answers must be
    equal; the number of last pages with hits filled from partial matches."""
    filled = 0
    for query in asked:
        pages = old.search(query, limit=limit)["pages"]
        answers = [s.search(query, limit=limit, page=max(pages, 1)) for s in (old, new)]
        for answer in answers:
            answer.pop("took_ms")
        if answers[0] != answers[1]:
            raise SystemExit(f"ulike svar for «{query}», side {pages}")
        filled += any(hit.get("partial") for hit in answers[0]["hits"])
    return filled


def one_round(
    old_class, new_class, index: Path, asked: list[str], limit: int, collect: bool = False
) -> dict:
    """Fresh searchers of both versions, warmed; every query asked of both (`collect`: after a
    full garbage collection, so that one falls on no query: it fell on the same one each
    round, on one version or the other)."""
    old, new = old_class(index), new_class(index)
    old.warm()
    new.warm()
    gc.collect()
    gc.freeze()
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    for i, query in enumerate(asked):
        order = (("old", old), ("new", new)) if i % 2 else (("new", new), ("old", old))
        answers = {}
        if collect:
            gc.collect()
        for name, searcher in order:
            ms, answers[name] = timed(searcher, query, limit)
            answers[name].pop("took_ms")
            cpu[name].append(ms)
        if answers["old"] != answers["new"]:
            raise SystemExit(f"ulike svar for «{query}»")
    cpu["filled"] = last_pages(old, new, asked, limit)
    old.close()
    new.close()
    gc.unfreeze()
    return cpu


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="det andre kildetreet")
    parser.add_argument("--index", type=Path, required=True, help="en ferdig indeks")
    parser.add_argument("--fresh", type=int, default=300, help="nye søk per runde")
    parser.add_argument("--rounds", type=int, default=1, help="runder, hver med nye søkere")
    parser.add_argument("--limit", type=int, default=20, help="treff per side")
    parser.add_argument(
        "--bench-list", action="store_true", help="bench_search.py-søkene og de 90 vurderte"
    )
    parser.add_argument("--top", type=int, default=12, help="dyreste søk som vises")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        name = other_package(args.old.resolve(), Path(tmp))
        old_module = __import__(f"{name}.search.searcher", fromlist=["Searcher"])
        from kb.search.searcher import Searcher

        if args.bench_list:
            tail(old_module.Searcher, Searcher, args)
            return 0
        asked = queries(args.fresh * args.rounds)
        for k in range(args.rounds):
            part = asked[k * args.fresh : (k + 1) * args.fresh]
            cpu = one_round(old_module.Searcher, Searcher, args.index, part, args.limit)
            old_ms, new_ms = (statistics.fmean(cpu[n]) for n in ("old", "new"))
            old_med, new_med = (statistics.median(cpu[n]) for n in ("old", "new"))
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(
                f"runde {k + 1}: {len(part)} søk, belastning {load}: Searcher.search snitt "
                f"{old_ms:.3f} ms (det andre treet) / {new_ms:.3f} ms (dette) = "
                f"{new_ms / old_ms:.3f}×; median {old_med:.3f} / {new_med:.3f} ms = "
                f"{new_med / old_med:.3f}×; svarene like"
            )
    return 0


def tail(old_class, new_class, args: argparse.Namespace) -> None:
    """The bench list, each round with new searchers: the most expensive queries."""
    asked = bench_list()
    cost: dict[str, list[list[float]]] = {"old": [], "new": []}
    for k in range(args.rounds):
        cpu = one_round(old_class, new_class, args.index, asked, args.limit, collect=True)
        for name in cost:
            cost[name].append(cpu[name])
        print(f"runde {k + 1}: {len(asked)} søk, side 1 og siste side like; fylt: {cpu['filled']}")
    med = {
        n: [statistics.median(c) for c in zip(*rounds, strict=True)] for n, rounds in cost.items()
    }
    mid = {n: statistics.median(v) for n, v in med.items()}
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"belastning {load}; median søk {mid['old']:.2f} ms (det andre treet) / "
        f"{mid['new']:.2f} ms (dette); største / median: "
        f"{max(med['old']) / mid['old']:.2f}× / {max(med['new']) / mid['new']:.2f}×"
    )
    print("prosessortid første gang (ms, median av rundene): det andre treet / dette")
    worst = {n: sorted(range(len(asked)), key=lambda i, n=n: -med[n][i]) for n in med}
    for i in list(dict.fromkeys(worst["old"][: args.top] + worst["new"][:3])):
        old, new = med["old"][i], med["new"][i]
        print(
            f"  {old:6.2f} ({old / mid['old']:.1f}×) / {new:6.2f} ({new / mid['new']:.1f}×)"
            f"  {asked[i][:60]}"
        )


if __name__ == "__main__":
    sys.exit(main())
