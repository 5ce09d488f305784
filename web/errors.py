"""Every error as a Norwegian page, or JSON under /api/; never a traceback."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kb.errors import ContentError, IndexBroken, IndexMissing, QueryError

MESSAGES = {
    400: ("Ugyldig forespørsel", "Vi forsto ikke forespørselen. Sjekk adressen og prøv igjen."),
    404: (
        "Siden finnes ikke",
        "Vi fant ingen side på denne adressen. Kanskje den er flyttet, "
        "eller adressen er skrevet feil.",
    ),
    405: ("Ikke tillatt", "Denne adressen kan bare leses, ikke endres."),
    413: ("For stor forespørsel", "Forespørselen er for stor."),
    500: ("Noe gikk galt", "Det oppstod en feil hos oss. Prøv igjen om litt."),
    503: ("Tjenesten er ikke klar", "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt."),
}

INDEX_BROKEN = (
    "Søkeindeksen kan ikke leses akkurat nå. Den må bygges på nytt (`kb index`); prøv igjen "
    "om litt."
)


def error_response(status: int, message: str | None = None):
    """A Norwegian error page, or {"error": {...}} for the JSON routes."""
    title, default = MESSAGES.get(status, MESSAGES[500])
    message = message or default
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"status": status, "title": title, "message": message}})
        return response, status
    return render_template("error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        body, status = error_response(exc.code or 500)
        response = current_app.make_response((body, status))
        for name, value in exc.get_headers():  # Allow on 405, Retry-After …
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(QueryError)
    def query_error(exc: QueryError):
        return error_response(400, str(exc))

    @app.errorhandler(IndexMissing)
    def index_missing(exc: IndexMissing):
        if isinstance(exc, IndexBroken):  # the folder and whoosh's reason go to the log, once
            logged = current_app.extensions.setdefault("kb_logged_errors", set())
            if str(exc) not in logged:
                logged.add(str(exc))
                current_app.logger.error("%s", exc)
            return error_response(503, INDEX_BROKEN)
        return error_response(503, str(exc))

    @app.errorhandler(ContentError)
    def content_error(exc: ContentError):
        current_app.logger.error("Innholdet kan ikke leses: %s", exc)
        return error_response(503, "Innholdet kan ikke leses akkurat nå. Prøv igjen om litt.")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        current_app.logger.exception("Uventet feil på %s", request.path)
        return error_response(500)
