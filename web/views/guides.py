"""Guide pages for kommuner without områdesatsing: grants, ressurspersoner and «kom i gang»."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from web.model import guides
from web.state import site

bp = Blueprint("guides", __name__)


@bp.get("/tilskudd")
def grant_list():
    return render_template("grants.html", grants=site().derived("grants", guides.grants))


@bp.get("/tilskudd/<slug:grant_id>")
def grant_page(grant_id: str):
    found = guides.grant(site().content(), grant_id) or abort(404)
    return render_template("grant.html", grant=found)


@bp.get("/ressurspersoner")
def contacts():
    content = site().content()
    return render_template(
        "contacts.html",
        contacts=guides.contacts(content),
        by_theme=guides.contacts_by(content, "tema"),
        by_fylke=guides.contacts_by(content, "fylke"),
    )


@bp.get("/kom-i-gang")
def start():
    content = site().content()
    return render_template(
        "start.html",
        entry_points=guides.entry_points(content),
        grants=guides.grants_to_look_at(content),
        phases=content.ctx.vocabularies["phases"].terms,
        count=len(content.cases),
    )
