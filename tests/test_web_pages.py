"""The HTML pages on a tiny corpus: home, case, sources, map, about, errors and reloading."""

from __future__ import annotations

import shutil

from webtools import make_app, page, text

import web.state
from web import create_app


def test_every_page_is_norwegian_with_landmarks_and_one_h1(client):
    for url in (
        "/",
        "/sok?q=bolig",
        "/grep/lillehammer-startlan",
        "/kilder/",
        "/kilder/testkilde",
        "/kart",
        "/om",
        "/innganger/hvordan-lykkes",
        "/finnes-ikke",
    ):
        html = page(client.get(url))
        assert html.html["lang"] == "nb", url
        assert html.select_one("a.skip-link")["href"] == "#innhold", url
        assert (
            html.select_one("main#innhold") and html.select_one("header") and html.select("footer")
        ), url
        assert len(html.select("h1")) == 1, url
        assert html.select_one('link[rel="stylesheet"]')["href"].startswith("/static/site.css?v=")


def test_home_page_offers_ways_in_for_someone_who_does_not_know_what_to_type(client):
    html = page(client.get("/"))
    form = html.select_one("form[role=search]")
    assert form["action"] == "/sok" and form.select_one("input[name=q]")["id"] == "q"
    assert html.select_one('label[for="q"]')
    themes = {text(a.select_one(".tile-title")): a["href"] for a in html.select(".tiles a")}
    assert themes["Bolig"] == "/sok?tema=bolig"
    assert themes["Barnefattigdom"] == "/sok?tema=barnefattigdom"
    approaches = [text(a.select_one(".tile-title")) for a in html.select(".approach-list a")]
    assert approaches[0] == "Hvordan lykkes de beste" and len(approaches) == 5
    groups = [a["href"] for a in html.select("#grupper-title ~ ul a")]
    assert "/sok?malgruppe=flyktninger" in groups
    fylker = {a["href"] for a in html.select("#fylke-title ~ ul a")}
    assert "/sok?fylke=Innlandet" in fylker and "/sok?fylke=Vestland" in fylker
    newest = [a["href"] for a in html.select("#nye-title ~ ul .card-title a")]
    assert newest[0] == "/grep/lillehammer-startlan" and len(newest) == 3


def test_case_page_shows_summary_facts_sections_sources_and_contact(client):
    html = page(client.get("/grep/lillehammer-startlan"))
    assert text(html.select_one("h1")) == "Flyktninger kjøper bolig med startlån"
    assert "leie til eie" in text(html.select_one(".lead"))
    facts = {text(dt): text(dt.find_next_sibling("dd")) for dt in html.select(".factbox dt")}
    assert facts["Hvor"].startswith("Lillehammer") and "Innlandet" in facts["Hvor"]
    assert facts["Når"] == "2012–2014"
    assert facts["Status"] == "Avsluttet (per 2014)"
    assert facts["Evidens"].startswith("Praksiserfaring Kilden bygger på det de som gjorde")
    assert facts["Tilskudd og lån"] == "Startlån"
    assert html.select_one('.factbox a[href="/sok?kommune=Lillehammer"]')
    headings = [text(h) for h in html.select(".case-body h2")]
    assert headings[:2] == ["Utfordringen", "Slik gjorde de det"]
    assert {"Kilder", "Siter", "Lignende grep"} <= set(headings)
    locator = html.select_one(".citations a")
    assert locator["href"] == "/kilder/testkilde#L12-L14"
    assert text(html.select_one(".citations .meta")) == "kap. 2.1"  # lines only in the link
    trust = text(html.select_one(".case-head .trust-line"))
    assert trust.startswith("Lillehammer (28 768 innbyggere i 2024) · Opplysningene er fra 2026")
    assert "Sist oppdatert" not in text(html.select_one(".case-head"))
    assert "Sist oppdatert 1. mars 2026" in text(html.select_one(".case-foot"))
    dev = html.select_one(".case-foot .dev-links")
    assert text(dev.select_one("h2")) == "For redaktører og utviklere"
    edit = dev.find("a", string="Foreslå en endring i teksten")
    assert edit["href"].endswith("/content/grep/lillehammer-startlan.md")
    assert dev.find("a", string="Grepet som åpne data (JSON)")["href"] == (
        "/api/grep/lillehammer-startlan"
    )
    outside = [a for a in html.select("main a") if not a.find_parent(class_="dev-links")]
    assert not [a for a in outside if "/api/" in a["href"] or "github" in a["href"]]


