"""`kb serve`: check the content, build the index when it is missing, then serve the app."""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time

import click

from kb import settings
from kb.cli.group import stop_on_broken
from kb.errors import IndexBroken, IndexUnwritable, KbError
from kb.search.schema import index_exists

log = logging.getLogger(__name__)
WARM_SECONDS = 0.5  # how often the service checks for a rebuilt index to warm (a stat)
RENDER_SLOTS = 1  # requests a process works on at once; its other threads wait or do I/O
# Container objects allocated (net) between young-generation collections, after settle():
# Python's 700 ran a collection a few times per search page, each scanning that page's live
# objects; 10 000 runs one every few pages, when most of them are gone (measured served in
# session 12: 0.13-0.23 ms of gc per page fell to ~0.07; the workers' memory stays flat,
# bench/bench_http.py prints it).
YOUNG_OBJECTS = 10_000


def ensure_index(config: settings.Config) -> bool:
    """Build the index (with progress on stderr) unless one exists; True when it was built.

    The content is read and checked first: a broken vocabulary or synonym file stops here.
    """
    from kb.content.loader import load_content

    content = load_content(config.content_dir, source_dirs=config.sources)
    stop_on_broken(content)
    if index_exists(config.index_dir):  # a damaged one too: warm_up reports it
        return False
    from indexer.build import build_index
    from indexer.progress import Progress

    click.echo(f"Søkeindeksen finnes ikke i {config.index_dir}; bygger den nå …", err=True)
    try:
        stats = build_index(content, config.index_dir, config.sources, Progress(), config=config)
    except (IndexBroken, IndexUnwritable) as exc:
        raise SystemExit(fail(str(exc))) from None
    for problem in stats.problems:
        click.echo(problem, err=True)
    click.echo(stats.summary(), err=True)
    return True


def fail(message: str) -> int:
    """Print the message on stderr; the exit status for it."""
    click.echo(message, err=True)
    return 1


def warm_up(app) -> None:
    """Open and warm the searcher (dictionary, postings, sort orders), read the content and
    render one search page, so the first visitor does not wait for them."""
    from kb.search.warmup import WARM_QUERY
    from web.model.results import warm_sections
    from web.state import KEY

    site = app.extensions[KEY]
    warm_sections(site.content().cases.values())
    try:
        site.searcher().warm()
    except IndexBroken as exc:  # a corrupt index is not served: every search would fail
        raise SystemExit(fail(str(exc))) from None
    except KbError as exc:
        click.echo(f"Advarsel: {exc}", err=True)
        return
    # One page through the app: compiles the templates and fills the content's derived tables.
    app.test_client().get("/sok", query_string={"q": WARM_QUERY})
    settle()
    rehearse(app)


def rehearse(app) -> None:
    """After settle(): a search page (kept like any other) and the warm-up searches once more
    (their results forgotten), so that a request that comes right after the start (a worker
    started under load) does not find the code and data it needs pushed out of the
    processor's caches by the full collection (bench/bench_search.py; docs/sok.md «Et søk til
    etter den fulle ryddingen»). Not after an index swap: there the process is serving, and
    the rehearsal would hold its render slot and searcher lock for ~10-20 ms."""
    from kb.search.warmup import WARM_QUERIES
    from web.state import KEY

    app.test_client().get("/sok", query_string={"q": WARM_QUERIES[1]})
    app.extensions[KEY].searcher().rehearse()


