"""«Kommuner som ligner oss»: the size facet, «Min kommune» on /sok and /api/sok, case pages."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from webtools import make_app, page, text

from kb.content.loader import load_content
from kb.search.searcher import Searcher

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def size_app(tmp_path_factory):
    """The search corpus plus Lom (under 5 000), Halden (20 000–49 999) and a Vestland case."""
    from conftest import make_root

    from indexer.build import build_index

    root = make_root(tmp_path_factory.mktemp("size"))
    for case in [*(FIXTURES / "search").glob("*.md"), *(FIXTURES / "size").glob("*.md")]:
        shutil.copy(case, root / "grep" / case.name)
    index = root.parent / "index"
    build_index(load_content(root, source_dirs=(FIXTURES / "seeds",)), index)
    return make_app(root, index)


@pytest.fixture
def sized(size_app):
    return size_app.test_client()


def case_links(html) -> list[str]:
    return [a["href"] for a in html.select("li.hit-case .hit-title a")]


def test_index_holds_the_size_classes_of_each_cases_kommuner(size_app):
    searcher = Searcher(Path(size_app.config["INDEX_DIR"]))
    try:
        result = searcher.search("", kind="case", limit=20)
    finally:
        searcher.close()
    assert dict(map(tuple, result["facets"]["size"])) == {
        "50000-og-over": 2,  # Bergen, Fredrikstad
        "20000-49999": 2,  # Lillehammer, Halden
        "under-5000": 1,  # Lom
    }


def test_size_filter_and_facet_on_sok(sized):
    html = page(sized.get("/sok?storrelse=under-5000"))
    assert case_links(html) == ["/grep/lom-startlan"]
    assert "Kommunestørrelse: under 5 000 innbyggere" in text(html.select_one(".active-filters"))
    both = page(sized.get("/sok?storrelse=under-5000&storrelse=50000-og-over&type=grep"))
    assert set(case_links(both)) == {
        "/grep/lom-startlan",
        "/grep/bergen-bustad",
        "/grep/fredrikstad-barnefattigdom",
    }
    facet = page(sized.get("/sok?type=grep")).select_one('section[aria-labelledby="facet-size"]')
    assert text(facet.select_one("h3")) == "Kommunestørrelse"
    links = {text(a).split(" ,")[0]: a["href"] for a in facet.select("a.facet-link")}
    assert parse_qs(urlparse(links["under 5 000 innbyggere"]).query)["storrelse"] == ["under-5000"]


def test_size_filter_on_the_api(sized):
    data = sized.get("/api/sok?storrelse=20000-49999").get_json()
    assert sorted(h["id"] for h in data["hits"]) == ["halden-startlan", "lillehammer-startlan"]
    assert data["total"] == 2


def test_min_kommune_preselects_size_and_fylke(sized):
    response = sized.get("/sok?min_kommune=lillehammer")
    assert response.status_code == 302
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query == {
        "storrelse": ["20000-49999"],
        "fylke": ["Innlandet"],
        "min_kommune": ["Lillehammer"],
    }
    html = page(sized.get(response.headers["Location"]))
    assert case_links(html) == ["/grep/lillehammer-startlan"]
    note = text(html.select_one(".my-kommune"))
    assert "Min kommune: Lillehammer (Innlandet, 28 768 innbyggere" in note.replace("\xa0", " ")
    hidden = {(i["name"], i["value"]) for i in html.select("form[role=search] input[type=hidden]")}
    assert ("min_kommune", "Lillehammer") in hidden


def test_removing_the_preselected_filters_keeps_similar_cases_first(sized):
    html = page(sized.get("/sok?storrelse=20000-49999&fylke=Innlandet&min_kommune=Lillehammer"))
    chip = next(a for a in html.select(".active-filters a.chip-active") if "Fylke" in text(a))
    assert "fylke=&" in chip["href"] or chip["href"].endswith("fylke=")
    same_size = sized.get(chip["href"])
    assert same_size.status_code == 200  # not pre-selected again
    assert case_links(page(same_size)) == ["/grep/lillehammer-startlan", "/grep/halden-startlan"]
    everything = page(sized.get("/sok?type=grep&storrelse=&fylke=&min_kommune=Lillehammer"))
    links = case_links(everything)
    # same size and fylke, same size, same fylke, then the rest (newest first within each)
    assert links[:3] == [
        "/grep/lillehammer-startlan",
        "/grep/halden-startlan",
        "/grep/lom-startlan",
    ]
    assert links[3] == "/grep/vestland-nettverk"  # the newest of the rest
    plain = case_links(page(sized.get("/sok?type=grep")))
    assert plain[0] == "/grep/vestland-nettverk"  # without «Min kommune»: newest first


def test_min_kommune_orders_the_api_too(sized):
    data = sized.get("/api/sok?type=grep&storrelse=&fylke=&min_kommune=Lom").get_json()
    ids = [h["id"] for h in data["hits"]]
    assert ids[:2] == ["lom-startlan", "lillehammer-startlan"]  # same size+fylke, same fylke


def test_unknown_min_kommune_says_so_and_suggests(sized):
    response = sized.get("/sok?min_kommune=Lilehammer")
    assert response.status_code == 200
    note = page(response).select_one("p.notice")
    assert "Fant ingen kommune som heter «Lilehammer»" in text(note)
    assert "min_kommune=Lillehammer" in note.select_one("a")["href"]


def test_home_page_has_min_kommune_with_the_register_as_datalist(sized):
    html = page(sized.get("/"))
    form = html.select_one("form#min-kommune")
    assert form["action"] == "/sok" and form["method"] == "get"
    field = form.select_one("input[name=min_kommune]")
    label = form.select_one(f"label[for={field['id']}]")
    assert "Min kommune" in text(label)
    options = html.select(f"datalist#{field['list']} option")
    assert len(options) == 357
    assert "Lillehammer" in {o["value"] for o in options}


def test_case_page_shows_the_size_of_each_named_kommune(sized):
    html = page(sized.get("/grep/lillehammer-startlan"))
    dd = html.find("dt", string="Kommunestørrelse").find_next_sibling("dd")
    assert "Lillehammer: 28 768 innbyggere" in text(dd).replace("\xa0", " ")
    assert "Kilde: SSB" in text(dd)
    assert dd.select_one("a")["href"] == "/sok?storrelse=20000-49999&type=grep"
    regional = page(sized.get("/grep/vestland-nettverk")).find("dt", string="Kommunestørrelse")
    regional = regional.find_next_sibling("dd")
    assert text(regional) == "Kommunene er ikke navngitt."


def test_about_page_documents_the_size_classes_with_counts(sized):
    html = page(sized.get("/om"))
    rows = [
        [text(td) for td in tr.select("td")] for tr in html.select("#kommunestorrelse ~ table tr")
    ]
    assert [r for r in rows if r] == [
        ["under 5 000 innbyggere", "174"],
        ["5 000–19 999 innbyggere", "117"],
        ["20 000–49 999 innbyggere", "46"],
        ["50 000 innbyggere og over", "20"],
    ]
