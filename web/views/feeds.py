"""Atom feeds: every case (/nytt.atom) and the cases of a search (/sok.atom?… as /sok)."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, current_app, request

from web.model import feed
from web.model.params import parse_request, run_search
from web.state import site

bp = Blueprint("feeds", __name__)


def atom(title: str, self_url: str, page_url: str, cases) -> Response:
    body = feed.atom_feed(title, self_url, page_url, current_app.config["SITE_URL"], cases)
    return Response(body, mimetype=feed.MIMETYPE)


@bp.get("/nytt.atom")
def site_feed():
    cases = feed.newest_first(site().content().cases.values())
    return atom("Gode grep: nye og endrede grep", "/nytt.atom", "/", cases)


@bp.get("/sok.atom")
def search_feed():
    config = current_app.config
    req = parse_request(request.args, int(config["MAX_QUERY_CHARS"]))
    req = replace(req, kind="case", sort="newest", page=1)
    result = run_search(site().searcher(), req, feed.MAX_ENTRIES)
    cases = site().content().cases
    found = feed.newest_first(cases[h["id"]] for h in result["hits"] if h["id"] in cases)
    query = req.query()
    title = f"Gode grep: {req.q}" if req.q else "Gode grep: grep i søket"
    return atom(title, "/sok.atom" + query, "/sok" + query, found)