def test_case_page_shows_the_evidence_level_on_the_whole_scale(client):
    html = page(client.get("/grep/lillehammer-startlan"))
    level = html.select_one(".case-head .evidence-level")
    assert text(level.select_one(".evidence-name")) == "Evidens : Praksiserfaring (nivå 3 av 6)"
    steps = level.select(".evidence-meter li")
    assert len(steps) == 6
    assert [s["title"].split(":")[0] for s in steps][0] == "Anbefalt, ikke utprøvd"
    assert [s["title"].split(":")[0] for s in steps][-1] == "Målt effekt"
    current = [i for i, s in enumerate(steps) if s.get("aria-current") == "true"]
    filled = [i for i, s in enumerate(steps) if "is-filled" in s["class"]]
    assert current == [2] and filled == [0, 1, 2]
    assert text(level.select_one(".evidence-meaning")).startswith("Kilden bygger på det de som")


def test_case_page_hides_facts_that_are_not_known(client):
    html = page(client.get("/grep/bergen-bustad"))  # status: ukjent
    facts = [text(dt) for dt in html.select(".factbox dt")]
    assert "Status" not in facts and "Når" in facts
    assert "Ikke oppgitt" not in text(html) and "Ukjent om det pågår" not in text(html)


def test_the_two_copy_buttons_get_distinct_names(client):
    html = page(client.get("/grep/lillehammer-startlan"))
    labels = [p["data-copy-label"] for p in html.select(".cite-text")]
    assert labels[0] == "Kopier referansen til grepet"
    assert labels[1] == "Kopier referansen til rapporten «Testrapport om bolig og bosetting»"


def test_case_page_lists_similar_cases_from_the_index(client):
    html = page(client.get("/grep/lillehammer-startlan"))
    similar = [a["href"] for a in html.select("#lignende-title ~ ul a")]
    assert similar and "/grep/lillehammer-startlan" not in similar
    assert all(href.startswith("/grep/") for href in similar)


def test_case_page_cite_block_has_apa_text_for_case_and_report_and_downloads(client, app):
    html = page(client.get("/grep/lillehammer-startlan"))
    refs = html.select(".cite .cite-text")
    assert len(refs) == 2
    case_ref, report_ref = (r["data-copy"] for r in refs)
    assert case_ref.startswith("Gode grep. (2026, mars 1). Flyktninger kjøper bolig med startlån")
    assert "(Versjon 2026-03-01)" in case_ref
    assert case_ref.endswith(f"{app.config['SITE_URL']}/grep/lillehammer-startlan")
    assert report_ref.startswith("Testforfatter. (2026). Testrapport om bolig og bosetting.")
    assert refs[0].select_one("i").get_text() == "Flyktninger kjøper bolig med startlån"
    downloads = [a["href"] for a in html.select(".downloads a")]
    assert downloads == [f"/grep/lillehammer-startlan/siter.{x}" for x in ("bib", "ris", "json")]
    assert html.select_one(".copy-status[role=status]")


def test_case_ids_are_validated_and_unknown_cases_are_404(client):
    assert client.get("/grep/finnes-ikke").status_code == 404
    assert client.get("/grep/NOT_AN_ID").status_code == 404
    assert client.get("/grep/..%2Fconftest").status_code == 404
    assert client.get("/grep/lillehammer-startlan/siter.exe").status_code == 404
    moved = client.get("/grep/lillehammer-startlan/")
    assert moved.status_code == 308 and moved.headers["Location"] == "/grep/lillehammer-startlan"


def test_source_list_and_source_page_with_metadata_cases_and_passages(client):
    listing = page(client.get("/kilder/"))
    assert listing.select_one('a[href="/kilder/testkilde"]')
    assert "3 grep bygger på denne rapporten" in text(listing.select_one(".card"))
    html = page(client.get("/kilder/testkilde"))
    assert text(html.select_one("h1")) == "Testrapport om bolig og bosetting"
    meta = {text(dt): text(dt.find_next_sibling("dd")) for dt in html.select(".meta-list dt")}
    assert meta["Forfattere"] == "Testforfatter" and meta["Utgitt"] == "2026"
    cited = [a["href"] for a in html.select(".cited-list > li > a")]
    assert "/grep/lillehammer-startlan" in cited
    block = html.select_one('[id="L12-L14"]')
    assert block.a["href"] == "/kilder/testkilde/del/1#L12-L14"
    assert "Flyktninger kjøper bolig med startlån" in text(block.select_one(".block-cases"))
    toc = html.select(".source-toc > li > a")
    assert [a["href"] for a in toc] == ["/kilder/testkilde/del/1"]
    ids = [el["id"] for el in html.select("[id]")]
    assert len(ids) == len(set(ids))