def settle() -> None:
    """Collect today's garbage, then keep what is left out of the cyclic collector's full scans.

    What a warm process holds (modules, content, index tables) lives as long as it does; a
    full scan of it took ~50 ms of CPU, and came every hundred or so requests (~0.5 ms a
    search page). Called again after a swap, so the old version's objects can be freed.
    Young collections then run every YOUNG_OBJECTS allocations instead of every 700.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])


def keep_warm(app, seconds: float = WARM_SECONDS) -> threading.Thread:
    """A daemon thread that reopens and warms the searcher when `kb index` swapped or updated
    the index, checking every WARM_SECONDS. A request that finds the files changed first
    waits for that version rather than answer from the old one (Searcher.background_refresh):
    with several workers, a reader never sees results go back to the old index."""
    from web.state import KEY

    site = app.extensions[KEY]

    def loop() -> None:
        while True:
            try:
                searcher = site.searcher()
                searcher.background_refresh = True
                if searcher.refresh():
                    settle()
            except KbError:
                pass  # no index yet, or in the middle of a swap: try again next time
            except Exception:  # the thread must go on, or the service would never see updates
                log.exception("Kunne ikke åpne den nye søkeindeksen; prøver igjen.")
            time.sleep(seconds)

    thread = threading.Thread(target=loop, name="kb-keep-warm", daemon=True)
    thread.start()
    return thread


class RenderSlots:
    """WSGI middleware: at most `slots` requests in the app at a time in this process.

    A process runs Python on one core at a time (the GIL): eight threads that each render a
    search page take turns every few milliseconds and, measured served, spend ~0.5 ms of CPU
    more per page than when one renders while the others wait. The server's threads still
    read requests and write answers meanwhile, so a slow client holds a thread, not the app.
    A request with a body (a posted form) does not wait for a slot: the app reads the body,
    and a client that stalls while sending it must not stop the pages behind it.
    """

    def __init__(self, app, slots: int = RENDER_SLOTS):
        self.app = app
        self.slots = threading.Semaphore(slots)

    def __call__(self, environ, start_response):
        if has_body(environ):
            return self.app(environ, start_response)
        with self.slots:
            return self.app(environ, start_response)


def has_body(environ) -> bool:
    """Whether the request comes with a body to read (a length over 0, or chunked)."""
    length = environ.get("CONTENT_LENGTH") or "0"
    return length != "0" or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def in_slots(app):
    """The Flask app with its requests taking turns through RenderSlots (as it is served)."""
    app.wsgi_app = RenderSlots(app.wsgi_app)
    return app


def default_workers() -> int:
    """One process per core where gunicorn runs (Linux, macOS), else one (waitress)."""
    return (os.cpu_count() or 1) if gunicorn_available() else 1


def gunicorn_available() -> bool:
    """Whether gunicorn can serve here (it needs fork: not on Windows)."""
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


WORKER_BOOT_ERROR = 3  # gunicorn's exit status for a worker that cannot start: stop all


def _warm_worker(app) -> None:
    """In each gunicorn worker: warm it, and keep it warm across index swaps.

    A worker that cannot open the index exits with gunicorn's boot-error status, so the master
    stops instead of starting workers that fail forever.
    """
    try:
        warm_up(app)
    except SystemExit:
        os._exit(WORKER_BOOT_ERROR)
    keep_warm(app)


def check_index(config: settings.Config) -> None:
    """Open and check the index once before gunicorn starts its workers (exit 1 if broken)."""
    from kb.search.searcher import open_searcher

    try:
        open_searcher(config.index_dir, config).close()
    except IndexBroken as exc:
        raise SystemExit(fail(str(exc))) from None


def headed_errors() -> None:
    """gunicorn's own error answers (400, 414, 431 …) with the security headers.

    gunicorn writes them itself, without calling the app, through gunicorn.util.write_error;
    this replaces that function in the serving process (the workers inherit it).
    """
    import html

    from gunicorn import util

    from web.security import HEADERS

    def write_error(sock, status_int, reason, mesg):
        body = (
            f'<!doctype html><html lang="nb"><title>{html.escape(reason)}</title>'
            f"<h1>{status_int} {html.escape(reason)}</h1></html>"
        )
        headers = [
            f"HTTP/1.1 {status_int} {reason}",
            "Connection: close",
            "Content-Type: text/html; charset=utf-8",
            f"Content-Length: {len(body.encode())}",
            "Cache-Control: no-store",
            *(f"{name}: {value}" for name, value in HEADERS.items()),
        ]
        util.write_nonblock(sock, ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1"))
        util.write_nonblock(sock, body.encode())

    util.write_error = write_error


def serve_processes(config: settings.Config, workers: int, threads: int, make_app=None) -> None:
    """gunicorn with `workers` processes of `threads` threads, each with its own app.

    The app is made after the fork (no preload): Whoosh reads its files through file objects
    whose position a forked child would share. Each worker opens the index files itself; the
    operating system keeps one copy of their pages in its cache for all of them. make_app: a
    function that makes another Flask app to serve the same way, unwarmed (the benchmarks'
    «hello» ceiling, bench/hello_app.py).
    """
    from gunicorn.app.base import BaseApplication

    from web import create_app

    class Service(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{config.host}:{config.port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }
            if make_app is None:
                options["post_worker_init"] = lambda worker: _warm_worker(worker.wsgi)
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return in_slots(make_app() if make_app else create_app(config))

    Service().run()


def run(
    config: settings.Config,
    threads: int,
    debug: bool,
    watch: bool = False,
    workers: int | None = None,
) -> None:
    """Serve the content at http://host:port.

    gunicorn with one process per core by default where it runs; waitress (one process,
    threads) on Windows, with --workers 1 and with --watch; Flask's server with --debug.
    """
    from web import create_app

    ensure_index(config)
    workers = 1 if debug or watch else workers or default_workers()
    if workers > 1:
        if not gunicorn_available():
            raise click.UsageError("--workers over 1 trenger gunicorn (Linux/macOS); bruk 1.")
        host, port = config.host, config.port
        click.echo(
            f"Gode grep kjører på http://{host}:{port} med {workers} prosesser (Ctrl+C stopper).",
            err=True,
        )
        check_index(config)
        headed_errors()
        serve_processes(config, workers, threads)
        return
    app = create_app(config)
    app.config["WATCH"] = watch
    if watch:  # the editor's preview: re-index saved cases and reload the app's content
        from kb.cli.watch import start

        start(app)
    warm_up(app)
    keep_warm(app)
    host, port = config.host, config.port
    click.echo(f"Gode grep kjører på http://{host}:{port} (Ctrl+C stopper).", err=True)
    if watch:
        click.echo(
            f"Forhåndsvisning: endringer i {config.content_dir / 'grep'} indekseres når du "
            "lagrer, og feil vises på siden til grepet.",
            err=True,
        )
    if debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    waitress_server(in_slots(app), host, port, threads).run()


def waitress_server(app, host: str, port: int, threads: int):
    """A waitress server whose own error answers (400, 413, 431 …) carry the security headers.

    Waitress answers malformed or oversized requests itself, without calling the app; its
    channel's error_task_class is the one hook for those answers.
    """
    from waitress.channel import HTTPChannel
    from waitress.server import create_server
    from waitress.task import ErrorTask

    from web.security import HEADERS

    class HeadedErrorTask(ErrorTask):
        def execute(self):
            self.response_headers.extend([*HEADERS.items(), ("Cache-Control", "no-store")])
            super().execute()

    class Channel(HTTPChannel):
        error_task_class = HeadedErrorTask

    server = create_server(app, host=host, port=port, threads=threads, ident="gode-grep")
    server.channel_class = Channel
    return server
