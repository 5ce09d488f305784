"""Latency of each ranking rule, the cold start and `kb search` wall time, on the bundled content.

    python bench/bench_ranking.py [--rounds 3]

Builds the index of content/ and the reports in ../shared/seeds once, then times
`Searcher.search` (limit 10) over the 90 judged queries (tests/relevance/judged.yaml) with the
ranking rules switched on one by one, from the previous behaviour (any word, all-words boost,
no case weight, no proximity, the boost only with every word, no form without -t, no first
part of compounds, no case below near passages, no short element after a first part, no
calibrated lift of cases) to today's,
the steps taking turns within each round; p50/p95 in ms. Then:
the first /sok after the app is warmed as `kb serve` warms it (another query than the warm-up's)
against the median of the next 100 (the judged queries), and `kb search` in a fresh process
(wall time, three runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from indexer.build import build_index  # noqa: E402
from kb.content.loader import load_content  # noqa: E402
from kb.search import engine, planner, proximity  # noqa: E402
from kb.search.searcher import Searcher  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
NOW = (engine.required, engine.CASE_WEIGHT, engine.STRONG_CASE_WEIGHT, proximity.PROXIMITY_BOOST)
NOW += (engine.COVERAGE_POWER, planner.MIN_FORM, planner.MIN_HEAD, engine.NEAR)
NOW += (planner.SHORT_ELEMENT, engine.CASE_HEAD_WEIGHT)
ALL_OR_NOTHING = 1e9  # a share below 1 to this power is 0: the boost only with every clause
NO_FORMS = 10**6  # no stem is this long: no form without -t is added (nor a compound's head)
NO_NEAR = 1e9  # no closeness is this high: no case is put below near passages
OFF = (NO_FORMS, 0.0)  # no short element after a first part, no calibrated lift for cases
STEPS = [  # (label, required, case weight, strong case weight, proximity boost, coverage power,
    # shortest stem without -t, shortest first part of compounds, closeness of near passages,
    # short element after a first part, calibrated lift of cases)
    ("før: alle ord løftet, ellers noen", lambda n: 99, 1.0, 1.0, 0.0, ALL_OR_NOTHING, NO_FORMS)
    + (NO_FORMS, NO_NEAR, *OFF),
    ("+ minste antall ord (msm)", NOW[0], 1.0, 1.0, 0.0, ALL_OR_NOTHING, NO_FORMS)
    + (NO_FORMS, NO_NEAR, *OFF),
    ("+ vekt på grep mot avsnitt", NOW[0], NOW[1], NOW[2], 0.0, ALL_OR_NOTHING, NO_FORMS)
    + (NO_FORMS, NO_NEAR, *OFF),
    ("+ nærhet", *NOW[:4], ALL_OR_NOTHING, NO_FORMS, NO_FORMS, NO_NEAR, *OFF),
    ("+ ordenes vekt i løftet", *NOW[:5], NO_FORMS, NO_FORMS, NO_NEAR, *OFF),
    ("+ form uten -t", *NOW[:6], NO_FORMS, NO_NEAR, *OFF),
    ("+ førsteledd i sammensetninger", *NOW[:7], NO_NEAR, *OFF),
    ("+ grep uten ordene øverst under nære avsnitt", *NOW[:8], *OFF),
    ("+ kort ledd etter førsteledd («Grorud»)", *NOW[:9], 0.0),
    ("+ grep løftet etter ordene i tittel (i dag)", *NOW),
]


def queries() -> list[str]:
    data = yaml.safe_load((ROOT / "tests/relevance/judged.yaml").read_text(encoding="utf-8"))
    return [q["query"] for q in data["queries"]]


def percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"p50 {statistics.median(ms):6.1f} ms   p95 {ms[int(0.95 * (len(ms) - 1))]:6.1f} ms"


def time_steps(index_dir: Path, texts: list[str], rounds: int) -> None:
    """p50/p95 of each step; the steps take turns within each round (the load is shared)."""
    searcher = Searcher(index_dir)
    searcher.warm()
    times: dict[str, list[float]] = {label: [] for label, *_ in STEPS}
    for _ in range(rounds):
        for label, req, case_w, strong_w, prox, power, min_form, min_head, near, *new in STEPS:
            engine.required, engine.CASE_WEIGHT = req, case_w
            engine.STRONG_CASE_WEIGHT, proximity.PROXIMITY_BOOST = strong_w, prox
            engine.COVERAGE_POWER, planner.MIN_FORM = power, min_form
            planner.MIN_HEAD, engine.NEAR = min_head, near
            planner.SHORT_ELEMENT, engine.CASE_HEAD_WEIGHT = new
            searcher.engine._phrases.clear()  # each round pays for its phrase checks again
            for q in texts:
                searcher._results.clear()  # time the ranking, not the result cache
                started = time.perf_counter()
                searcher.search(q, limit=10)
                times[label].append(time.perf_counter() - started)
    for label, taken in times.items():
        print(f"{label:52} {percentiles(taken)}")
    engine.required, engine.CASE_WEIGHT, engine.STRONG_CASE_WEIGHT = NOW[:3]
    proximity.PROXIMITY_BOOST, engine.COVERAGE_POWER, planner.MIN_FORM = NOW[3:6]
    planner.MIN_HEAD, engine.NEAR = NOW[6:8]
    planner.SHORT_ELEMENT, engine.CASE_HEAD_WEIGHT = NOW[8:]


def first_page(index_dir: Path, texts: list[str]) -> None:
    from kb import settings
    from kb.cli.serve import warm_up
    from web import create_app

    config = settings.resolve(environ={"KB_INDEX_DIR": str(index_dir), "KB_SOURCES": str(SEEDS)})
    app = create_app(config)
    warm_up(app)
    client = app.test_client()
    times = []
    for q in ["samarbeid med NAV om bolig", *(texts * 2)[:100]]:  # not the warm-up's query
        started = time.perf_counter()
        client.get("/sok", query_string={"q": q})
        times.append(time.perf_counter() - started)
    median = statistics.median(times[1:])
    print(
        f"første /sok etter oppvarming {times[0] * 1000:.1f} ms, median av de neste 100 "
        f"{median * 1000:.1f} ms ({times[0] / median:.1f}×)"
    )


def cli_wall(index_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kb", "search", "--index", str(index_dir), "bosetting"],
            check=True,
            capture_output=True,
            env=env,
            cwd=ROOT,
        )
        walls.append(time.perf_counter() - started)
    print("kb search i ny prosess: " + ", ".join(f"{w:.2f} s" for w in walls) + " (veggtid)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not SEEDS.is_dir():
        print(f"{SEEDS} finnes ikke: målingen trenger rapportene")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        build_index(load_content(ROOT / "content", source_dirs=(SEEDS,)), index_dir, (SEEDS,))
        time_steps(index_dir, queries(), args.rounds)
        first_page(index_dir, queries())
        cli_wall(index_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
