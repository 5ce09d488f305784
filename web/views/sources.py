"""The list of reports and a report's page with its excerpts and passages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from kb.errors import IndexMissing
from web.model import browse, sourceview
from web.state import site

bp = Blueprint("sources", __name__)


@bp.get("/kilder/")
def source_list():
    content = site().content()
    rows = [(s, len(browse.citing(content, s.id))) for s in content.sources.values()]
    return render_template("sources.html", rows=rows)


def passages(source_id: str) -> list[dict] | None:
    """The source's indexed passages, or None when the index is missing."""
    try:
        return sourceview.indexed_passages(site().searcher(), source_id)
    except IndexMissing:
        return None


@bp.get("/kilder/<slug:source_id>")
def source_page(source_id: str):
    content = site().content()
    source = content.sources.get(source_id) or abort(404)
    lines = sourceview.read_lines(source, content.ctx.source_dirs)
    cited, used = browse.citing(content, source_id), set()
    hits = passages(source_id)
    return render_template(
        "source.html",
        source=source,
        cited=cited,
        has_file=lines is not None,
        excerpts=sourceview.excerpts(cited, lines, used),
        passages=None if hits is None else sourceview.passage_blocks(hits, lines, used),
    )
