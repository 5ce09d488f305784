"""Protection against forged form posts: a random token per session, checked on every POST."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

FIELD = "csrf_token"
KEPT_COOKIES = 256  # decoded session cookies kept per app (a reader sends the same one back)
PLAIN = (str, int, float, bool, type(None))  # values a kept session may share between requests


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

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple, tuple[dict, int]] = OrderedDict()
        self._lock = threading.Lock()

    def open_session(self, app, request):
        if not app.secret_key:
            return super().open_session(app, request)  # None: Flask's null session
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()  # as Flask's, without making its signer first
        max_age = int(app.permanent_session_lifetime.total_seconds())
        data = self._decoded(app, cookie, max_age)
        return self.session_class() if data is None else self.session_class(data)

    def _decoded(self, app, cookie: str, max_age: int) -> dict | None:
        """The cookie's data as Flask's loads(cookie, max_age) gives it (None: a bad or expired
        signature), checking a cookie's signature once: ~0.2 ms a request with a session.
        Kept per signing key, salt and fallbacks and checked for age on every request."""
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), self.salt)
        key += (cookie,)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
        if found is None:
            try:
                data, signed = self.get_signing_serializer(app).loads(
                    cookie, max_age=max_age, return_timestamp=True
                )
            except BadSignature:
                return None
            found = (data, int(signed.timestamp()))
            if isinstance(data, dict) and all(isinstance(v, PLAIN) for v in data.values()):
                with self._lock:
                    self._kept[key] = found
                    while len(self._kept) > KEPT_COOKIES:
                        self._kept.popitem(last=False)
        data, signed = found
        age = int(time.time()) - signed  # as itsdangerous's TimestampSigner.unsign checks it
        return data if 0 <= age <= max_age else None

    def save_session(self, app, session, response) -> None:
        if session.modified or (session and self.should_set_cookie(app, session)):
            super().save_session(app, session, response)
        elif session.accessed:  # all Flask's does for a session it neither sets nor deletes
            response.vary.add("Cookie")


def register(app: Flask) -> None:
    """Sign sessions with SECRET_KEY (a random one per process when none is set)."""
    if not app.config.get("SECRET_KEY"):
        # Each process makes its own key: several workers need a shared KB_SECRET_KEY.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.session_interface = Sessions()
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = str(app.config["SITE_URL"]).startswith("https://")
    app.add_template_global(token, "csrf_token")
