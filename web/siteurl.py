"""The site's public address: KB_SITE_URL when set, else the address the request came to."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix


def is_loopback(url: str) -> bool:
    """Whether a URL points at this machine (localhost, 127.x.x.x, ::1)."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def site_url() -> str:
    """The base URL for absolute links, without a trailing slash.

    KB_SITE_URL wins, except that a loopback address is never shown to a public host.
    Otherwise the address the request came to, with the application root it is served under
    (request.url_root): callers add the app's own paths («/grep/x»), which never carry it.
    """
    configured = str(current_app.config.get("SITE_URL") or "").rstrip("/")
    here = request.url_root.rstrip("/")
    if configured and not (is_loopback(configured) and not is_loopback(here)):
        return configured
    return here


def canonical_url() -> str:
    """The absolute address of this page without its query string."""
    return site_url() + request.path


def register(app: Flask) -> None:
    """Trust X-Forwarded-* from TRUSTED_PROXIES proxies (none by default); template globals."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.add_template_global(site_url, "site_url")
    app.add_template_global(canonical_url, "canonical_url")
