"""Issue 13 pages on the real content: tilskudd, ressurspersoner, kom i gang, facets, feeds."""

from __future__ import annotations

import feedparser
import pytest
from webtools import REAL_CONTENT, make_app, page, real_index, text

from kb.content.loader import load_content

CONTENT = load_content(REAL_CONTENT)
GRANTS = CONTENT.ctx.vocabularies["grants"]


@pytest.fixture(scope="module")
def client():
    return make_app(REAL_CONTENT, real_index()).test_client()


def test_tilskudd_lists_every_scheme_in_the_vocabulary_with_its_page(client):
    html = page(client.get("/tilskudd"))
    links = [a["href"] for a in html.select("main .card-title a")]
    assert links == [f"/tilskudd/{t.id}" for t in GRANTS.terms]


@pytest.mark.parametrize("term", GRANTS.terms, ids=lambda t: t.id)
def test_each_scheme_says_who_administers_who_can_apply_and_lists_its_cases(client, term):
    html = page(client.get(f"/tilskudd/{term.id}"))
    assert text(html.select_one("h1")) == term.label
    facts = {text(dt): text(dt.find_next_sibling("dd")) for dt in html.select(".grant-facts dt")}
    assert term.extra["administrator"] in facts["Hvem forvalter ordningen"]
    assert facts["Hvem kan søke"] == term.extra["applicants"]
    assert facts["Hva den er til"] == term.extra["purpose"]
    external = [a["href"] for a in html.select(".grant-facts a")]
    assert external == [term.extra["administrator_url"]]  # the administrator's own site only
    using = sorted(f"/grep/{c.id}" for c in CONTENT.cases.values() if term.id in c.grants)
    assert sorted(a["href"] for a in html.select("main .card-title a")) == using


def test_an_unknown_scheme_is_a_404(client):
    assert client.get("/tilskudd/finnes-ikke").status_code == 404


def test_a_cases_grants_link_to_the_scheme_pages(client):
    html = page(client.get("/grep/lillehammer-startlan-eie"))
    assert html.select_one(".factbox a[href='/tilskudd/startlan']")


def test_ressurspersoner_lists_every_named_role_by_theme_and_fylke_without_private_data(client):
    html = page(client.get("/ressurspersoner"))
    named = {(c.contact.role, c.contact.organisation) for c in CONTENT.cases.values() if c.contact}
    assert len(named) >= 10
    for section in ("#etter-tema", "#etter-fylke"):
        items = html.select_one(section).find_parent("section").select(".contact-list li")
        shown = {text(li.strong) for li in items}
        assert shown == {role for role, _ in named}, section
    with_contact = {f"/grep/{c.id}" for c in CONTENT.cases.values() if c.contact}
    assert {a["href"] for a in html.select(".contact-list a")} == with_contact
    assert "@" not in html.select_one("main").get_text()


def test_the_case_page_says_how_to_get_in_touch_through_the_organisation(client):
    html = page(client.get("/grep/baerum-boveiledning-tre-spor"))
    section = html.select_one("#kontakt-title").find_parent("section")
    assert "sentralbordet eller skriv til postmottaket hos Bærum kommune" in text(section)
    assert "«Flyktningkontoret»" in text(section)
    assert section.select_one("a[href='/ressurspersoner']")


def test_kom_i_gang_has_steps_five_entry_points_with_three_best_cases_and_open_grants(client):
    html = page(client.get("/kom-i-gang"))
    assert len(html.select("ol.steps > li")) == 5
    points = html.select("section.entry-point")
    assert [p.h3["id"] for p in points] == [
        f"inngang-{t.id}" for t in CONTENT.ctx.vocabularies["approaches"].terms
    ]
    for point in points:
        cases = [a["href"].removeprefix("/grep/") for a in point.select(".card-title a")]
        assert len(cases) == 3
        approach = point.h3["id"].removeprefix("inngang-")
        assert all(approach in CONTENT.cases[c].approaches for c in cases)
        assert point.select_one(f"a[href='/sok?inngang={approach}']")
    grants = [a["href"] for a in html.select("#tilskudd-title ~ ul a")]
    assert "/tilskudd/startlan" in grants and "/tilskudd/tilskudd-omradesatsing" not in grants


