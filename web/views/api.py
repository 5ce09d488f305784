"""JSON twins of the pages: search, one case, all cases (open data), one source."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from kb import cite
from kb.opendata import case_record
from web.model import browse
from web.model.params import for_my_kommune, parse_request, run_search
from web.state import site

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/sok")
def search():
    config = current_app.config
    req = parse_request(request.args, int(config["MAX_QUERY_CHARS"]), int(config["MAX_PARAMS"]))
    req, _mine = for_my_kommune(req, site().content().ctx.register)
    return jsonify(run_search(site().searcher(), req, int(config["PAGE_SIZE"])))


def record(case) -> dict:
    """A case's open-data record with its absolute URL on this site."""
    data = case_record(case)
    data["url"] = f"{current_app.config['SITE_URL'].rstrip('/')}/grep/{case.id}"
    return data


@bp.get("/grep/<slug:case_id>")
def case(case_id: str):
    content = site().content()
    found = content.cases.get(case_id) or abort(404)
    data = record(found)
    data["locations"] = [browse.citation_dict(c) for c in found.sources]
    data["sections"] = [{"heading": h, "markdown": md} for h, md in found.sections]
    items = cite.case_items(found, content.sources, current_app.config["SITE_URL"])
    data["cite"] = [cite.apa(it) for it in items]
    return jsonify(data)


@bp.get("/grep.json")
def all_cases():
    cases = sorted(site().content().cases.values(), key=lambda c: c.id)
    return jsonify(
        {
            "count": len(cases),
            "repository": current_app.config["REPO_URL"],
            "cases": [record(c) for c in cases],
        }
    )


@bp.get("/kilder/<slug:source_id>")
def source(source_id: str):
    content = site().content()
    found = content.sources.get(source_id) or abort(404)
    data = browse.source_dict(found)
    data["cite"] = cite.apa(cite.source_item(found))
    data["cited_by"] = [
        {"id": c.id, "url": f"/grep/{c.id}", "locations": [browse.citation_dict(r) for r in refs]}
        for c, refs in browse.citing(content, source_id)
    ]
    return jsonify(data)
