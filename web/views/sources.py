"""The list of reports, a report's overview and its text, part by part."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from kb.errors import IndexMissing
from kb.search import outline
from web.model import browse, reader, sourceview
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


def report(source_id: str):
    """The source, the cases citing it and its outline (None without one in the index)."""
    content = site().content()
    source = content.sources.get(source_id) or abort(404)
    found = outline.load(site().index_dir, source_id)
    if found and found["sha256"] not in {f.sha256 for f in source.files}:
        found = None  # the registered file changed since the index was built: lines moved
    return source, browse.citing(content, source_id), found


@bp.get("/kilder/<slug:source_id>")
def source_page(source_id: str):
    source, cited, found = report(source_id)
    if found:
        parts = reader.parts(found["entries"])
        ranges = reader.cited_ranges(cited)
        where = {r.anchor: reader.part_of(parts, r.first).number for r in ranges}
        return render_template(
            "source.html", source=source, cited=cited, parts=parts, ranges=ranges, where=where
        )
    content = site().content()
    lines = sourceview.read_lines(source, content.ctx.source_dirs)
    used: set[str] = set()
    hits = passages(source_id)
    return render_template(
        "source.html",
        source=source,
        cited=cited,
        parts=None,
        has_file=lines is not None,
        excerpts=sourceview.excerpts(cited, lines, used),
        passages=None if hits is None else sourceview.passage_blocks(hits, lines, used),
    )


@bp.get("/kilder/<slug:source_id>/del/<int:number>")
def source_part(source_id: str, number: int):
    source, cited, found = report(source_id)
    parts = reader.parts(found["entries"]) if found else []
    if not 1 <= number <= len(parts):
        abort(404)
    part = parts[number - 1]
    lo = parts[number - 2].last + 1 if number > 1 else 0
    hi = part.last if number < len(parts) else 10**9
    ranges = [r for r in reader.cited_ranges(cited) if lo <= r.first <= hi]
    spans = [p for p in found["passages"] if lo <= p[0] <= hi]
    entries = reader.render(part, ranges, spans)
    return render_template(
        "source_part.html", source=source, part=part, parts=parts, entries=entries
    )
