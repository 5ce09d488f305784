"""The home page, the map, the approach lists and the about page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template

from kb import urls
from kb.editor.new import suggest_id
from web.model import browse
from web.model.mapdata import build_map
from web.state import site
from web.views import history

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    content = site().content()
    changed = last_changed(content)
    return render_template(
        "home.html",
        themes=browse.ways_in(content, "themes", "themes", "tema"),
        groups=browse.ways_in(content, "target_groups", "target_groups", "malgruppe"),
        approaches=browse.approach_ways(content),
        fylker=browse.fylke_counts(content),
        newest=browse.newest(content, changed=changed),
        tied=browse.tied_with_newest(content, changed),
        count=len(content.cases),
        kommune_names=browse.kommune_names(content),
    )


def last_changed(content) -> dict[str, str]:
    """Each case's last commit date, from the content's history (empty without git)."""
    out = {}
    for case in content.cases.values():
        revision = history.current(case)
        if revision:
            out[case.id] = revision.date
    return out


@bp.get("/innganger/<slug:approach_id>")
def approach(approach_id: str):
    content = site().content()
    term = content.ctx.vocabularies["approaches"].get(approach_id)
    if term is None:
        abort(404)
    return render_template(
        "approach.html", term=term, cases=browse.with_approach(content, approach_id)
    )


# The static export has one page per theme, target group and fylke at these paths (it has no
# server-side search); the service answers the same paths with the filtered search.
LISTING_VOCAB = {"tema": "themes", "malgruppe": "target_groups"}


@bp.get("/<any(tema, malgruppe):kind>/<slug:term_id>")
def listing(kind: str, term_id: str):
    content = site().content()
    if content.ctx.vocabularies[LISTING_VOCAB[kind]].get(term_id) is None:
        abort(404)
    return redirect(urls.search_url(**{kind: term_id}))


@bp.get("/fylke/<slug:fylke_slug>")
def fylke_listing(fylke_slug: str):
    """«/fylke/more-og-romsdal»: the slug is the export's folder name (web/static_site/markup)."""
    fylker = browse.fylke_counts(site().content())
    names = {suggest_id(name, max_words=20): name for name, _count in fylker}
    if fylke_slug not in names:
        abort(404)
    return redirect(urls.search_url(fylke=names[fylke_slug]))


@bp.get("/kart")
def norway_map():
    return render_template("map.html", map=site().derived("map", build_map))


@bp.get("/om")
def about():
    content = site().content()
    return render_template(
        "about.html",
        evidence=content.ctx.vocabularies["evidence"].terms,
        count=len(content.cases),
        sources=len(content.sources),
        size_classes=browse.size_class_counts(content),
    )
