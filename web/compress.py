"""Brotli or gzip for large text responses (flask-compress), so a report page (~700 kB)
travels as ~1/5.

Brotli when the client accepts it (every browser over HTTPS, and the bench's clients), else
gzip: at quality 1 a new search page (~41 kB) costs less than half of zlib's fastest level
and is smaller (bench/gzip_levels.py). A body already compressed once is not compressed
again: its compressed copy is kept by the algorithm and the hash of the body, or, for a kept
page (web/pagecache.py), by the body object itself, which spares hashing a search page's
~41 kB (~50 µs) whether it is new or kept.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict

import brotli
from flask import Flask, g
from flask_compress import Compress

MIN_BYTES = 8_000  # smaller pages gain too little to pay for the work
LEVEL = 5  # for large bodies (the map, sources, reports): compressed once, then kept
# A body up to FAST_BYTES (a search page, ~41 kB, mostly new) at zlib's fastest level
# (nginx's default): ~0.20 ms and ~8.9 kB, against ~0.45 ms and ~7.8 kB at LEVEL
# (bench/gzip_levels.py; docs/drift.md «Flere prosesser med waitress»).
FAST_LEVEL, FAST_BYTES = 1, 64_000
# Brotli, preferred when accepted: quality 1 for a body up to FAST_BYTES (~0.10 ms and ~8.8 kB
# for a search page, against gzip's ~0.19 ms and ~8.9 kB), quality 5 for the large ones (the
# map: ~3.7 ms and 48.8 kB, against gzip's 4.2 ms and 57.2 kB).
FAST_QUALITY, QUALITY = 1, 5
ALGORITHMS = ["br", "gzip"]  # in the server's order of preference
KEPT_BYTES = 32_000_000  # gzipped bodies (and kept pages' bodies) per process, by total size
TEXT_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/xml",
    "text/csv",
    "text/markdown",
    "text/javascript",
    "application/json",
    "application/javascript",
    "image/svg+xml",
]


class GzipCache:
    """flask-compress's cache backend: compressed bodies by key («br;…» or «gzip;…»: the
    algorithm, then body_key's), bounded by their total size. It also makes the compressed
    body that is not kept yet, at a level for the body's size.

    An entry by identity (body_key) holds the body it was made from, so no other object can
    take its id while the entry lives; its size counts too.
    """

    def __init__(self, limit: int = KEPT_BYTES):
        self.limit, self.size = limit, 0
        self._bodies: OrderedDict[str, tuple[bytes | None, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes:
        """The body compressed: kept, or made now (flask-compress then calls set() with it)."""
        with self._lock:
            entry = self._bodies.get(key)
            if entry is not None and entry[0] is g.kb_gzip_of:
                self._bodies.move_to_end(key)
                return entry[1]
        return compressed(g.kb_body, key.partition(";")[0])

    def set(self, key: str, gzipped: bytes) -> None:
        entry = (g.kb_gzip_of, gzipped)
        with self._lock:
            old = self._bodies.pop(key, None)
            self.size += _size(entry) - (_size(old) if old is not None else 0)
            self._bodies[key] = entry
            while self.size > self.limit and len(self._bodies) > 1:
                self.size -= _size(self._bodies.popitem(last=False)[1])

    def __len__(self) -> int:
        return len(self._bodies)


def compressed(body: bytes, algorithm: str) -> bytes:
    """The body compressed with the algorithm («br», else gzip), at the level for its size."""
    small = len(body) <= FAST_BYTES
    if algorithm == "br":
        return brotli.compress(body, quality=FAST_QUALITY if small else QUALITY)
    return gzip.compress(body, FAST_LEVEL if small else LEVEL)


def _size(entry: tuple[bytes | None, bytes]) -> int:
    return len(entry[1]) + (len(entry[0]) if entry[0] is not None else 0)


def body_key(_request) -> str:
    """The cache key of the body flask-compress is about to compress: a kept page's identity
    (web/pagecache.py names it), else the body's hash."""
    body = g.kb_body = g.kb_compressing.get_data()
    if body is g.get("kb_kept_body"):
        g.kb_gzip_of = body
        return f"kept:{id(body)}"
    g.kb_gzip_of = None
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def register(app: Flask) -> None:
    """Compress large text responses when the client accepts brotli or gzip.

    Only whole 200 responses built in memory: files streamed from disk (static files,
    source documents) and error pages go out as they are, as before flask-compress.
    """
    app.config.update(
        COMPRESS_ALGORITHM=ALGORITHMS,
        COMPRESS_LEVEL=LEVEL,
        COMPRESS_MIN_SIZE=MIN_BYTES,
        COMPRESS_MIMETYPES=TEXT_TYPES,
        COMPRESS_STREAMS=False,
        COMPRESS_REGISTER=False,  # registered below, behind the streamed-file check
        COMPRESS_CACHE_BACKEND=GzipCache,
        COMPRESS_CACHE_KEY=body_key,
        # No app response has an ETag or a Last-Modified, so werkzeug's make_conditional only
        # added a Date header (~15 µs a page), which gunicorn drops (a hop-by-hop header to
        # it) and replaces with its own, as waitress sends one.
        COMPRESS_EVALUATE_CONDITIONAL_REQUEST=False,
    )
    compress = Compress(app)
    app.extensions["kb_gzip"] = compress.cache

    @app.after_request
    def gzip_large_text(response):
        if response.direct_passthrough or response.status_code != 200:
            response.vary.add("Accept-Encoding")
            return response
        g.kb_compressing = response  # for body_key, called only when it is compressed
        return compress.after_request(response)
