"""The editors' full form (/foresla/redaktor): its check and the finished file (nothing stored)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from web import csrf
from web.errors import error_response
from web.model import feedback, proposal
from web.model.feedback import FormError
from web.state import site

bp = Blueprint("propose", __name__)
CSRF_ERROR = FormError(
    "",
    "Skjemaet kunne ikke sjekkes av sikkerhetshensyn (det var utløpt, eller kom fra en annen "
    "side). Se over feltene og send det på nytt. Skjemaet trenger én informasjonskapsel.",
)
TOO_LARGE = "Forslaget er for stort (over 64 kB). Gå tilbake, kort ned tekstene og send på nytt."
TOO_MANY = (
    f"Forslaget har for mange felt (over {proposal.MAX_FIELDS}). "
    "Gå tilbake, fjern noen av valgene og send på nytt."
)


def show(outcome: proposal.Outcome | None, p=None, errors=(), status: int = 200):
    """The form page: empty, with errors by field, or with the finished file."""
    content = site().content()
    done = outcome if outcome and outcome.ok else None
    pr_url = done and proposal.pull_request_url(
        current_app.config["REPO_URL"], done.file_name, done.text
    )
    notes = list(errors) + (outcome.warnings if outcome else [])
    return render_template(
        "foresla.html",
        p=outcome.proposal if outcome else p or proposal.Proposal(),
        errors=list(errors),
        warnings=outcome.warnings if outcome else [],
        by_key=feedback.by_key(notes),
        done=done,
        pr_url=pr_url,
        ctx=content.ctx,
        sources=sorted(content.sources.values(), key=lambda s: s.title),
        pick_lists=proposal.pick_lists(content.ctx),
        evidence=proposal.evidence_options(content.ctx),
        sections=proposal.SECTIONS,
    ), status


def checked() -> proposal.Outcome | tuple:
    """The submitted form checked; the form page again when its token is wrong."""
    form = request.form.to_dict(flat=False)
    if proposal.field_count(form) > proposal.MAX_FIELDS:
        return error_response(413, TOO_MANY)
    if not csrf.valid():
        return show(None, proposal.parse_form(form)[0], [CSRF_ERROR], 400)
    content = site().content()
    return proposal.check_proposal(form, content.ctx, content.cases)


@bp.get("/foresla/redaktor")
def form():
    return show(None)


@bp.post("/foresla/redaktor")
def check():
    outcome = checked()
    if not isinstance(outcome, proposal.Outcome):
        return outcome
    return show(outcome, errors=outcome.errors)


@bp.post("/foresla/redaktor/fil")
def download():
    outcome = checked()
    if not isinstance(outcome, proposal.Outcome):
        return outcome
    if not outcome.ok:
        return show(outcome, errors=outcome.errors)
    disposition = f'attachment; filename="{outcome.file_name}"'
    return Response(
        outcome.text, mimetype="text/markdown", headers={"Content-Disposition": disposition}
    )


@bp.errorhandler(413)
def too_large(_exc):
    return error_response(413, TOO_LARGE)
