"""The search page: results, facets, pagination, «Mente du …?» and the zero-result help."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from web.model import browse
from web.model.params import facet_blocks, parse_request, run_search
from web.state import site

bp = Blueprint("search", __name__)


@bp.get("/sok")
def results():
    config = current_app.config
    req = parse_request(request.args, int(config["MAX_QUERY_CHARS"]))
    result = run_search(site().searcher(), req, int(config["PAGE_SIZE"]))
    content = site().content()
    return render_template(
        "search.html",
        req=req,
        result=result,
        facets=facet_blocks(
            req, result["facets"], lambda name, v: browse.facet_label(content, name, v)
        ),
        themes=browse.ways_in(content, "themes", "themes", "tema"),
    )
