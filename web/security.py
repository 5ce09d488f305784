"""Security headers on every response and bounds on every request."""

from __future__ import annotations

from flask import Flask, current_app, request

from kb.errors import QueryError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def register(app: Flask) -> None:
    """Count parameters before each request; add the headers after it."""

    @app.before_request
    def bound_parameters() -> None:
        limit = int(current_app.config["MAX_PARAMS"])
        count = sum(len(request.args.getlist(k)) for k in request.args)
        if count > limit:
            raise QueryError(
                f"Forespørselen har for mange parametre ({count}); det største "
                f"antallet er {limit}. Fjern noen av filtrene og prøv igjen."
            )

    @app.after_request
    def add_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Access-Control-Allow-Origin", "*")  # open data
        return response
