"""The Flask web service: search, cases, sources, map and open data (presentation only)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from kb import cite, settings


def create_app(config: settings.Config | Mapping | None = None) -> Flask:
    """The app for a resolved Config, or for defaults → instance file → KB_* → `config`.

    Keys of a mapping that are not settings (TESTING, WATCH …) go to app.config as they are.
    """
    from web import (
        assets,
        compress,
        csrf,
        errors,
        search_page,
        security,
        siteurl,
        state,
        templating,
    )
    from web.views import (
        api,
        cases,
        feeds,
        guides,
        history,
        pages,
        propose,
        search,
        sources,
        suggest,
    )

    resolved = config if isinstance(config, settings.Config) else settings.resolve(config)
    extra = {} if isinstance(config, settings.Config) else dict(config or {})
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_pyfile(settings.INSTANCE_FILE, silent=True)  # Flask's own keys, if any
    app.config.from_mapping(extra)
    app.config.from_mapping(resolved.values)
    app.config["KB_CONFIG"] = resolved
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # the service takes no uploads
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.url_map.converters["slug"] = state.SlugConverter
    app.extensions[state.KEY] = state.Site.from_config(resolved)
    cite.store_beside(resolved.index_dir)  # APA references on disk, shared with `kb export`
    for module in (pages, search, cases, history, sources, api, propose, guides, feeds, suggest):
        app.register_blueprint(module.bp)
    errors.register(app)
    security.register(app)
    compress.register(app)
    assets.register(app)  # after compress: its gzip of static files runs first
    templating.register(app)
    app.add_template_global(search_page.search_form)  # the search box of three pages
    csrf.register(app)
    siteurl.register(app)
    return app