def test_the_best_cases_of_an_entry_point_have_the_strongest_evidence(client):
    levels = [t.id for t in CONTENT.ctx.vocabularies["evidence"].terms]
    html = page(client.get("/kom-i-gang"))
    point = html.select_one("section.entry-point")
    approach = point.h3["id"].removeprefix("inngang-")
    shown = [CONTENT.cases[a["href"][6:]] for a in point.select(".card-title a")]
    others = [c for c in CONTENT.cases.values() if approach in c.approaches and c not in shown]
    weakest_shown = max(levels.index(c.evidence) for c in shown)
    assert all(levels.index(c.evidence) >= weakest_shown for c in others)


def test_fase_is_set_on_cases_and_uses_the_vocabulary():
    phases = {t.id for t in CONTENT.ctx.vocabularies["phases"].terms}
    assert phases == {"oppstart", "drift", "avslutning-og-videreforing"}
    with_phase = [c for c in CONTENT.cases.values() if c.fase]
    assert len(with_phase) >= 40
    assert all(set(c.fase) <= phases for c in with_phase)
    assert {p for c in with_phase for p in c.fase} == phases


def expected(inngang=None, fase=None, tilskudd=None, fylke=None) -> set[str]:
    """The cases the filters should keep, computed from the content."""
    return {
        c.id
        for c in CONTENT.cases.values()
        if (inngang is None or inngang in c.approaches)
        and (fase is None or fase in c.fase)
        and (tilskudd is None or tilskudd in c.grants)
        and (fylke is None or fylke in c.fylker)
    }


@pytest.mark.parametrize(
    "filters",
    [
        {"inngang": "verktoy"},
        {"fase": "oppstart"},
        {"tilskudd": "startlan"},
        {"inngang": "verktoy", "fase": "oppstart"},
        {"inngang": "hvordan-lykkes", "fase": "drift", "fylke": "Vestland"},
        {"tilskudd": "tilskudd-omradesatsing", "inngang": "overforing"},
    ],
    ids=lambda f: "+".join(f"{k}={v}" for k, v in f.items()),
)
def test_inngang_fase_and_tilskudd_facets_filter_together(client, filters):
    data = client.get("/api/sok", query_string={**filters, "type": "grep", "side": 1}).json
    want = expected(**filters)
    assert want, "the test needs filters some cases match"
    assert data["total"] == len(want)
    counts = {name: dict(values) for name, values in data["facets"].items()}
    for param, field in (("inngang", "approaches"), ("fase", "fase"), ("tilskudd", "grants")):
        if param in filters:
            assert counts[field][filters[param]] == len(want)
    html = page(client.get("/sok", query_string=filters))
    assert html.select_one("#facet-approaches") and html.select_one("#facet-fase")


def test_site_feed_is_atom_with_one_entry_per_case_newest_first(client):
    response = client.get("/nytt.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == len(CONTENT.cases)
    assert len({e.id for e in feed.entries}) == len(CONTENT.cases)
    dates = [e.updated for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    first = CONTENT.cases[feed.entries[0].link.rsplit("/", 1)[1]]
    assert dates[0].startswith(first.updated.isoformat())


def test_search_feed_takes_the_same_parameters_as_the_search(client):
    feed = feedparser.parse(client.get("/sok.atom?tilskudd=startlan&fase=drift").data)
    assert not feed.bozo and feed.version == "atom10"
    ids = {e.link.rsplit("/", 1)[1] for e in feed.entries}
    assert ids == expected(tilskudd="startlan", fase="drift")
    assert any(link.rel == "self" and "tilskudd=startlan" in link.href for link in feed.feed.links)


def test_pages_link_their_feeds(client):
    home = page(client.get("/"))
    assert home.select_one("link[rel=alternate][type='application/atom+xml']")["href"] == (
        "/nytt.atom"
    )
    search = page(client.get("/sok?fase=oppstart"))
    hrefs = [a["href"] for a in search.select("link[rel=alternate]")]
    assert "/sok.atom?fase=oppstart" in hrefs
