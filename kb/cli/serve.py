"""`kb serve`: build the index when it is missing, then serve the app with waitress."""

from __future__ import annotations

import os
from pathlib import Path

import click
from whoosh import index as whoosh_index

from kb.errors import IndexBroken, IndexUnwritable, KbError


def ensure_index(content_dir: Path, index_dir: Path, source_dirs: tuple[Path, ...]) -> bool:
    """Build the index (with progress on stderr) unless one exists; True when it was built."""
    if whoosh_index.exists_in(str(index_dir)):
        return False
    from indexer.build import build_index
    from indexer.progress import Progress
    from kb.content.loader import load_content

    click.echo(f"Søkeindeksen finnes ikke i {index_dir}; bygger den nå …", err=True)
    content = load_content(content_dir, source_dirs=source_dirs)
    try:
        stats = build_index(content, index_dir, source_dirs, Progress())
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


def app_config(content_dir: Path, index_dir: Path, source_dirs: tuple[Path, ...]) -> dict:
    """The app settings that the command line gives."""
    config = {"CONTENT_DIR": str(content_dir), "INDEX_DIR": str(index_dir)}
    if source_dirs:
        config["SOURCES"] = os.pathsep.join(map(str, source_dirs))
    return config


def warm_up(app) -> None:
    """Open the searcher and run one search, so the first visitor does not wait for it."""
    from web.state import KEY

    site = app.extensions[KEY]
    site.content()
    try:
        site.searcher().search("bolig", limit=1)
    except IndexBroken as exc:  # a corrupt index is not served: every search would fail
        raise SystemExit(fail(str(exc))) from None
    except KbError as exc:
        click.echo(f"Advarsel: {exc}", err=True)


def run(
    host: str,
    port: int,
    threads: int,
    debug: bool,
    content_dir: Path,
    index_dir: Path,
    source_dirs: tuple[Path, ...],
    watch: bool = False,
) -> None:
    """Serve the bundled content at http://host:port (waitress; Flask's server with --debug)."""
    from web import create_app

    ensure_index(content_dir, index_dir, source_dirs)
    app = create_app(app_config(content_dir, index_dir, source_dirs) | {"WATCH": watch})
    if watch:  # the editor's preview: re-index saved cases and reload the app's content
        from kb.cli.watch import start

        start(app)
    warm_up(app)
    url = f"http://{host}:{port}"
    click.echo(f"Gode grep kjører på {url} (Ctrl+C stopper).", err=True)
    if watch:
        click.echo(
            f"Forhåndsvisning: endringer i {content_dir / 'grep'} indekseres når du lagrer, "
            "og feil vises på siden til grepet.",
            err=True,
        )
    if debug:
        app.run(host=host, port=port, debug=True, use_reloader=False)
        return
    waitress_server(app, host, port, threads).run()


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
