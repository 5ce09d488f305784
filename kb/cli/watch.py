"""The editor's preview (`kb serve --watch`): re-index changed cases and reload the content."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from indexer.watch import Change, Watcher
from kb.errors import KbError
from web.model.preview import shown
from web.state import KEY

WATCH_KEY = "gode_grep_watch"
SAID = {
    "oppdatert": "indeksert på nytt",
    "slettet": "fjernet fra søkeindeksen",
    "uendret": "har feil; søket viser forrige versjon til feilene er rettet",
}


def report(change: Change, root: Path) -> None:
    """One line per changed file on stderr, then its problems."""
    try:
        name = change.path.relative_to(root.parent)
    except ValueError:
        name = change.path
    click.echo(f"{name}: {change.note or SAID.get(change.action, change.action)}", err=True)
    for line in shown(change.problems, root):
        click.echo(f"  {line}", err=True)


def start(app: Flask) -> Watcher:
    """Watch the app's content/grep in a daemon thread (app.extensions holds it, for stop())."""
    site = app.extensions[KEY]

    def changed(changes: list[Change]) -> None:
        for change in changes:  # first the editor's line, then the reload the page waits for
            report(change, site.content_root)
        site.reload()
        try:
            site.searcher().refresh()  # warm the updated index before the preview asks
        except KbError:
            pass  # no index to warm: the page says how to build one

    debounce = float(app.config.get("WATCH_SECONDS", 0.2))
    watcher = Watcher(site.content_root, site.index_dir, changed, debounce, site.source_dirs)
    watcher.start()
    app.extensions[WATCH_KEY] = watcher
    return watcher
