"""Recall@30 of `kb suggest` against the practices mapped in ../shared/seeds/notes/.

    python bench/suggest_recall.py            # recall@30 per report
    python bench/suggest_recall.py --k 10     # another cut-off
    python bench/suggest_recall.py --misses   # also list the practices not found

A practice counts as found when one of the top-k candidates' line ranges overlaps one of its
ranges in tests/fixtures/suggest_gold.yaml ("any"), or its first, primary range ("primary").
The baseline is the expected recall of k passages picked at random from the same report, so
the figures can be read against what chance gives with passages of that size.
"""

from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from math import comb
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.sources import extract_source  # noqa: E402
from kb.content.loader import load_context  # noqa: E402
from kb.content.sources import locate, text_lines  # noqa: E402
from kb.editor.suggest import rank_candidates  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "suggest_gold.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"


def overlaps(a: tuple[int, int] | list[int], b: tuple[int, int] | list[int]) -> bool:
    """Whether two inclusive line ranges share a line."""
    return a[0] <= b[1] and b[0] <= a[1]


def found(lines: list[tuple[int, int]], ranges: list[list[int]]) -> bool:
    """Whether any candidate range overlaps any of the practice's ranges."""
    return any(overlaps(c, r) for c in lines for r in ranges)


def chance(passages: list, ranges: list[list[int]], k: int) -> float:
    """The probability that k random passages include one that overlaps the ranges."""
    n = len(passages)
    m = sum(1 for p in passages if p.lines and found([p.lines], ranges))
    return 1 - comb(n - m, min(k, n)) / comb(n, min(k, n))


@lru_cache(maxsize=8)
def passages_of(path: Path, source_id: str, sha256: str, fmt: str) -> list:
    """The passages of a report file (extracted once per run)."""
    return extract_source(path, source_id, sha256, fmt)


def measure(source_id: str, practices: list[dict], ctx, k: int = 30) -> dict:
    """Recall (any range, primary range) and the random baseline for one report."""
    located = locate(ctx.sources[source_id], ctx.source_dirs)[0]
    f = located.file
    passages = passages_of(located.path, source_id, f.sha256, f.format)
    top = rank_candidates(passages, ctx, text_lines(located.path))[:k]
    lines = [c.passage.lines for c in top if c.passage.lines]
    hit_any = [found(lines, p["lines"]) for p in practices]
    hit_primary = [found(lines, p["lines"][:1]) for p in practices]
    n = len(practices)
    return {
        "source": source_id,
        "practices": n,
        "passages": len(passages),
        "any": sum(hit_any) / n,
        "primary": sum(hit_primary) / n,
        "chance_any": sum(chance(passages, p["lines"], k) for p in practices) / n,
        "chance_primary": sum(chance(passages, p["lines"][:1], k) for p in practices) / n,
        "misses": [p for p, hit in zip(practices, hit_any, strict=True) if not hit],
    }


def measure_all(k: int = 30, ctx=None) -> list[dict]:
    """Recall for every report in the gold list."""
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    ctx = ctx or load_context(source_dirs=(SEEDS,))
    return [measure(sid, entry["practices"], ctx, k) for sid, entry in gold.items()]


def main() -> None:
    """Print recall@k per report, with the random baseline beside it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=30)
    ap.add_argument("--misses", action="store_true", help="list the practices not found")
    args = ap.parse_args()
    if not SEEDS.is_dir():
        sys.exit(f"{SEEDS} finnes ikke: målingen trenger de fem rapportene")
    print(
        f"{'kilde':34} {'praksiser':>9} {'passasjer':>9} {'any':>6} {'primær':>7} {'tilfeldig':>10}"
    )
    rows = measure_all(args.k)
    for r in rows:
        print(
            f"{r['source']:34} {r['practices']:9} {r['passages']:9} {r['any']:6.2f} "
            f"{r['primary']:7.2f} {r['chance_any']:5.2f}/{r['chance_primary']:.2f}"
        )
        for p in r["misses"] if args.misses else ():
            print(f"    mangler {p['id']}: {p['label']} {p['lines'][:3]}")
    total = sum(r["practices"] for r in rows)
    micro = sum(r["any"] * r["practices"] for r in rows) / total
    print(f"{'alle (mikro)':34} {total:9} {'':9} {micro:6.2f}")


if __name__ == "__main__":
    main()