def test_report_part_is_the_text_with_the_cited_lines_marked_and_anchored(client):
    html = page(client.get("/kilder/testkilde/del/1"))
    assert text(html.select_one("h1")) == "Del 1 av 1: Testrapport om bolig og bosetting"
    body = html.select_one(".report-text")
    assert [text(h) for h in body.select("h3")] == [
        "2.1 Startlån i en innlandskommune",
        "2.2 Boveiledning",
    ]
    anchor = body.select_one('[id="L12-L14"]')
    para = anchor.find_next_sibling("p")
    assert para["id"] == "L12" and (para["data-first"], para["data-last"]) == ("12", "14")
    assert "cited" in para["class"] and text(para).startswith("Kommunen brukte startlån aktivt")
    note = para.find_next_sibling("p")
    assert "used-in" in note["class"] and text(note).startswith("Brukt i: ")
    assert note.select_one('a[href="/grep/lillehammer-startlan"]')
    assert "cited" not in body.select_one('[id="L10"]').get("class", [])  # a heading
    assert body.select_one('[id="L18-L18"]').find_next_sibling("p")["id"] == "L18"
    ids = [el["id"] for el in html.select("[id]")]
    assert len(ids) == len(set(ids))
    assert client.get("/kilder/testkilde/del/2").status_code == 404
    assert client.get("/kilder/testkilde/del/0").status_code == 404


def test_every_cited_range_and_passage_has_an_anchor(client):
    html = page(client.get("/kilder/testkilde"))
    anchors = {el["id"] for el in html.select(".block[id]")}
    text_anchors = {el["id"] for el in page(client.get("/kilder/testkilde/del/1")).select("[id]")}
    for link in page(client.get("/grep/lillehammer-startlan")).select(".citations a"):
        assert link["href"].split("#")[1] in anchors & text_anchors
    result = client.get("/api/sok?q=startlån&type=rapport").get_json()
    for hit in result["hits"]:
        assert hit["url"].split("#")[1] in text_anchors


def test_report_text_comes_from_the_index_not_the_file(corpus, index_dir, tmp_path):
    client = make_app(corpus, index_dir, sources=(tmp_path,)).test_client()
    html = page(client.get("/kilder/testkilde/del/1"))
    assert "Kommunen brukte startlån aktivt" in text(html.select_one(".report-text"))


def test_report_text_is_not_shown_when_the_registered_file_changed(corpus, index_dir, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    registry = root / "sources" / "testkilde.yaml"
    old_sha = registry.read_text(encoding="utf-8").split("sha256:")[1].split()[0].strip("\"'")
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(old_sha, "0" * 64), encoding="utf-8"
    )
    client = make_app(root, index_dir, sources=(tmp_path,)).test_client()
    assert client.get("/kilder/testkilde/del/1").status_code == 404
    html = page(client.get("/kilder/testkilde"))
    assert not html.select(".source-toc")


def test_source_page_without_the_report_file_says_so(corpus, tmp_path):
    app = make_app(corpus, tmp_path / "no-index", sources=(tmp_path,))
    html = page(app.test_client().get("/kilder/testkilde"))
    assert "Rapportfilen finnes ikke på denne tjeneren" in text(html.select_one(".notice"))
    assert html.select_one('[id="L12-L14"]') and not html.select(".line")


def test_map_draws_357_kommuner_shaded_with_links_legend_and_a_table(client):
    html = page(client.get("/kart"))
    svg = html.select_one("svg.norway-map")
    assert svg.select_one("title").get_text() and svg.select_one("desc").get_text()
    shapes = svg.select(".map-kommuner path")
    assert len(shapes) == 357
    assert all(p["d"].startswith("M") and p["d"].endswith("Z") for p in shapes)
    assert len(svg.select(".map-fylker path")) == 15
    links = {a["href"]: a["aria-label"] for a in svg.select(".map-links a")}
    assert links["/sok?kommune=Lillehammer"] == "Lillehammer: 1 grep"
    assert len(links) == 3
    assert svg.select_one('.map-links a[href="/sok?kommune=Bergen"] path')["class"] == ["shade-1"]
    legend = [text(li) for li in html.select(".map-legend li")]
    assert legend[:2] == ["ingen grep", "1 grep"]
    assert "© Kartverket" in text(html.select_one("figcaption"))
    rows = [[text(td) for td in tr.select("td")] for tr in html.select(".data-table tbody tr")]
    assert ["Bergen", "Vestland", "291 940", "1"] in rows  # population from the register
    assert [r[0] for r in rows] == [
        "Bergen",
        "Fredrikstad",
        "Lillehammer",
    ]  # every kommune with cases
    fylker = {text(li) for li in html.select(".count-list li")}
    assert "Innlandet 1 grep" in fylker and "Nordland ingen grep ennå" in fylker
    side, figure = html.select_one(".map-side"), html.select_one(".map-figure")
    assert side.sourceline < figure.sourceline  # the table first (narrow screens, screen readers)


