"""`kb serve`: build the index when it is missing, then serve the app with waitress."""

from __future__ import annotations

import os
from pathlib import Path

import click
from whoosh import index as whoosh_index

from kb.errors import KbError


def ensure_index(content_dir: Path, index_dir: Path, source_dirs: tuple[Path, ...]) -> bool:
    """Build the index (with progress on stderr) unless one exists; True when it was built."""
    if whoosh_index.exists_in(str(index_dir)):
        return False
    from indexer.build import build_index
    from indexer.progress import Progress
    from kb.content.loader import load_content

    click.echo(f"Søkeindeksen finnes ikke i {index_dir}; bygger den nå …", err=True)
    content = load_content(content_dir, source_dirs=source_dirs)
    stats = build_index(content, index_dir, source_dirs, Progress())
    for problem in stats.problems:
        click.echo(problem, err=True)
    click.echo(stats.summary(), err=True)
    return True


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
    import waitress

    waitress.serve(app, host=host, port=port, threads=threads, ident="gode-grep", _quiet=True)
