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


def cache_control(response, present: set[str] | None = None) -> str | None:
    """The Cache-Control for a response the app made, or None to keep the one it has (present:
    the lower-cased names of its headers, when known)."""
    if present is None:
        present = {name.lower() for name in response.headers.keys()}
    if "cache-control" in present:
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


def missing(present: set[str]) -> list[tuple[str, str]]:
    """The headers of HEADERS whose lower-cased names are not in present (the response's), in
    their order: headers.setdefault for each, from one pass over the response's headers
    (setdefault looked each name up twice: ~40 µs a response)."""
    return [(name, value) for low, name, value in NAMES if low not in present]


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
        # HEADERS, then Cache-Control and the API's CORS header where missing, in that
        # order, from one look at the response's headers and with one extend
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        added = missing(present)
        cache = cache_control(response, present)
        if cache:
            added.append(("Cache-Control", cache))
        if request.path.startswith("/api/") and "access-control-allow-origin" not in present:
            added.append(("Access-Control-Allow-Origin", "*"))  # open data
        headers.extend(added)
        return response
