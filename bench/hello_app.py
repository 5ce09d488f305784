"""The ceiling for bench_http.py: a Flask «hello», served the same way as the real app.

    python bench/hello_app.py --port 8001 --workers 2

runs it as `kb serve --workers 2` runs the app (kb.cli.serve: gunicorn with the same options
and the same middleware, or waitress with --workers 1), with `kb serve`'s default threads.
"""

import argparse
import sys
from pathlib import Path

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


def main() -> None:
    """Serve the «hello» app on 127.0.0.1 as `kb serve --workers N` serves the real one."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kb.cli import serve
    from kb.cli.group import resolve_config
    from kb.cli.service import serve as serve_command

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    threads = next(p.default for p in serve_command.params if p.name == "threads")
    config = resolve_config((), host="127.0.0.1", port=args.port)
    if args.workers > 1:
        serve.headed_errors()
        serve.serve_processes(config, args.workers, threads, make_app=lambda: app)
    else:
        serve.waitress_server(serve.in_slots(app), "127.0.0.1", args.port, threads).run()


if __name__ == "__main__":
    main()
