"""A case page and its citation downloads."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from kb import cite, urls
from kb.errors import IndexMissing
from web import errors, pagecache
from web.model import browse, preview, provenance, trust
from web.model import case_page as page_model
from web.siteurl import site_url
from web.state import site
from web.views import history

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
        return [{"title": c.title, "url": urls.case_url(c.id), "summary": c.summary} for c in cases]


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
    case, version, url = cited_version(find_case(case_id))
    alike = similar(case)
    key = pagecache.page_key("grep", case_id) if not url and not problems else None
    return site().pages.page(
        key,
        content,
        (version, alike),
        lambda: render_case(content, case, version, url, problems, alike),
    )


def render_case(content, case, version, url: str, problems: list[str], alike: list) -> str:
    """A case page (cached by case_page() with what it was rendered from)."""
    label = version.label if version else ""
    return render_template(
        "case.html",
        case=case,
        page=page_model.case_page(case, content, site_url(), label, url),
        version=version,
        old=bool(url),
        problems=problems,
        sources=content.sources,
        sections=provenance.sections(case, content.sources),
        trust=trust.trust(case, content),
        similar=alike,
        edit_url=current_app.config["EDIT_URL"] + case.path.name,
    )


def cited_version(case):
    """(case, its version, own URL) for this request: the current one, or ?versjon=<rev>.

    An unknown version ends the request with a Norwegian 404 page.
    """
    rev = request.args.get("versjon")
    if rev is None:
        return case, history.current(case), ""
    found = history.old_version(case, rev)
    if found is None:
        abort(
            make_response(errors.error_response(404, history.UNKNOWN_VERSION.format(rev=rev[:40])))
        )
    revision, old, problems = found
    if old is None:  # that version does not pass today's checks: say so, with the problems
        page = render_template(
            "history.html", case=case, unreadable=revision, problems=[str(p) for p in problems]
        )
        abort(make_response(page, 200))
    return old, revision, f"{site_url()}/grep/{case.id}?versjon={revision.short}"


@bp.get("/grep/<slug:case_id>/")
def case_slash(case_id: str):
    """The static export's directory-style address leads to the same page."""
    return redirect(url_for("cases.case_page", case_id=case_id), 308)


@bp.get("/grep/<slug:case_id>/siter.<any(bib, ris, json):fmt>")
def case_citation(case_id: str, fmt: str):
    case, version, url = cited_version(find_case(case_id))
    label = version.label if version else ""
    items = cite.case_items(case, site().content().sources, site_url(), label, url)
    body, mimetype = cite.export(items, fmt)
    disposition = f'attachment; filename="{case.id}.{fmt}"'
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": disposition})
