"""`kb serve`: check the content, build the index when it is missing, then serve the app."""

from __future__ import annotations

import os
import sys

import click
from whoosh import index as whoosh_index

from kb import settings
from kb.cli.group import stop_on_broken
from kb.errors import KbError


def ensure_index(config: settings.Config) -> bool:
    """Build the index (with progress on stderr) unless one exists; True when it was built.

    The content is read and checked first: a broken vocabulary or synonym file stops here.
    """
    from kb.content.loader import load_content

    content = load_content(config.content_dir, source_dirs=config.sources)
    stop_on_broken(content)
    if whoosh_index.exists_in(str(config.index_dir)):
        return False
    from indexer.build import build_index
    from indexer.progress import Progress

    click.echo(f"Søkeindeksen finnes ikke i {config.index_dir}; bygger den nå …", err=True)
    stats = build_index(content, config.index_dir, config.sources, Progress(), config=config)
    for problem in stats.problems:
        click.echo(problem, err=True)
    click.echo(stats.summary(), err=True)
    return True


def warm_up(app) -> None:
    """Open the searcher and run one search, so the first visitor does not wait for it."""
    from web.state import KEY

    site = app.extensions[KEY]
    site.content()
    try:
        site.searcher().search("bolig", limit=1)
    except KbError as exc:
        click.echo(f"Advarsel: {exc}", err=True)


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


def serve_processes(config: settings.Config, workers: int, threads: int) -> None:
    """gunicorn with `workers` processes of `threads` threads, each with its own app.

    The app is made after the fork (no preload): Whoosh reads its files through file objects
    whose position a forked child would share. Each worker opens the index files itself; the
    operating system keeps one copy of their pages in its cache for all of them.
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
                "post_worker_init": lambda worker: warm_up(worker.wsgi),
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(config)

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
        serve_processes(config, workers, threads)
        return
    app = create_app(config)
    app.config["WATCH"] = watch
    if watch:  # the editor's preview: re-index saved cases and reload the app's content
        from kb.cli.watch import start

        start(app)
    warm_up(app)
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
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads, ident="gode-grep", _quiet=True)
