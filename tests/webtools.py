"""Helpers for the web tests: an app on a content root and index, and parsed pages."""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
import threading
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup

from web import create_app

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
REAL_CONTENT = TESTS.parent / "content"


def make_app(content: Path, index: Path, sources: tuple[Path, ...] = (), **extra):
    """The app on a content root and an index folder, in testing mode."""
    database = Path(tempfile.mkdtemp(prefix="gode-grep-db-"))
    atexit.register(shutil.rmtree, database, True)  # one folder per app: removed at exit
    config = {
        "CONTENT_DIR": str(content),
        "INDEX_DIR": str(index),
        "TESTING": True,
        "SOURCES": ":".join(map(str, sources)) or str(FIXTURES / "seeds"),
        "DATABASE": str(database / "innsendt.sqlite"),
    }
    return create_app({**config, **extra})


def page(response) -> BeautifulSoup:
    """A response's HTML, parsed."""
    assert response.mimetype == "text/html", response.mimetype
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(node) -> str:
    """The visible text of a node, with whitespace collapsed."""
    return " ".join(node.get_text(" ").split()) if node else ""


@cache
def real_index() -> Path:
    """One index of the real content (and the seeds when here), built once per test run."""
    from indexer.build import build_index
    from kb.content.loader import load_content

    folder = Path(tempfile.mkdtemp(prefix="gode-grep-web-"))
    atexit.register(shutil.rmtree, folder, True)
    build_index(load_content(REAL_CONTENT), folder / "index")
    return folder / "index"


SITE_URL = "https://gode-grep.example/"


@cache
def real_export() -> Path:
    """The real content exported once per test run, from real_index() (a static site folder)."""
    from kb.content.loader import load_content
    from web.static_site import build_site

    folder = Path(tempfile.mkdtemp(prefix="gode-grep-export-"))
    atexit.register(shutil.rmtree, folder, True)
    out = folder / "site"
    edit, repo = "https://example.invalid/edit/", "https://example.invalid"
    build_site(load_content(REAL_CONTENT), out, SITE_URL, edit, repo, index_dir=real_index())
    return out


SUBPATH_SITE_URL = "https://org.github.io/gode-grep/"  # a GitHub Pages project site
SUBPATH = "/gode-grep/"


@cache
def subpath_export(root: Path, index: Path) -> Path:
    """A content root exported once per run with SUBPATH_SITE_URL, a site URL with a folder."""
    from kb.content.loader import load_content
    from web.static_site import build_site

    folder = Path(tempfile.mkdtemp(prefix="gode-grep-subpath-"))
    atexit.register(shutil.rmtree, folder, True)
    out = folder / "site"
    content = load_content(root, None, (FIXTURES / "seeds",))
    edit, repo = "https://example.invalid/edit/", "https://example.invalid"
    build_site(content, out, SUBPATH_SITE_URL, edit, repo, index_dir=index)
    return out


@contextlib.contextmanager
def served_under(folder: Path, prefix: str = SUBPATH):
    """The origin («http://127.0.0.1:port») of http.server serving folder at prefix, as GitHub
    Pages serves a project site: nothing outside prefix, and 404.html (status 404) for a
    missing file inside it, at any depth."""
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            bare = path.split("?", 1)[0].split("#", 1)[0]
            if not (bare + "/").startswith(prefix):
                return str(folder / "utenfor-mappen" / "finnes-ikke")
            return super().translate_path("/" + path[len(prefix) :])

        def send_error(self, code, message=None, explain=None) -> None:
            if code != 404 or not self.path.startswith(prefix):
                return super().send_error(code, message, explain)
            body = (folder / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def served_app(app):
    """The base url of the app served by werkzeug in a thread on 127.0.0.1, port 0."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