def test_about_page_has_evidence_scale_contributing_and_accessibility_statement(client):
    html = page(client.get("/om"))
    steps = [text(dt) for dt in html.select(".evidence-scale dt")]
    assert steps == [
        "Målt effekt",
        "Evaluert",
        "Rapporterte resultater",
        "Praksiserfaring",
        "Under utprøving",
        "Anbefalt, ikke utprøvd",
    ]
    assert html.select_one("h2#bidra") and html.select_one("h2#tilgjengelighet")
    assert "WCAG 2.1" in text(html.select_one("#tilgjengelighet").find_next("p"))


def test_approach_page_lists_its_cases_and_unknown_approach_is_404(client):
    html = page(client.get("/innganger/hvordan-lykkes"))
    assert text(html.select_one("h1")) == "Hvordan lykkes de beste"
    assert client.get("/innganger/ukjent").status_code == 404


def test_not_found_is_a_norwegian_page_and_json_under_api(client):
    response = client.get("/finnes/ikke")
    assert response.status_code == 404
    assert text(page(response).select_one("h1")) == "Siden finnes ikke"
    api = client.get("/api/grep/finnes-ikke")
    assert api.status_code == 404 and api.get_json()["error"]["status"] == 404
    assert client.post("/sok").status_code == 405


def test_an_unexpected_error_is_a_500_page_without_traceback(corpus, index_dir):
    app = make_app(corpus, index_dir)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom():
        raise RuntimeError("secret detail")

    app.add_url_rule("/boom", view_func=boom)
    app.add_url_rule("/api/boom", view_func=boom, endpoint="api_boom")
    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Noe gikk galt" in body
    assert "Traceback" not in body and "secret detail" not in body
    api = app.test_client().get("/api/boom")
    assert api.status_code == 500 and api.get_json()["error"]["title"] == "Noe gikk galt"


def test_missing_index_gives_503_on_search_but_case_pages_still_work(corpus, tmp_path):
    app = make_app(corpus, tmp_path / "no-index")
    client = app.test_client()
    response = client.get("/sok?q=bolig")
    assert response.status_code == 503
    assert "Søkeindeksen er ikke bygget ennå. Kjør `kb index`." in text(page(response))
    assert client.get("/api/sok?q=bolig").get_json()["error"]["status"] == 503
    case = page(client.get("/grep/lillehammer-startlan"))
    assert case.select("#lignende-title ~ ul .card-title a")
    source = page(client.get("/kilder/testkilde"))
    assert "Søkeindeksen er ikke bygget ennå" in text(source.select_one(".passages"))


def test_content_is_reloaded_when_a_file_changes(corpus, index_dir, tmp_path, monkeypatch):
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    monkeypatch.setattr(web.state, "RELOAD_SECONDS", 0.0)
    client = make_app(root, index_dir).test_client()
    assert client.get("/grep/ny-kopi").status_code == 404
    source = (root / "grep" / "lillehammer-startlan.md").read_text(encoding="utf-8")
    (root / "grep" / "ny-kopi.md").write_text(
        source.replace("id: lillehammer-startlan", "id: ny-kopi"), encoding="utf-8"
    )
    assert client.get("/grep/ny-kopi").status_code == 200


def test_settings_come_from_defaults_env_and_the_test_mapping(monkeypatch, corpus, index_dir):
    monkeypatch.setenv("KB_PAGE_SIZE", "7")
    monkeypatch.setenv("KB_SITE_URL", "https://env.example")
    app = create_app(
        {
            "SITE_URL": "https://test.example",
            "CONTENT_DIR": str(corpus),
            "INDEX_DIR": str(index_dir),
        }
    )
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["SITE_URL"] == "https://test.example"
    assert app.config["MAX_QUERY_CHARS"] == 500
