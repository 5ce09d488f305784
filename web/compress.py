"""gzip for large text responses (flask-compress), so a report page (~700 kB) travels as ~1/5."""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIN_BYTES = 8_000  # smaller pages gain too little to pay for the work
LEVEL = 5  # a few milliseconds for the largest page
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
    )
    compress = Compress(app)

    @app.after_request
    def gzip_large_text(response):
        if response.direct_passthrough or response.status_code != 200:
            response.vary.add("Accept-Encoding")
            return response
        return compress.after_request(response)
