"""«Endringslogg»: a case's commits, and an older version of its text (?versjon=)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from kb import history
from kb.content.loader import check_text
from kb.content.model import Case
from web.state import site

bp = Blueprint("history", __name__)

UNKNOWN_VERSION = (
    "Vi fant ingen versjon «{rev}» av dette grepet. Se endringsloggen for versjonene som finnes."
)


def file_key(case: Case) -> str:
    """The case file's path relative to content/grep, as the history names it."""
    try:
        return case.path.relative_to(site().content_root / "grep").as_posix()
    except ValueError:
        return case.path.name


def revisions(case: Case) -> tuple[history.Revision, ...] | None:
    """The commits that changed the case's file, newest first; None when there is no history."""
    found = site().history()
    return None if found is None else found.get(file_key(case), ())


def current(case: Case) -> history.Revision | None:
    """The newest commit of the case's file (the version a citation names), if any."""
    return next(iter(revisions(case) or ()), None)


def old_version(case: Case, rev: str) -> tuple[history.Revision, Case | None, list] | None:
    """(revision, the case as it was, problems) for ?versjon=rev, or None when unknown."""
    revision = history.find(revisions(case) or (), rev)
    if revision is None:
        return None
    text = history.text_at(site().content_root / "grep", file_key(case), revision)
    if text is None:
        return None
    old, problems = check_text(text, case.path, site().content().ctx)
    return revision, old, problems


@bp.get("/grep/<slug:case_id>/historikk")
def case_history(case_id: str):
    case = site().content().cases.get(case_id) or abort(404)
    return render_template("history.html", case=case, revisions=revisions(case))
