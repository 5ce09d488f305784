"""Where the served CPU of an uncached /sok request goes: inside the app or around it.

    python bench/profile_served.py               # kb serve's own set-up, 2 workers, 16 clients
    python bench/profile_served.py --profile 25  # and the app's top functions (cProfile)

Serves the app as `kb serve --workers N` does (kb.cli.serve: gunicorn, RenderSlots, the
warm-up), with each worker timing its own threads' CPU: the whole app (Flask, the view and its
after-request hooks), Searcher.search and the compression of the page (flask-compress: brotli
for these clients, web/compress.py). The load is bench_http.py's uncached phase (new searches,
the clients send a browser's headers). Printed per request: the server's CPU (its processes,
from /proc, as bench_http.py counts it), the app's share of it, and the rest: gunicorn reading,
parsing and writing, its threads, and the workers' other threads.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PARTS = ("app", "search", "gzip")


def serve(port: int, workers: int, out: Path, profile: bool) -> None:
    """Serve as `kb serve --workers N`, each worker writing its timings to out at exit."""
    import flask_compress

    from kb import settings
    from kb.cli import serve as kb_serve
    from kb.search.searcher import Searcher

    spent = dict.fromkeys(PARTS, 0.0)
    measuring = out / "measuring"  # the requests are counted while this file exists
    spent["requests"] = 0
    # Wall time, as cProfile counts by default (its CPU-time timer costs a system call per
    # event): a function preempted by the clients' processes is charged for the wait.
    profiler = cProfile.Profile() if profile else None

    def timed(name, function):
        def wrapped(*args, **kwargs):
            if not measuring.exists():
                return function(*args, **kwargs)
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.thread_time() - started

        return wrapped

    Searcher.search = timed("search", Searcher.search)
    flask_compress.Compress.after_request = timed("gzip", flask_compress.Compress.after_request)
    in_slots = kb_serve.in_slots

    def timed_app(app):
        app = in_slots(app)
        app_call = app.wsgi_app
        inner = timed("app", app_call)

        def counted(environ, start_response):
            if not measuring.exists():  # warming up: not counted
                return app_call(environ, start_response)
            spent["requests"] += 1
            if profiler is None:
                return inner(environ, start_response)
            profiler.enable()  # this thread only; RenderSlots lets one request in at a time
            try:
                return inner(environ, start_response)
            finally:
                profiler.disable()

        app.wsgi_app = counted
        if not hasattr(timed_app, "registered"):
            timed_app.registered = True
            atexit.register(write, out, spent, profiler)
        return app

    kb_serve.in_slots = timed_app
    config = settings.resolve({"PORT": port, "HOST": "127.0.0.1"})
    kb_serve.check_index(config)
    kb_serve.headed_errors()
    kb_serve.serve_processes(config, workers, 8)


def write(out: Path, spent: dict, profiler) -> None:
    """A worker's timings (and profile) as files named by its process id."""
    if not spent["requests"]:
        return
    (out / f"{os.getpid()}.json").write_text(json.dumps(spent))
    if profiler is not None:
        profiler.dump_stats(out / f"{os.getpid()}.prof")


def main() -> None:
    """Build an index, serve it with timed workers, load it with new searches, print."""
    from bench_http import Load, free_port, fresh_queries, start_server, stop

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--profile", type=int, metavar="N", help="the app's N top functions")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server's own run
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.workers, args.out, bool(os.environ.get("KB_BENCH_PROFILE")))
    from indexer.build import build_index
    from kb.content.loader import load_content

    folder = Path(tempfile.mkdtemp(prefix="bench-served-"))
    try:
        content = load_content()
        index_dir, out = folder / "index", folder / "timings"
        out.mkdir()
        print(f"Indeks: {build_index(content, index_dir).summary()}")
        port = free_port()
        os.environ["KB_BENCH_PROFILE"] = "1" if args.profile else ""
        server = start_served(index_dir, port, args, out, start_server)
        per = max(1, args.requests // args.clients)
        try:
            fresh = fresh_queries(content, per * args.clients + 50)
            Load(port, [fresh[-50:]] * args.workers, 60).run()  # the first of each worker
            (out / "measuring").touch()
            plans = [fresh[:-50][i :: args.clients] for i in range(args.clients)]
            load = Load(port, plans, 60)
            _wall, cpu = load.run(server.pid)
        finally:
            stop(server)
        report(load, cpu, out, args.profile)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def start_served(index_dir: Path, port: int, args, out: Path, start_server):
    """This script's --serve mode in a subprocess, answered when it answers / (as bench_http)."""
    command = [sys.executable, __file__, "--serve", str(port), "--out", str(out)]
    command += ["--workers", str(args.workers)]
    real = subprocess.Popen

    def popen(_cmd, **kwargs):
        return real(command, **kwargs)

    subprocess.Popen = popen  # start_server's waiting and environment, this command
    try:
        return start_server(index_dir, port, args.workers)
    finally:
        subprocess.Popen = real


def report(load, cpu: float, out: Path, top: int | None) -> None:
    """Per request: the server's CPU, the app's, Searcher.search's, compression's, the rest."""
    totals = dict.fromkeys((*PARTS, "requests"), 0.0)
    for path in out.glob("*.json"):
        for key, value in json.loads(path.read_text()).items():
            totals[key] += value
    n = load.count()
    app, search, gz = (totals[k] * 1000 / n for k in PARTS)
    server = cpu * 1000 / n
    print(f"{n} nye søk ({int(totals['requests'])} i appen), {load.clients} klienter, ", end="")
    print(f"{len(load.errors)} feil")
    print(f"  tjenerens CPU per forespørsel     {server:6.2f} ms")
    print(f"  i appen (Flask, visningen, hodene) {app:6.2f} ms")
    print(f"    av det Searcher.search           {search:6.2f} ms")
    print(f"    av det komprimering (br/gzip)    {gz:6.2f} ms")
    print(f"    resten av appen                  {app - search - gz:6.2f} ms")
    print(f"  utenfor appen (gunicorn, tråder)   {server - app:6.2f} ms")
    if top:
        import pstats

        stats = pstats.Stats(*map(str, out.glob("*.prof")))
        stats.sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
