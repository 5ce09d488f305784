"""gzip for large text responses (flask-compress), so a report page (~700 kB) travels as ~1/5.

A body already compressed once (a kept page, web/pagecache.py) is not compressed again: the
gzip is kept by the hash of the body (~50 µs for a search page, against ~1 ms to compress it).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import Flask, g
from flask_compress import Compress

MIN_BYTES = 8_000  # smaller pages gain too little to pay for the work
# zlib's fastest level (nginx's default too): a new search page (~41 kB) in ~0.22 ms and
# ~8.9 kB, against ~0.45 ms and ~7.8 kB at level 5 (docs/drift.md «Ytelse»).
LEVEL = 1
KEPT_BYTES = 16_000_000  # gzipped bodies kept per process, by total size
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
    """flask-compress's cache backend: gzipped bodies by key, bounded by their total size."""

    def __init__(self, limit: int = KEPT_BYTES):
        self.limit, self.size = limit, 0
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def set(self, key: str, body: bytes) -> None:
        with self._lock:
            old = self._bodies.pop(key, None)
            self.size += len(body) - (len(old) if old is not None else 0)
            self._bodies[key] = body
            while self.size > self.limit and len(self._bodies) > 1:
                self.size -= len(self._bodies.popitem(last=False)[1])

    def __len__(self) -> int:
        return len(self._bodies)


def body_key(_request) -> str:
    """The cache key of the body flask-compress is about to compress: its hash."""
    return hashlib.blake2b(g.kb_compressing.get_data(), digest_size=16).hexdigest()


def register(app: Flask) -> None:
    """Compress large text responses when the client accepts gzip.

    Only whole 200 responses built in memory: files streamed from disk (static files,
    source documents) and error pages go out as they are, as before flask-compress.
    """
    app.config.update(
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_LEVEL=LEVEL,
        COMPRESS_MIN_SIZE=MIN_BYTES,
        COMPRESS_MIMETYPES=TEXT_TYPES,
        COMPRESS_STREAMS=False,
        COMPRESS_REGISTER=False,  # registered below, behind the streamed-file check
        COMPRESS_CACHE_BACKEND=GzipCache,
        COMPRESS_CACHE_KEY=body_key,
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
