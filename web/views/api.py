"""JSON twins of the pages: search, one case, all cases (open data), one source."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, jsonify, request

from kb import cite, urls
from kb.opendata import LICENSE, case_record
from web import pagecache
from web.jsonbody import jsonify_text
from web.model import browse
from web.model.params import for_my_kommune, parse_request, run_search
from web.siteurl import site_url
from web.state import site
from web.views import history

bp = Blueprint("api", __name__, url_prefix="/api")
TIMING = "\x00took_ms\x00"  # stands for the search's timing in a kept JSON body


def timed_body(result: dict) -> tuple[bytes, bytes]:
    """jsonify(result)'s body (UTF-8) split where the search's timing goes, which changes per
    request: kept encoded, so a kept body is not encoded again."""
    body = jsonify_text(current_app, {**result, "took_ms": TIMING})
    before, after = body.split(json.dumps(TIMING), 1)
    return before.encode(), after.encode()


@bp.get("/sok")
def search():
    config = current_app.config
    req = parse_request(request.args, int(config["MAX_QUERY_CHARS"]))
    content = site().content()
    req, _mine = for_my_kommune(req, content.ctx.register)
    result = run_search(site().searcher(), req, int(config["PAGE_SIZE"]))
    key = pagecache.page_key("api", request.query_string)
    inputs = pagecache.search_inputs(result)
    before, after = site().pages.page(key, content, inputs, lambda: timed_body(result))
    body = b"".join((before, json.dumps(result["took_ms"]).encode(), after))
    return current_app.response_class(body, mimetype="application/json")


def record(case) -> dict:
    """A case's open-data record with its absolute URL on this site."""
    data = case_record(case)
    data["url"] = urls.absolute(site_url(), urls.case_url(case.id))
    return data


@bp.get("/grep/<slug:case_id>")
def case(case_id: str):
    content = site().content()
    found = content.cases.get(case_id) or abort(404)
    data = record(found)
    data["locations"] = [browse.citation_dict(c) for c in found.sources]
    data["sections"] = [{"heading": h, "markdown": md} for h, md in found.sections]
    version = history.current(found)
    items = cite.case_items(found, content.sources, site_url(), version.label if version else "")
    data["version"] = {"date": version.date, "rev": version.rev} if version else None
    data["cite"] = [cite.apa(it) for it in items]
    return jsonify(data)


@bp.get("/grep.json")
def all_cases():
    cases = sorted(site().content().cases.values(), key=lambda c: c.id)
    return jsonify(
        {
            "count": len(cases),
            "repository": current_app.config["REPO_URL"],
            "license": LICENSE,
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
        {
            "id": c.id,
            "url": urls.case_url(c.id),
            "locations": [browse.citation_dict(r) for r in refs],
        }
        for c, refs in browse.citing(content, source_id)
    ]
    return jsonify(data)
