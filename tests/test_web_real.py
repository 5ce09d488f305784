"""The pages on the real content and a real index of it (with the reports when they are here)."""

from __future__ import annotations

import re

import pytest
from webtools import REAL_CONTENT, make_app, page, real_index, text

from kb.content.loader import load_content
from kb.content.pages import page_range
from kb.content.sources import default_source_dirs

CONTENT = load_content(REAL_CONTENT)


@pytest.fixture(scope="module")
def client():
    return make_app(REAL_CONTENT, real_index(), sources=default_source_dirs()).test_client()


@pytest.mark.parametrize("case_id", sorted(CONTENT.cases))
def test_every_case_page_renders_with_facts_sources_and_citation(client, case_id):
    html = page(client.get(f"/grep/{case_id}"))
    case = CONTENT.cases[case_id]
    assert text(html.select_one("h1")) == case.title
    assert html.select_one(".factbox dl")
    links = [a["href"] for a in html.select(".citations a")]
    assert len(links) == len(case.sources)
    assert all(href.startswith("/kilder/") for href in links)
    assert html.select_one(".cite-text")["data-copy"].endswith(f"/grep/{case_id}")
    assert len(html.select("#lignende-title ~ ul .card-title a")) >= 1


@pytest.mark.parametrize("source_id", sorted(CONTENT.sources))
def test_every_source_page_renders_and_anchors_every_cited_range(client, source_id):
    html = page(client.get(f"/kilder/{source_id}"))
    anchors = {el["id"] for el in html.select(".block[id]")}
    for case, refs in (
        (c, [r for r in c.sources if r.source == source_id]) for c in CONTENT.cases.values()
    ):
        for ref in refs:
            if ref.lines:
                assert f"L{ref.lines[0]}-L{ref.lines[1]}" in anchors, case.id
    ids = [el["id"] for el in html.select("[id]")]
    assert len(ids) == len(set(ids))


def test_real_search_finds_cases_first_and_report_passages(client, seeds_dir):
    html = page(client.get("/sok?q=bosetting av flyktninger"))
    badges = [text(b) for b in html.select("ol.hits > li .badge")]
    assert badges[0] == "Grep" and "Fra rapport" in badges
    fylke = page(client.get("/sok?fylke=Vestland&type=grep"))
    assert len(fylke.select("ol.hits > li")) >= 5


def test_map_marks_real_kommuner(client):
    html = page(client.get("/kart"))
    labels = {a["aria-label"].split(":")[0] for a in html.select(".map-links a")}
    expected = {k for c in CONTENT.cases.values() for k in c.kommuner}
    assert labels == expected
    table = {text(tr.select_one("td")) for tr in html.select(".map-table tbody tr")}
    assert table == expected
    regional = {a["aria-label"].split(":")[0] for a in html.select(".map-regional a")}
    assert regional == {f for c in CONTENT.cases.values() if not c.places for f in c.fylker}


def test_open_data_has_every_case(client):
    data = client.get("/api/grep.json").get_json()
    assert data["count"] == len(CONTENT.cases) == len(data["cases"])
    one = client.get("/api/grep/kristiansund-foreldreskole").get_json()
    assert one["cite"][1].startswith("Bakkeli, V., & Jensen, R. S. (2015).")
    source = client.get("/api/kilder/fafo-2015-08").get_json()
    assert source["isbn"] == "978-82-324-0187-1"
    assert any(c["id"] == "kristiansund-foreldreskole" for c in source["cited_by"])


@pytest.mark.parametrize("source_id", sorted(CONTENT.sources))
def test_every_report_part_is_small_clean_html_and_holds_its_cited_ranges(client, source_id):
    response = client.get(f"/kilder/{source_id}")
    assert len(response.data) < 200_000  # the overview too, with its list of cited passages
    overview = page(response)
    parts = [a["href"] for a in overview.select(".source-toc > li > a")]
    if not parts:
        pytest.skip("rapportfilen er ikke her (../shared/seeds)")
    held: dict[str, str] = {}
    for href in parts:
        response = client.get(href)
        assert len(response.data) < 200_000, href
        html = page(response)
        visible = text(html.select_one("main"))
        for raw in ("###", "**", "<sup>", "\\_"):
            assert raw not in visible, (href, raw)
        ids = [el["id"] for el in html.select("[id]")]
        assert len(ids) == len(set(ids)), href
        for anchor in html.select(".report-text .anchor"):
            held[anchor["id"]] = href
            first = int(anchor["id"][1:].split("-")[0])
            entry = anchor.find_next_sibling(attrs={"data-first": True})
            assert (
                int(entry["data-first"]) <= first <= int(entry["data-last"])
                or int(entry["data-first"]) > first
            ), anchor["id"]  # the entry holding the line, or the next after a gap
    for block in overview.select(".excerpt-list .block[id]"):
        link = block.a["href"]
        assert link == f"{held[block['id']]}#{block['id']}"


