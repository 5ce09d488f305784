"""Relevance of our search against a plain Whoosh baseline, on judged queries over the reports.

Run from the repository root:  python -m tests.relevance.evaluate [--verbose]
Graded, pooled evaluation (judged.yaml + grades.yaml, four engines, per half; see graded.py):
    python -m tests.relevance.evaluate --graded [--half tuning|heldout|validation] [--by-kind]
        [--verbose] [--also TOPS.json]
Prints nDCG@10 and success@5 for our engine (documents with all words ranked first), our
engine with strict AND and an OR fallback, and the baseline (StandardAnalyzer, no Norwegian
handling, AND with an OR fallback), all built in the same run over the same passages.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from indexer.baseline import BaselineSearcher, build_baseline
from indexer.build import build_index, collect_passages, documents
from indexer.progress import NullProgress
from kb.content.loader import load_content
from kb.content.model import Passage
from kb.search.searcher import Searcher

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
K_NDCG, K_SUCCESS = 10, 5


@dataclass(frozen=True)
class Judged:
    """One judged query: the text, what makes it hard, and the relevant line ranges."""

    query: str
    kind: str
    relevant: tuple[tuple[str, int, int], ...]  # (source id, first line, last line)


def load_queries(path: Path = HERE / "queries.yaml") -> list[Judged]:
    """The judged queries."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Judged(q["query"], q["kind"], tuple((r["source"], *r["lines"]) for r in q["relevant"]))
        for q in data["queries"]
    ]


def is_relevant(p: Passage, judged: Judged) -> bool:
    """A passage is relevant when its lines overlap a judged range of its source."""
    return bool(p.lines) and any(
        src == p.source and p.lines[0] <= b and p.lines[1] >= a for src, a, b in judged.relevant
    )


def ndcg(flags: list[bool], n_relevant: int, k: int = K_NDCG) -> float:
    """Binary nDCG@k of a ranked list of relevance flags."""
    dcg = sum(1 / math.log2(i + 2) for i, rel in enumerate(flags[:k]) if rel)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(n_relevant, k)))
    return dcg / ideal if ideal else 0.0


def engines(content, passages: dict[str, list[Passage]], base: Path) -> dict:
    """Build our index and the baseline; search functions returning passage ids."""
    build_index(content, base / "ours", passages=passages)
    build_baseline(documents(content, passages), base / "plain")
    ours, strict = Searcher(base / "ours"), Searcher(base / "ours", match="all")
    plain = BaselineSearcher(base / "plain")

    def ids(searcher):
        return lambda q: [h["id"] for h in searcher.search(q, kind="passage", limit=K_NDCG)["hits"]]

    return {
        "ours": ids(ours),
        "ours, AND→OR": ids(strict),
        "baseline": lambda q: plain.search_ids(q, K_NDCG, kind="passage"),
    }


def built(seeds: Path) -> tuple[dict, dict]:
    """The passages by id and the engines over the reports in seeds, built once per process
    (both relevance tests and the command line share them; the folder lives as long as it)."""
    key = Path(seeds).resolve()
    if key not in _BUILT:
        content = load_content(ROOT / "content", source_dirs=(seeds,))
        passages = collect_passages(content, (seeds,), NullProgress(), [])
        folder = tempfile.TemporaryDirectory()
        _FOLDERS.append(folder)
        by_id = {p.id: p for ps in passages.values() for p in ps}
        _BUILT[key] = (by_id, engines(content, passages, Path(folder.name)))
    return _BUILT[key]


_BUILT: dict[Path, tuple[dict, dict]] = {}
_FOLDERS: list[tempfile.TemporaryDirectory] = []


def evaluate(
    seeds: Path = SEEDS, verbose: bool = False, queries_file: Path = HERE / "queries.yaml"
) -> dict[str, dict[str, float]]:
    """Score every engine on every judged query; returns {engine: {metric: mean}}."""
    by_id, searches = built(seeds)
    queries = load_queries(queries_file)
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for name, search in searches.items():
        for judged in queries:
            flags = [is_relevant(by_id[i], judged) for i in search(judged.query)]
            n_rel = sum(is_relevant(p, judged) for p in by_id.values())
            for key in ("all", judged.kind):
                scores[name][f"ndcg@10 {key}"].append(ndcg(flags, n_rel))
                scores[name][f"success@5 {key}"].append(float(any(flags[:K_SUCCESS])))
            if verbose:
                print(f"{name:16} {ndcg(flags, n_rel):.2f} {judged.kind:10} {judged.query}")
    return {name: {m: sum(v) / len(v) for m, v in ms.items()} for name, ms in scores.items()}


def report(results: dict[str, dict[str, float]], n_queries: int) -> str:
    """A table of the mean scores, overall and by kind of query."""
    names = list(results)
    metrics = sorted(results[names[0]], key=lambda m: (not m.endswith(" all"), m))
    lines = [
        f"{n_queries} spørsmål. " + " | ".join(names),
        f"{'mål':28}" + "".join(f"{n:>18}" for n in names),
    ]
    lines += [f"{m:28}" + "".join(f"{results[n][m]:>18.3f}" for n in names) for m in metrics]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table; exit 1 when the seeds are missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--verbose", action="store_true", help="score per query")
    parser.add_argument(
        "--queries",
        type=Path,
        default=HERE / "queries.yaml",
        help="judged queries (heldout.yaml: never used for tuning)",
    )
    parser.add_argument("--graded", action="store_true", help="graderte spørsmål (judged.yaml)")
    parser.add_argument("--by-kind", action="store_true", help="med --graded: også per type")
    parser.add_argument("--grades", type=Path, default=HERE / "grades.yaml", help="med --graded")
    parser.add_argument(
        "--half",
        choices=("tuning", "heldout", "validation"),
        help="med --graded: bare den ene halvdelen (juster bare på tuning) eller valideringssettet",
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        help="med --graded: andre motorers rangeringer (JSON fra dump_tops.py) ved siden av",
    )
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"{args.seeds} finnes ikke: relevansmålingen trenger de fem rapportene")
        return 1
    if args.graded:
        from tests.relevance.graded import run  # needs the repository root on sys.path

        print(run(args.seeds, args.by_kind, args.verbose, args.grades, args.half, args.also))
        return 0
    results = evaluate(args.seeds, args.verbose, args.queries)
    print(report(results, len(load_queries(args.queries))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
