"""Static files: content-hashed URLs (?v=<hash>), a year's cache lifetime, gzip for CSS/JS/SVG.

`url_for('static', filename='site.css')` gives `/static/site.css?v=3f2a…`; a response for the
current hash may be kept for a year, since a changed file gets a new URL. Without the hash (an
old page, a typed address) the file is revalidated as before.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from flask import Flask, request

YEAR = 365 * 24 * 3600
COMPRESSED = (".css", ".js", ".svg")
LEVEL = 9  # done once per file version, then kept in memory
RESOLVED = 256  # filenames whose resolved path is kept


class Assets:
    """The hashes and gzipped bodies of the files in one static folder, by file version."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._hashes: dict[str, tuple[float, str]] = {}
        self._gzipped: dict[tuple[str, str], bytes] = {}
        self._resolved: dict[str, Path | None] = {}  # filename → path inside the folder

    def _path(self, filename: str) -> Path | None:
        path = (self.folder / filename).resolve()
        inside = path.is_relative_to(self.folder.resolve())
        return path if inside and path.is_file() else None

    def version(self, filename: str) -> str:
        """The first 12 hex digits of the file's sha256 ("" when there is no such file).

        Every page asks for a few of these: the path is resolved once per filename, then one
        stat per call sees a changed (or removed) file.
        """
        if filename not in self._resolved:
            if len(self._resolved) >= RESOLVED:  # names come from request URLs too
                self._resolved.clear()
            self._resolved[filename] = self._path(filename)
        path = self._resolved[filename]
        try:
            mtime = path.stat().st_mtime if path is not None else None
        except OSError:
            mtime = None
        if mtime is None:
            self._resolved.pop(filename, None)  # looked up again: it may come back
            return ""
        known = self._hashes.get(filename)
        if known is None or known[0] != mtime:
            known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
            self._hashes[filename] = known
        return known[1]

    def gzipped(self, filename: str) -> bytes | None:
        """The file gzipped (kept per version), or None for a file type not worth it."""
        path = self._path(filename)
        if path is None or path.suffix not in COMPRESSED:
            return None
        key = (filename, self.version(filename))
        if key not in self._gzipped:
            self._gzipped[key] = gzip.compress(path.read_bytes(), LEVEL, mtime=0)
        return self._gzipped[key]


def register(app: Flask) -> None:
    """Add ?v=<hash> to static URLs; cache hashed responses for a year; gzip CSS and JS."""
    assets = app.extensions["kb_assets"] = Assets(Path(app.static_folder or "static"))

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = assets.version(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_and_compress(response):
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        current = request.args.get("v") == assets.version(filename)
        response.cache_control.public = True
        response.cache_control.max_age = YEAR if current else 0
        response.cache_control.immutable = current
        response.cache_control.no_cache = None if current else True
        body = assets.gzipped(filename)
        response.vary.add("Accept-Encoding")
        if body is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
            response.close()  # the streamed file is replaced by the gzipped copy
            response.direct_passthrough = False
            response.set_data(body)
            response.headers["Content-Encoding"] = "gzip"
        return response
