"""CPU of Searcher.search in this tree and another, in one process, queries taking turns.

    python bench/ab_search.py --old ../main --index index            # 300 new searches
    python bench/ab_search.py --old ../main --index index --fresh 600 --rounds 3

On a shared machine, two processes measured one after the other see different loads (the same
code differs by ±25 % between runs). Here both versions answer in the same process: the other
tree's `kb` package is copied under another name (its imports rewritten), both searchers open
the same index and are warmed as `kb serve` warms them (Searcher.warm, then the collector's
generations frozen), and each new search (bench_http.fresh_queries, as profile_sok.py --fresh
asks them) is asked of both, which one first alternating. Both answers must be equal (but
took_ms). Printed per round: CPU per search of each and their ratio (mean and median).
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


def timed(searcher, query: str, limit: int) -> tuple[float, dict]:
    started = time.process_time()
    result = searcher.search(query, limit=limit)
    return (time.process_time() - started) * 1000, result


def one_round(old_class, new_class, index: Path, asked: list[str], limit: int) -> dict:
    """Fresh searchers of both versions, warmed; every query asked of both."""
    old, new = old_class(index), new_class(index)
    old.warm()
    new.warm()
    gc.collect()
    gc.freeze()
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    for i, query in enumerate(asked):
        order = (("old", old), ("new", new)) if i % 2 else (("new", new), ("old", old))
        answers = {}
        for name, searcher in order:
            ms, answers[name] = timed(searcher, query, limit)
            answers[name].pop("took_ms")
            cpu[name].append(ms)
        if answers["old"] != answers["new"]:
            raise SystemExit(f"ulike svar for «{query}»")
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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        name = other_package(args.old.resolve(), Path(tmp))
        old_module = __import__(f"{name}.search.searcher", fromlist=["Searcher"])
        from kb.search.searcher import Searcher

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


if __name__ == "__main__":
    sys.exit(main())