def test_dates_read_in_norwegian_on_source_and_case_pages(client):
    def meta(url: str) -> dict[str, str]:
        html = page(client.get(url))
        return {text(dt): text(dt.find_next_sibling("dd")) for dt in html.select(".meta-list dt")}

    assert meta("/kilder/difi-2018-13")["Utgitt"] == "12. desember 2018"
    assert meta("/kilder/menon-2025-omradesatsing")["Utgitt"] == "januar 2025"
    fafo = meta("/kilder/fafo-2015-08")  # the registry's ISBN and ISSN, where it has them
    assert fafo["Utgitt"] == "2015" and fafo["ISBN"] == "978-82-324-0187-1"
    assert fafo["ISSN"] == "0801-6143" and "ISBN" not in meta("/kilder/difi-2018-13")
    undated = meta("/kilder/hiof-velferdspiloten")  # no year: no row, «Merk» says so
    assert "Utgitt" not in undated and "år" in undated["Merk"]
    assert "Ikke oppgitt" not in " ".join(undated.values())
    facts = page(client.get("/grep/kristiansund-foreldreskole")).select_one(".factbox")
    assert "Folketall 1. januar 2024. Kilde: SSB." in text(facts)


def test_source_page_names_the_cited_places_by_chapter_and_page(client):
    html = page(client.get("/kilder/fafo-2015-08"))
    entry = html.select_one('.cited-list > li > a[href="/grep/kristiansund-foreldreskole"]')
    meta = entry.find_next_sibling(class_="meta")
    case = CONTENT.cases["kristiansund-foreldreskole"]
    refs = [c for c in case.sources if c.source == "fafo-2015-08"]
    first = refs[0]
    pages = f"{first.pages[0]}" + (f"–{first.pages[1]}" if first.pages[1] != first.pages[0] else "")
    shown = "".join(meta.strings)
    assert shown.startswith(f"kap. {first.section}, s. {pages} (linje {first.lines[0]}")
    assert shown.count(f"kap. {first.section}, s. {pages}") == 1  # each place named once
    anchors = [a["href"].split("#")[1] for a in meta.select("a")]
    assert sorted(anchors) == sorted(f"L{r.lines[0]}-L{r.lines[1]}" for r in refs if r.lines)


def test_inngang_is_explained_on_kom_i_gang_and_beside_its_filter(client):
    start = page(client.get("/kom-i-gang"))
    intro = start.select_one("#innganger-title").find_next_sibling("p")
    assert text(intro).startswith("En inngang er et spørsmål du kan lese grepene etter.")
    hits = page(client.get("/sok?q=bosetting"))
    box = hits.select_one('.facet[aria-labelledby="facet-approaches"]')
    assert text(box.select_one(".facet-hint")).startswith("Spørsmålet grepet svarer på.")
    assert box.select_one('.facet-hint a[href="/#innganger"]')


def test_report_pages_give_the_printed_pages_before_the_lines(client, seeds_dir):
    first, last = page_range(CONTENT.sources["fafo-2015-08"], (763, 767))
    where = f"s. {first}–{last}, linje 763–767" if first != last else f"s. {first}, linje 763–767"
    overview = page(client.get("/kilder/fafo-2015-08"))
    entry = overview.select_one('.excerpt-list [id="L763-L767"]')
    assert text(entry.a).endswith(f", {where}")
    part = page(client.get(entry.a["href"].split("#")[0]))
    notes = [text(note) for note in part.select(".used-in")]
    assert any(note.endswith(f"({where})") for note in notes)
    assert not [n for n in notes if re.search(r"linje (\d+)–\1\)", n)]  # one line: «linje 773»
