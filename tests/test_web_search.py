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


def link_with(nav, words: str):
    """The link whose text (hidden words included) contains words, or None."""
    return next((a for a in nav.select("a") if words in text(a)), None)


def test_results_list_cases_and_report_passages_in_the_rankings_order(client):
    html = page(client.get("/sok?q=startlån"))
    found = hits(html)
    badges = [b for b, _ in found]
    assert "Grep" in badges and "Fra rapport" in badges
    api = client.get("/api/sok?q=startlån").get_json()
    assert [h["kind"] for h in api["hits"]] == [
        "case" if b == "Grep" else "passage" for b in badges
    ]
    assert ("Grep", "/grep/lillehammer-startlan") in found
    assert any(href.startswith("/kilder/testkilde#L") for b, href in found if b == "Fra rapport")
    marks = [m.get_text().lower() for m in html.select(".snippet mark")]
    assert any(m.startswith("startlån") for m in marks)
    assert text(html.select_one("#treff-title")) == "1 grep og 1 rapportavsnitt for «startlån»"
    assert not html.select("h3.hit-group")  # one list, no «Grep» group moved ahead
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
    assert text(nav.select_one('a[aria-current="page"]')) == "Side 1"
    pages = int(text(nav.select_one(".page-total")).split(" av ")[1].split()[0])
    assert pages >= 3 and f"Side 1 av {pages}" in text(nav.select_one(".page-total"))
    assert not link_with(nav, "Første side")  # already on the first page
    last = link_with(nav, "Siste side")["href"]
    assert parse_qs(urlparse(last).query) == {"q": ["bolig"], "side": [str(pages)]}
    at_last = page(client.get(last)).select_one("nav.pagination")
    assert not at_last.select('a[rel="next"]')
    assert not link_with(at_last, "Siste side")
    first_link = link_with(at_last, "Første side")["href"]
    assert parse_qs(urlparse(first_link).query) == {"q": ["bolig"]}
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


def test_total_is_split_into_cases_and_report_passages(client):
    html = page(client.get("/sok?q=startlån"))
    api = json.loads(client.get("/api/sok?q=startlån").get_data(as_text=True))
    kinds = dict(api["facets"]["kind"])
    assert kinds["case"] and kinds["passage"]
    heading = text(html.select_one("#treff-title"))
    assert heading == f"{kinds['case']} grep og {kinds['passage']} rapportavsnitt for «startlån»"
    only_cases = page(client.get("/sok?q=startlån&type=grep"))
    assert text(only_cases.select_one("#treff-title")) == f"{kinds['case']} grep for «startlån»"


def test_case_hits_show_evidence_source_and_section_not_update_date(client):
    html = page(client.get("/sok?q=venteliste"))
    hit = html.select_one("li.hit-case")
    meta = text(hit.select_one(".meta"))
    assert "Evidens: Rapporterte resultater" in meta
    assert "oppdatert" not in meta and "2024" not in meta.split("Kilde:")[0]
    assert "Kilde: " in meta
    first = hit.select_one(".snippet-part")
    assert text(first.select_one(".snippet-section")) == "I «Utfordringen»:"
    assert not text(first).replace("I «Utfordringen»:", "").strip().startswith("Utfordringen")


def test_passage_hits_give_chapter_and_page_not_line_numbers(client):
    html = page(client.get("/sok?q=startlån&type=rapport"))
    metas = [text(m) for m in html.select("li.hit-passage .meta")]
    assert metas and all("linje" not in m for m in metas)
    assert any("kap. " in m for m in metas)


def test_corrected_query_heading_names_the_search_that_was_run(client):
    html = page(client.get("/sok?q=stratlån"))
    heading = text(html.select_one("#treff-title"))
    assert heading.endswith("for «startlån»") and "stratlån" not in heading
    assert "viser treff for «startlån»" in text(html.select_one(".suggestion"))


def test_zero_results_use_the_whole_width(client):
    html = page(client.get("/sok?q=qqqxyzzy"))
    assert "search-layout-single" in html.select_one(".search-layout")["class"]
    assert not html.select(".filters")


def test_filters_sit_in_a_disclosure_that_counts_the_chosen_ones(client):
    html = page(client.get("/sok?q=bolig&tema=bolig&type=grep"))
    summary = html.select_one("details.filters > summary")
    assert text(summary) == "Filtrer (2 valgt)"
    assert html.select("details.filters aside.facets .facet")
    assert text(page(client.get("/sok?q=bolig")).select_one("details.filters > summary")) == (
        "Filtrer"
    )
