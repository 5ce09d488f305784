"""Security headers on every response and bounds on every request."""

from __future__ import annotations

from flask import Flask, current_app, request, session

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
NAMES = tuple((name.lower(), name, value) for name, value in HEADERS.items())
PUBLIC_SECONDS = 60  # a shared cache may keep an anonymous page this long
FORM_PATHS = ("/foresla",)  # pages with a per-session token and posted text: never stored


def cache_control(response) -> str | None:
    """The Cache-Control for a response the app made, or None to keep the one it has."""
    if "Cache-Control" in response.headers:
        return None  # static files set their own
    if (
        response.status_code >= 400
        or request.method not in ("GET", "HEAD")
        or request.path.startswith(FORM_PATHS)
    ):
        return "no-store"
    if session.modified or current_app.config["SESSION_COOKIE_NAME"] in request.cookies:
        return "private, no-cache"
    return f"public, max-age={PUBLIC_SECONDS}"


def add_missing(headers) -> None:
    """headers.setdefault(name, value) for each of HEADERS, in their order, with one pass over
    the response's headers (setdefault looked each name up twice: ~40 µs a response)."""
    present = {name.lower() for name in headers.keys()}
    headers.extend([(name, value) for low, name, value in NAMES if low not in present])


def register(app: Flask) -> None:
    """Count parameters before each request; add the headers and caching rules after it."""

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
        add_missing(response.headers)
        cache = cache_control(response)
        if cache:
            response.headers["Cache-Control"] = cache
        if request.path.startswith("/api/"):
            response.headers.setdefault("Access-Control-Allow-Origin", "*")  # open data
        return response
