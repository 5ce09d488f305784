"""Protection against forged form posts: a random token per session, checked on every POST."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface

FIELD = "csrf_token"


def token() -> str:
    """The session's token (made on first use); the form sends it back in a hidden field."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def valid() -> bool:
    """Whether the posted form carries the session's token."""
    expected = session.get(FIELD)
    given = request.form.get(FIELD, "")
    return bool(expected) and hmac.compare_digest(str(expected), given)


class Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without their work for a request that has none and
    leaves none (almost every request: only the proposal form makes a session)."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # as Flask's, without making its signer first
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if session or session.accessed or session.modified:  # else Flask's does nothing
            super().save_session(app, session, response)


def register(app: Flask) -> None:
    """Sign sessions with SECRET_KEY (a random one per process when none is set)."""
    if not app.config.get("SECRET_KEY"):
        # Each process makes its own key: several workers need a shared KB_SECRET_KEY.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.session_interface = Sessions()
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = str(app.config["SITE_URL"]).startswith("https://")
    app.add_template_global(token, "csrf_token")
