"""A case page and its citation downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for
from markupsafe import Markup

from kb import cite
from kb.errors import IndexMissing
from kb.opendata import reader_locator
from web.model import browse, preview, provenance
from web.state import site

bp = Blueprint("cases", __name__)


def find_case(case_id: str):
    """The case with this id, or a 404."""
    case = site().content().cases.get(case_id)
    if case is None:
        abort(404)
    return case


def similar(case) -> list[dict]:
    """«Lignende grep»: more-like-this from the index, or shared themes when it is missing."""
    try:
        return site().similar(case.id, 4)
    except IndexMissing:
        cases = browse.similar(site().content(), case, 4)
        return [{"title": c.title, "url": f"/grep/{c.id}", "summary": c.summary} for c in cases]


def preview_problems(content, case_id: str) -> list[str]:
    """In the editor's preview (--watch): the problems of the case's file, as text lines."""
    if not current_app.config.get("WATCH"):
        return []
    return preview.shown(preview.file_problems(content, case_id), content.ctx.root)


@bp.get("/grep/<slug:case_id>")
def case_page(case_id: str):
    content = site().content()
    problems = preview_problems(content, case_id)
    if case_id not in content.cases and problems:
        return render_template("case_problems.html", case_id=case_id, problems=problems)
    case = find_case(case_id)
    items = cite.case_items(case, content.sources, current_app.config["SITE_URL"])
    return render_template(
        "case.html",
        case=case,
        problems=problems,
        sources=content.sources,
        sections=provenance.sections(case, content.sources),
        facts_line=provenance.facts_line(case, content.sources),
        locate=reader_locator,
        similar=similar(case),
        # apa(html=True) escapes every field and sanitises the result (kb.cite)
        references=[(it, cite.apa(it), Markup(cite.apa(it, html=True))) for it in items],
        evidence=content.ctx.vocabularies["evidence"].get(case.evidence),
        edit_url=current_app.config["EDIT_URL"] + case.path.name,
    )


@bp.get("/grep/<slug:case_id>/")
def case_slash(case_id: str):
    """The static export's directory-style address leads to the same page."""
    return redirect(url_for("cases.case_page", case_id=case_id), 308)


@bp.get("/grep/<slug:case_id>/siter.<any(bib, ris, json):fmt>")
def case_citation(case_id: str, fmt: str):
    case = find_case(case_id)
    items = cite.case_items(case, site().content().sources, current_app.config["SITE_URL"])
    body, mimetype = cite.export(items, fmt)
    disposition = f'attachment; filename="{case.id}.{fmt}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
