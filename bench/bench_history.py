"""What «Endringslogg» and versioned citations cost a case page, on the real content.

    python bench/bench_history.py [--rounds 5]

Prints: one `git log` over content/grep (paid once per content version and minute per
process), the version lookup a case page adds, the case pages with the history cached and
with no history (the old cost), alternating and taking medians, and the history page.
Figures only; the app runs in-process with the test client.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.build import build_index  # noqa: E402
from kb import history  # noqa: E402
from kb.content.loader import load_content  # noqa: E402
from web import create_app  # noqa: E402
from web.state import site  # noqa: E402
from web.views import history as versions  # noqa: E402


def per_page(client, paths: list[str], rounds: int) -> float:
    """Mean milliseconds per request over rounds passes of paths."""
    started = time.perf_counter()
    for _ in range(rounds):
        for path in paths:
            assert client.get(path).status_code == 200, path
    return (time.perf_counter() - started) * 1000 / (rounds * len(paths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    content = load_content(ROOT / "content")
    with tempfile.TemporaryDirectory() as tmp:
        build_index(content, Path(tmp) / "index")
        app = create_app({"INDEX_DIR": str(Path(tmp) / "index"), "TESTING": True})
        client = app.test_client()
        paths = [f"/grep/{c}" for c in sorted(content.cases)]
        started = time.perf_counter()
        found = history.folder_history(ROOT / "content" / "grep")
        log_ms = (time.perf_counter() - started) * 1000
        commits = len({r.rev for revs in (found or {}).values() for r in revs})
        with app.app_context():
            state = site()
        original, none = state.history, (lambda: None)  # as without .git
        for fn in (original, none):
            state.history = fn
            per_page(client, paths, 1)  # warm: templates, APA cache, searcher, history
        timings: dict = {original: [], none: []}
        for _ in range(args.rounds):  # alternate, so load from elsewhere hits both alike
            for fn in (original, none):
                state.history = fn
                timings[fn].append(per_page(client, paths, 1))
        state.history = original
        with app.test_request_context("/"):
            case = content.cases[sorted(content.cases)[0]]
            started = time.perf_counter()
            for _ in range(10_000):
                versions.current(case)
            lookup_us = (time.perf_counter() - started) * 100
        with_history, without = (statistics.median(timings[f]) for f in (original, none))
        log_page = per_page(client, [p + "/historikk" for p in paths], args.rounds)
    print(f"git log over content/grep: {log_ms:.0f} ms ({commits} commits, {len(paths)} cases)")
    print(f"version lookup per page:   {lookup_us:.1f} µs")
    print(f"case page, history cached: {with_history:.2f} ms")
    print(f"case page, no history:     {without:.2f} ms")
    print(f"added per case page:       {with_history - without:+.2f} ms")
    print(f"history page:              {log_page:.2f} ms")


if __name__ == "__main__":
    main()
