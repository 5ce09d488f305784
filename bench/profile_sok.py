"""CPU per uncached /sok (and /api/sok) request in one process, and where it goes (cProfile).

    python bench/profile_sok.py                 # builds the index of the bundled content
    python bench/profile_sok.py --index index   # an index already built
    python bench/profile_sok.py --top 30 --api  # /api/sok instead of /sok
    python bench/profile_sok.py --fresh 300     # searches never asked before, each once
    python bench/profile_sok.py --fresh 1000 --parts  # and the CPU of each part (PARTS)

The requests go through Flask's test client (no server, no network): what is measured is the
app's own work. Every request is uncached (the searcher's results and the rendered pages are
forgotten first), over the queries and filters of bench/bench_http.py. Process CPU time, not
wall time.

With --fresh, the app is first warmed as bench_http.py warms its workers (every page type)
and as `kb serve` warms a worker (kb.cli.serve.warm_up), then asks searches never asked
before (bench_http.fresh_queries: two words from the cases' titles), each once: half of them
measured, the other half profiled (with --api, their /api/sok twins). Printed beside the CPU
per request: the share spent in Searcher.search (kb/search) and the rest (web/, templates),
and the cyclic garbage collector's time, counted in whichever of the two it interrupted.
With --parts, the measured half also times each part of PARTS (its thread CPU, a part's own
parts included): where a flat profile's time goes, without cProfile's overhead per function
call. The timers add ~1 µs a call (~0.05 ms a page, in the CPU per request printed too).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_http import FILTERS, QUERIES, fresh_queries, warm_paths  # noqa: E402

# (module, class or "", function, label) of --parts, in the order printed: parts of
# Searcher.search, then of the rest (an indented label is a part of the one above it)
PARTS = (
    ("kb.search.searcher", "", "parse", "spørringen tolket"),
    ("kb.search.planner", "Planner", "plan", "planen (ordformer, sammensetninger)"),
    ("kb.search.engine", "Engine", "rank", "rangeringen"),
    ("kb.search.engine", "Engine", "_near", "  av det nærheten"),
    ("kb.search.facets", "FacetTable", "count", "fasettellingen"),
    ("kb.search.searcher", "Searcher", "_hit", "treffene (20 per side)"),
    ("kb.search.hits", "", "snippet", "  av det utdragene"),
    ("kb.search.hits", "", "explain", "  av det «treff på»"),
    ("web.views.search", "", "page_values", "resten: sidens verdier"),
    ("web.model.results", "", "dress_hits", "  treffene kledd (deler, kilde, linje)"),
    ("web.views.search", "", "facet_html", "  fasettlenkene"),
    ("web.search_page", "", "render", "sidens HTML"),
    ("web.search_page", "", "_group", "  treffenes HTML"),
    ("web.search_page", "", "_filters", "  fasettboksene"),
    ("web.shell", "", "render", "  rammen (base.html)"),
    ("flask.app", "Flask", "finalize_request", "Flask etter visningen (hodene, komprimering)"),
)


def paths(api: bool) -> list[str]:
    """Searches, searches with filters and browsing, as the load test asks them."""
    page = "/api/sok" if api else "/sok"
    out = [f"{page}?q={quote(q)}" for q in QUERIES]
    out += [f"{page}?q={quote(q)}&{flt}" for q, flt in zip(QUERIES, FILTERS * 3, strict=False)]
    out += [f"{page}?{flt}" for flt in FILTERS]
    return out


def measure(client, site, urls: list[str], rounds: int) -> float:
    """CPU milliseconds per uncached request (no kept result, no kept page)."""
    searcher = site.searcher()
    started = time.process_time()
    for _ in range(rounds):
        for url in urls:
            searcher._results.clear()
            site.pages.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    return (time.process_time() - started) * 1000 / (rounds * len(urls))


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="en ferdig indeks (ellers bygges en)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--top", type=int, default=25, help="funksjoner i profilen")
    parser.add_argument("--api", action="store_true", help="/api/sok i stedet for /sok")
    parser.add_argument("--sort", default="cumulative", help="profilens rekkefølge (tottime …)")
    parser.add_argument("--fresh", type=int, metavar="N", help="N nye søk, hvert stilt én gang")
    parser.add_argument("--parts", action="store_true", help="med --fresh: tiden i hver del")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index
        if index_dir is None:
            from indexer.build import build_index
            from kb.content.loader import load_content

            index_dir = Path(tmp) / "index"
            seeds = ROOT.parent / "shared" / "seeds"
            build_index(load_content(ROOT / "content", source_dirs=(seeds,)), index_dir)
        os.environ["KB_INDEX_DIR"] = str(index_dir)
        from web import create_app
        from web.state import site

        app = create_app()
        client = app.test_client()
        urls = paths(args.api)
        with app.app_context():
            state = site()
        if args.fresh:
            return profile_fresh(app, state.searcher(), args)
        measure(client, state, urls, 1)  # warm: templates, content, postings
        cpu = measure(client, state, urls, args.rounds)
        hello = create_app_hello().test_client()
        started = time.process_time()
        for _ in range(200):
            hello.get("/")
        hello_ms = (time.process_time() - started) * 1000 / 200
        profile = cProfile.Profile()
        profile.enable()
        measure(client, state, urls, 1)
        profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    page = "/api/sok" if args.api else "/sok"
    print(
        f"{page}: {cpu:.2f} ms CPU per forespørsel uten hurtigbuffer ({len(urls)} adresser × "
        f"{args.rounds}); Flask «hello» i testklienten: {hello_ms:.2f} ms ({cpu / hello_ms:.0f}×)"
    )
    return 0


def profile_fresh(app, searcher, args: argparse.Namespace) -> int:
    """Warm as bench_http.py and `kb serve` do, then measure and profile searches never asked
    before."""
    from kb.cli.serve import warm_up
    from kb.content.loader import load_content

    client, content = app.test_client(), load_content()
    for _kind, url in warm_paths(content):
        client.get(url)  # as bench_http.py's warm-up: the status is not checked
    warm_up(app)  # as each worker of `kb serve` is warmed
    page = "/api/sok" if args.api else "/sok"
    urls = [page + url[len("/sok") :] for _kind, url in fresh_queries(content, 2 * args.fresh)]
    if len(urls) < 2 * args.fresh:
        raise SystemExit(f"bare {len(urls)} nye søk å stille")
    spent, collecting = timed_search(searcher), timed_collections()
    parts, undo = timed_parts() if args.parts else ({}, [])
    started = time.process_time()
    for url in urls[: args.fresh]:
        assert client.get(url).status_code == 200, url
    cpu = (time.process_time() - started) * 1000 / args.fresh
    gc.callbacks.remove(collecting[1])
    for restore in undo:
        restore()
    search_ms, gc_ms = spent[0] * 1000 / args.fresh, collecting[0] * 1000 / args.fresh
    profile = cProfile.Profile()
    profile.enable()
    for url in urls[args.fresh :]:
        client.get(url)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    print(
        f"{page}, nye søk: {cpu:.2f} ms CPU per forespørsel ({args.fresh} søk, hvert én gang), "
        f"av dem Searcher.search {search_ms:.2f} ms, resten {cpu - search_ms:.2f} ms "
        f"(søppelrydding {gc_ms:.2f} ms, der den falt)"
    )
    for label, seconds in parts.items():
        print(f"  {label:<48} {seconds * 1000 / args.fresh:5.2f} ms")
    return 0


def timed_parts() -> tuple[dict[str, float], list]:
    """Wrap each function of PARTS to sum its thread CPU seconds by label: (the sums, the
    functions that put the originals back)."""
    import importlib

    spent: dict[str, float] = {}
    undo = []
    for module, cls, name, label in PARTS:
        owner = importlib.import_module(module)
        owner = getattr(owner, cls) if cls else owner
        function = getattr(owner, name)
        spent[label] = 0.0
        setattr(owner, name, _timed(function, spent, label))
        undo.append(functools.partial(setattr, owner, name, function))
    return spent, undo


def _timed(function, spent: dict[str, float], label: str):
    def wrapped(*args, **kwargs):
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - started

    return wrapped


def timed_search(searcher) -> list[float]:
    """Wrap searcher.search to sum its CPU seconds into the returned one-item list."""
    spent, search = [0.0], searcher.search

    def wrapped(*args, **kwargs):
        started = time.process_time()
        try:
            return search(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - started

    searcher.search = wrapped
    return spent


def timed_collections() -> list:
    """[CPU seconds spent in the cyclic garbage collector, the callback that sums them]."""
    out: list = [0.0, None]
    started = [0.0]

    def callback(phase: str, _info: dict) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            out[0] += time.process_time() - started[0]

    out[1] = callback
    gc.callbacks.append(callback)
    return out


def create_app_hello():
    """The Flask «hello» of bench/hello_app.py."""
    from hello_app import app

    return app


if __name__ == "__main__":
    sys.exit(main())
