"""The search page: results, facets, pagination, «Mente du …?» and the zero-result help."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from web.model import browse
from web.model import results as result_list
from web.model.params import FILTERS, MAX_PAGE, parse_request, run_search
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
        hits=result_list.dress_hits(result["hits"], content),
        counts=result_list.kind_counts(result),
        max_page=MAX_PAGE,
        facet_order=facet_order(),
        themes=browse.ways_in(content, "themes", "themes", "tema"),
    )


def facet_order() -> list[tuple[str, str]]:
    """(index field, URL parameter) of the facet boxes, type first."""
    return [("kind", "type"), *((name, param) for param, name in FILTERS.items())]
