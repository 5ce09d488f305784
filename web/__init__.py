"""The Flask web service: search, cases, sources, map and open data (presentation only)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask

from kb import settings

INSTANCE_FILE = "config.py"  # instance/config.py, as docs/innstillinger.md says


def default_config() -> dict:
    """Every declared setting at its default."""
    return {s.name: s.default for s in settings.SETTINGS}


def env_config() -> dict:
    """The settings given as KB_* environment variables."""
    return {s.name: settings.get(s.name) for s in settings.SETTINGS if s.env in os.environ}


def create_app(config: Mapping | None = None) -> Flask:
    """The app: defaults, then instance/config.py, then KB_* variables, then `config`."""
    from web import compress, csrf, errors, security, state, templating
    from web.views import api, cases, feeds, guides, pages, propose, search, sources, suggest

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(default_config())
    app.config.from_pyfile(INSTANCE_FILE, silent=True)
    app.config.from_mapping(env_config())
    app.config.from_mapping(config or {})
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # the service takes no uploads
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.converters["slug"] = state.SlugConverter
    app.extensions[state.KEY] = state.Site.from_config(app.config)
    for module in (pages, search, cases, sources, api, propose, guides, feeds, suggest):
        app.register_blueprint(module.bp)
    errors.register(app)
    security.register(app)
    compress.register(app)
    templating.register(app)
    csrf.register(app)
    return app
