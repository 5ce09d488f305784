"""Graded evaluation: every engine on judged.yaml with the grades of grades.yaml, per half.

Run:  python -m tests.relevance.evaluate --graded  [--by-kind] [--verbose] [--half H] [--also F]

Measures, per query, then averaged over the queries of a half that have at least one grade:
- P@5: share of the top 5 with grade ≥ 2 (a missing hit or an unjudged document counts as 0).
- MRR: 1 / rank of the first grade-3 document in the top 10 (0 when there is none).
- success@5: 1 when some document in the top 5 has grade ≥ 2 (the same threshold as P@5).
- nDCG@10: gain 2^grade − 1, log2 discount; the ideal ranking is every graded document of the
  query (the pool), best first. Unjudged documents gain nothing.
- unjudged@10: documents in the top 10 without a grade (mean over every query of the half,
  graded or not); grade them with
  `python -m tests.relevance.pool --missing` before trusting a difference.
The row «tak» is the ceiling: the graded documents of each query, best first (measures.ideal).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

from tests.relevance.judged import GRADES, KINDS, SETS, Query, load_grades, load_judged
from tests.relevance.measures import METRICS, ideal, scores

CEILING = "tak"  # not an engine: the best ranking the grades allow


def summarise(
    queries: list[Query], tops: dict[str, dict[str, list[str]]], grades: dict, by_kind: bool
) -> dict[tuple[str, str], dict[str, dict[str, float]]]:
    """{(half, group): {engine: {measure: mean}}} over graded queries; group: "alle" or a kind."""
    sums: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for q in queries:
        graded = grades.get(q.query, {})
        for engine, ranked in tops[q.query].items():
            for group in ("alle", q.kind) if by_kind else ("alle",):
                for m, v in scores(ranked, graded).items():
                    if graded or m == "unjudged@10":  # unjudged counts over every query
                        sums[(q.half, group)][engine][m].append(v)
    return {
        key: {e: {m: sum(v) / len(v) for m, v in ms.items()} for e, ms in engines.items()}
        for key, engines in sums.items()
    }


def add_tops(tops: dict[str, dict[str, list[str]]], also: Path) -> list[str]:
    """Add other engines' rankings from a JSON file, {query: {engine: [document keys]}} (for
    example an older commit's, written by dump_tops.py from a checkout of it), for the
    queries in tops, each engine named «engine (file stem)»; the names added, in order."""
    names: dict[str, None] = {}
    for query, engines in json.loads(also.read_text(encoding="utf-8")).items():
        if query in tops:
            for engine, keys in engines.items():
                name = f"{engine} ({also.stem})"
                tops[query][name] = list(keys)
                names[name] = None
    return list(names)


def table(results: dict, queries: list[Query], grades: dict) -> str:
    """One block per half (and kind): engines as rows, measures as columns."""
    out = []
    kinds = ["alle", *KINDS]
    for half, group in sorted(results, key=lambda k: (SETS.index(k[0]), kinds.index(k[1]))):
        in_group = [q for q in queries if q.half == half and group in ("alle", q.kind)]
        graded = sum(bool(grades.get(q.query)) for q in in_group)
        out += ["", f"== {half} · {group}: {graded} av {len(in_group)} spørsmål har karakterer"]
        out.append(f"{'motor':18}" + "".join(f"{m:>13}" for m in METRICS))
        for engine, ms in results[(half, group)].items():
            cells = (f"{ms[m]:>13.3f}" if m in ms else f"{'–':>13}" for m in METRICS)
            out.append(f"{engine:18}" + "".join(cells))
    return "\n".join(out)


def run(
    seeds: Path,
    by_kind: bool = False,
    verbose: bool = False,
    grades_file=GRADES,
    half: str | None = None,
    also: list[Path] | None = None,
) -> str:
    """Build every engine once, rank every judged query (of one half, if given); the report.

    also: JSON files of other engines' rankings (add_tops), shown beside them."""
    from tests.relevance.engines import ENGINES, rank_all

    queries, grades = load_judged(), load_grades(grades_file)
    queries = [q for q in queries if half is None or q.half == half]
    tops, _ = rank_all([q.query for q in queries], seeds)
    extra = [name for path in also or () for name in add_tops(tops, path)]
    for q in queries:
        tops[q.query][CEILING] = ideal(grades.get(q.query, {}))
    lines = []
    if verbose:
        for q in queries:
            for engine, ranked in tops[q.query].items():
                s = scores(ranked, grades.get(q.query, {}))
                lines.append(
                    f"{q.half:8} {q.kind:10} {engine:16} nDCG {s['nDCG@10']:.2f} "
                    f"P@5 {s['P@5']:.2f} uvurdert {s['unjudged@10']:.0f}  {q.query}"
                )
    n_graded = sum(bool(grades.get(q.query)) for q in queries)
    names = [*ENGINES, *extra]
    head = f"{len(queries)} spørsmål, {n_graded} med karakterer. Motorer: {', '.join(names)}."
    if not n_graded:
        head += f" Ingen karakterer ennå: fyll ut {grades_file}."
    summary = summarise(queries, tops, grades, by_kind)
    out = [*lines, head, table(summary, queries, grades)]
    for name in extra:  # ours against each other engine, query by query
        graded = [q for q in queries if grades.get(q.query)]
        out += ["", f"vår mot {name}, søk for søk ({len(graded)} søk):"]
        out += paired(graded, tops, grades, "ours", name)
    return "\n".join(out)


def paired(queries: list[Query], tops: dict, grades: dict, a: str, b: str) -> list[str]:
    """Per measure: the mean difference a − b over the queries, how many each way, and a 95 %
    bootstrap interval of the mean (10 000 resamples of the queries, seeded)."""
    rng, lines = random.Random(1), []
    for m in ("P@5", "MRR", "success@5", "nDCG@10"):
        diffs = [
            scores(tops[q.query][a], grades[q.query])[m]
            - scores(tops[q.query][b], grades[q.query])[m]
            for q in queries
            if b in tops[q.query]
        ]
        if not diffs:
            continue
        means = sorted(sum(rng.choices(diffs, k=len(diffs))) / len(diffs) for _ in range(10_000))
        up, down = sum(d > 1e-9 for d in diffs), sum(d < -1e-9 for d in diffs)
        lines.append(
            f"  {m:10} {sum(diffs) / len(diffs):+.3f} (95 % {means[249]:+.3f} til "
            f"{means[9749]:+.3f}); bedre i {up}, dårligere i {down}, likt i "
            f"{len(diffs) - up - down}"
        )
    return lines
