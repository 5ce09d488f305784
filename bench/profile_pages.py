"""CPU per request for each request type of bench_http.py's mix, in one process (cProfile).

    python bench/profile_pages.py                   # builds the index of the bundled content
    python bench/profile_pages.py --index index     # an index already built
    python bench/profile_pages.py --profile grep    # where a case page's CPU goes
    python bench/profile_pages.py --uncached        # forget kept results and pages first

The requests go through Flask's test client (no server, no network), drawn from the same mix
as the load test (same seed), after one warm round over every path: what is measured is the
app's own work per request type, as a warm worker does it under the mixed load. Process CPU
time, not wall time; the Flask «hello» in the same run is the floor.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_http import app_client, request_mix  # noqa: E402
from hello_app import app as hello_app  # noqa: E402


def plan(case_ids: list[str], n: int) -> dict[str, list[str]]:
    """n requests of the load test's mix, grouped by type."""
    rng, out = random.Random(0), {}
    for _ in range(n):
        kind, path = request_mix(case_ids, rng)
        out.setdefault(kind, []).append(path)
    return out


def run(client, paths: list[str], site, uncached: bool) -> float:
    """CPU milliseconds per request over the paths."""
    started = time.process_time()
    for path in paths:
        if uncached:
            site.searcher()._results.clear()
            if hasattr(site, "pages"):  # code before the page cache has none
                site.pages.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.process_time() - started) * 1000 / len(paths)


def hello_ms(rounds: int = 300) -> float:
    """CPU milliseconds per request of the Flask «hello» in the test client."""
    client = hello_app.test_client()
    started = time.process_time()
    for _ in range(rounds):
        client.get("/")
    return (time.process_time() - started) * 1000 / rounds


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="en ferdig indeks (ellers bygges en)")
    parser.add_argument("--requests", type=int, default=600, help="forespørsler i blandingen")
    parser.add_argument("--profile", help="profiler denne typen (søk, søk+filter, bla, grep, api)")
    parser.add_argument("--top", type=int, default=30, help="funksjoner i profilen")
    parser.add_argument("--sort", default="tottime", help="profilens rekkefølge (cumulative …)")
    parser.add_argument(
        "--uncached", action="store_true", help="glem lagrede resultater og sider først"
    )
    args = parser.parse_args(argv)
    from kb.content.loader import load_content
    from web.state import site

    seeds = ROOT.parent / "shared" / "seeds"
    content = load_content(ROOT / "content", source_dirs=(seeds,))
    with app_client(content, args.index) as client:
        app = client.application
        with app.app_context():
            state = site()
        by_kind = plan(sorted(content.cases), args.requests)
        for paths in by_kind.values():  # warm: templates, content, postings, every case page
            run(client, sorted(set(paths)), state, False)
        floor = hello_ms()
        print(f"{'type':<12}{'antall':>8}{'CPU ms':>9}{'× hello':>9}")
        total = 0.0
        for kind, paths in sorted(by_kind.items()):
            ms = run(client, paths, state, args.uncached)
            total += ms * len(paths)
            print(f"{kind:<12}{len(paths):>8}{ms:>9.2f}{ms / floor:>9.0f}")
        every = sum(len(p) for p in by_kind.values())
        print(f"{'alle':<12}{every:>8}{total / every:>9.2f}{total / every / floor:>9.0f}")
        print(f"Flask «hello» i testklienten: {floor:.2f} ms CPU per forespørsel")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            run(client, by_kind[args.profile], state, args.uncached)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
