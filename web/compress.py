"""gzip for large text responses, so a report page (about 700 kB of HTML) travels as ~1/5."""

from __future__ import annotations

import gzip

from flask import Flask, request

MIN_BYTES = 8_000  # smaller pages gain too little to pay for the work
LEVEL = 5  # a few milliseconds for the largest page
TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


def wants_gzip(response) -> bool:
    """Whether this response should be compressed for this request."""
    return (
        "gzip" in request.headers.get("Accept-Encoding", "").lower()
        and response.status_code == 200
        and not response.direct_passthrough  # files streamed from disk stay as they are
        and "Content-Encoding" not in response.headers
        and response.mimetype.startswith(TEXT_TYPES)
        and (response.content_length or 0) >= MIN_BYTES
    )


def register(app: Flask) -> None:
    """Compress large text responses when the client accepts gzip."""

    @app.after_request
    def compress(response):
        response.vary.add("Accept-Encoding")
        if wants_gzip(response):
            response.set_data(gzip.compress(response.get_data(), compresslevel=LEVEL, mtime=0))
            response.headers["Content-Encoding"] = "gzip"
        return response
