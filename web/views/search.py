"""The search page: results, facets, pagination, «Mente du …?» and the zero-result help."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for

from web import pagecache, search_page
from web.model import browse
from web.model import results as result_list
from web.model.params import MAX_PAGE, facet_html, for_my_kommune, parse_request, run_search
from web.state import site
from web.templating import link

bp = Blueprint("search", __name__)


@bp.get("/sok")
def results():
    config = current_app.config
    req = parse_request(request.args, int(config["MAX_QUERY_CHARS"]))
    content = site().content()
    register = content.ctx.register
    resolved, mine = for_my_kommune(req, register)
    if mine is not None and not req.chosen:  # «Min kommune» from the form: pre-select
        return redirect(url_for("search.results") + resolved.query())
    result = run_search(site().searcher(), resolved, int(config["PAGE_SIZE"]))
    return site().pages.page(
        pagecache.page_key("sok", request.query_string),
        content,
        pagecache.search_inputs(result),
        lambda: render_page(req, resolved, mine, result, content),
    )


def render_page(req, resolved, mine, result: dict, content) -> bytes:
    """The search page for a result, in UTF-8 (kept by results() with what it was rendered
    from)."""
    return search_page.render(page_values(req, resolved, mine, result, content))


def page_values(req, resolved, mine, result: dict, content) -> dict:
    """What the search page shows (web/search_page.py writes it)."""
    register = content.ctx.register
    sources = site().derived("source-lines", result_list.source_lines)
    result = {**result, "hits": result_list.dress_hits(result["hits"], content, sources)}
    corrected = result.get("suggestion") and result["total"]
    shown_q = result["suggestion"] if corrected else req.q  # the heading names what was searched
    label = facet_labels()
    return {
        "req": resolved,
        "result": result,
        "mine": mine,
        "mine_guess": register.suggest_kommune(req.min_kommune)
        if req.min_kommune and not mine
        else None,
        "heading": result_list.count_line(result, shown_q),
        "groups": result_list.hit_groups(result, resolved),
        "max_page": MAX_PAGE,
        "facets": facet_html(resolved, result["facets"], label, link("search.results")),
        "label": label,
        # only the zero-result help shows them
        "themes": [] if result["total"] else browse.ways_in(content, "themes", "themes", "tema"),
    }


def facet_labels():
    """label(name, value) for facet values, remembered per version of the content."""
    content = site().content()
    known = site().derived("facet-labels", lambda _content: {})

    def label(name: str, value: str) -> str:
        text = known.get((name, value))
        if text is None:
            text = known[(name, value)] = browse.facet_label(content, name, value)
        return text

    return label
