"""The search page and /api/sok: results, facets, filters, pages, suggestions, zero results."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from webtools import make_app, page, text

from kb.cli import cli


def hits(html) -> list[tuple[str, str]]:
    """(badge, link) of each hit in page order."""
    return [
        (text(li.select_one(".badge")), li.select_one(".hit-title a")["href"])
        for li in html.select("ol.hits > li")
    ]


def test_results_group_cases_matching_every_word_then_passages_from_report(client):
    html = page(client.get("/sok?q=startlån"))
    found = hits(html)
    badges = [b for b, _ in found]
    assert badges[0] == "Grep" and "Fra rapport" in badges
    assert badges == sorted(badges, key=lambda b: b != "Grep")
    assert ("Grep", "/grep/lillehammer-startlan") in found
    assert any(href.startswith("/kilder/testkilde#L") for b, href in found if b == "Fra rapport")
    marks = [m.get_text().lower() for m in html.select(".snippet mark")]
    assert any(m.startswith("startlån") for m in marks)
    assert text(html.select_one("#treff-title")) == "1 grep og 1 rapportavsnitt for «startlån»"
    assert [text(h) for h in html.select("h3.hit-group")] == ["Grep", "Fra rapportene"]
    assert text(html.select_one(".hit-case .why")) == "Treff på: startlån"


def test_facets_have_counts_and_links_that_filter(client):
    html = page(client.get("/sok?q=flyktninger"))
    facet = html.select_one('section[aria-labelledby="facet-themes"]')
    assert text(facet.select_one("h3")) == "Tema"
    bolig = next(a for a in facet.select("a.facet-link") if text(a).startswith("Bolig"))
    assert text(bolig.select_one(".count")) == ", 2 treff"
    query = parse_qs(urlparse(bolig["href"]).query)
    assert query == {"q": ["flyktninger"], "tema": ["bolig"]}
    filtered = page(client.get(bolig["href"]))
    assert all(b == "Grep" for b, _ in hits(filtered))
    active = filtered.select_one('a.facet-link.is-active[aria-current="true"]')
    assert "Bolig" in text(active)
    assert parse_qs(urlparse(active["href"]).query) == {"q": ["flyktninger"]}
    chips = [text(a) for a in filtered.select(".active-filters a.chip-active")]
    assert chips == ["Fjern filteret Tema: Bolig ✕"]


def test_browse_without_query_lists_cases_by_filter(client):
    html = page(client.get("/sok?tema=barnefattigdom"))
    assert hits(html) == [("Grep", "/grep/fredrikstad-barnefattigdom")]
    assert text(html.select_one("h1")) == "Bla i gode grep"
    by_fylke = page(client.get("/sok?fylke=Vestland&type=grep"))
    assert hits(by_fylke) == [("Grep", "/grep/bergen-bustad")]
    everything = page(client.get("/sok"))
    assert len(hits(everything)) == 6  # three cases and three passages


def test_kind_filter_and_sort_and_hidden_inputs_keep_the_filters(client):
    html = page(client.get("/sok?q=bolig&type=rapport&sort=nyeste"))
    assert {b for b, _ in hits(html)} == {"Fra rapport"}
    hidden = {(i["name"], i["value"]) for i in html.select("form[role=search] input[type=hidden]")}
    assert hidden == {("type", "rapport")}
    assert html.select_one(".sort strong[aria-current]").get_text() == "nyeste"


def test_pagination_links_carry_the_search(corpus, index_dir):
    client = make_app(corpus, index_dir, PAGE_SIZE=2).test_client()
    first = page(client.get("/sok?q=bolig"))
    nav = first.select_one("nav.pagination")
    assert nav["aria-label"] == "Sider med treff"
    assert nav.select_one('a[aria-current="page"]').get_text() == "1"
    following = nav.select_one('a[rel="next"]')["href"]
    assert parse_qs(urlparse(following).query) == {"q": ["bolig"], "side": ["2"]}
    second = page(client.get(following))
    assert second.select_one("ol.hits")["start"] == "3"
    assert set(hits(first)).isdisjoint(hits(second))


def test_did_you_mean_links_to_the_corrected_search(client):
    html = page(client.get("/sok?q=stratlån"))
    link = html.select_one(".suggestion a")
    assert link is not None and text(link) == "«startlån»"
    assert parse_qs(urlparse(link["href"]).query) == {"q": ["startlån"]}


def test_zero_results_page_helps(client):
    response = client.get("/sok?q=qqqxyzzy&tema=bolig")
    assert response.status_code == 200
    html = page(response)
    assert text(html.select_one("#treff-title")) == "Ingen treff for «qqqxyzzy»"
    zero = html.select_one(".zero")
    assert "med filtrene du har valgt" in text(zero)
    assert zero.find("a", string="Søk uten filtre")["href"] == "/sok?q=qqqxyzzy"
    assert zero.select('.chip-list a[href^="/sok?tema="]')
    assert not html.select("ol.hits > li")


def test_api_search_has_the_same_shape_as_kb_search_json(client, index_dir, runner):
    api = client.get("/api/sok?q=bolig").get_json()
    run = runner.invoke(
        cli, ["search", "bolig", "--json", "--index", str(index_dir), "--limit", "20"]
    )
    assert run.exit_code == 0, run.output
    cli_json = json.loads(run.output)

    def shape(value):
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items() if k != "took_ms"}
        if isinstance(value, list):
            return [shape(v) for v in value[:1]]
        return type(value).__name__ if value is not None else None

    assert set(api) == set(cli_json)
    assert {"query", "total", "took_ms", "suggestion", "hits", "page", "pages", "facets"} <= set(
        api
    )
    assert shape(api["hits"][0]) == shape(cli_json["hits"][0])
    assert set(api["facets"]) == set(cli_json["facets"])
    assert api["total"] == cli_json["total"]
    assert sorted(h["id"] for h in api["hits"]) == sorted(h["id"] for h in cli_json["hits"])


def test_api_search_filters_and_errors_are_json(client):
    data = client.get("/api/sok?tema=bolig&type=grep").get_json()
    assert data["total"] == 2 and all(h["kind"] == "case" for h in data["hits"])
    assert dict(data["facets"]["kind"]) == {"case": 2}
    too_long = client.get("/api/sok?q=" + "a" * 501)
    assert too_long.status_code == 400
    assert "for langt" in too_long.get_json()["error"]["message"]
