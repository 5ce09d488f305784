"""Citations: APA 7 (nb-NO) through citeproc, BibTeX, RIS and CSL-JSON, and their downloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from webtools import REAL_CONTENT, make_app

from kb import cite
from kb.content.loader import load_content


@pytest.fixture(scope="module")
def real():
    return load_content(REAL_CONTENT)


def test_citeproc_has_the_norwegian_locale():
    import citeproc

    assert (Path(citeproc.__file__).parent / "data" / "locales" / "locales-nb-NO.xml").exists()


def test_report_reference_is_apa_7(real):
    item = cite.source_item(real.sources["fafo-2015-08"])
    assert item["author"][1] == {"family": "Jensen", "given": "Ragnhild Steen"}
    assert (item["genre"], item["number"]) == ("Fafo-rapport", "2015:08")
    assert cite.apa(item) == (
        "Bakkeli, V., & Jensen, R. S. (2015). Samordnet bosetting av flyktninger: Perspektiver "
        "fra IMDi, Husbanken og kommunene (Fafo-rapport 2015:08). Fafo."
    )
    assert cite.apa(item, html=True).startswith("Bakkeli, V., &amp; Jensen, R. S. (2015). <i>")


def test_report_without_authors_or_year_uses_group_author_and_no_date(real):
    text = cite.apa(cite.source_item(real.sources["hiof-velferdspiloten"]))
    assert text == (
        "Høgskolen i Østfold. (u.å.). Velferdspiloten – andre rapport fra følgeforskningen."
    )


def test_case_reference_has_title_version_date_and_url(real):
    case = real.cases["kristiansund-foreldreskole"]
    item = cite.case_item(case, "https://gode-grep.example/")
    text = cite.apa(item)
    assert text.startswith(f"Gode grep. ({case.updated.year}, ")
    assert f"{case.title} (Versjon {case.updated.isoformat()})." in text
    assert text.endswith("https://gode-grep.example/grep/kristiansund-foreldreskole")
    items = cite.case_items(case, real.sources, "https://gode-grep.example")
    assert [i["id"] for i in items] == ["kristiansund-foreldreskole", "fafo-2015-08"]


def test_bibtex_ris_and_csl_json(real):
    case = real.cases["kristiansund-foreldreskole"]
    items = cite.case_items(case, real.sources, "https://x.example")
    bib = cite.bibtex(items)
    assert bib.startswith("@misc{kristiansund-foreldreskole,\n  author = {{Gode grep}},")
    assert "@techreport{fafo-2015-08," in bib
    assert "author = {Bakkeli, Vidar and Jensen, Ragnhild Steen}" in bib
    assert "number = {2015:08}" in bib and bib.count("{") == bib.count("}")
    ris = cite.ris(items).split("\r\n")
    assert ris[0] == "TY  - ELEC" and "TY  - RPRT" in ris and ris.count("ER  - ") == 2
    assert "AU  - Bakkeli, Vidar" in ris and "SN  - 978-82-324-0187-1" in ris
    data = json.loads(cite.csl_json(items))
    assert data[1]["type"] == "report" and data[0]["URL"].endswith("/grep/" + case.id)


def test_bibtex_escapes_special_characters():
    item = {"id": "x", "type": "report", "title": "50 % & more_{x}", "author": []}
    assert "title = {50 \\% \\& more\\_\\{x\\}}" in cite.bibtex([item])


def test_downloads_are_attachments_with_the_right_types(corpus, index_dir):
    client = make_app(corpus, index_dir).test_client()
    expected = {
        "bib": "application/x-bibtex",
        "ris": "application/x-research-info-systems",
        "json": "application/vnd.citationstyles.csl+json",
    }
    for fmt, mimetype in expected.items():
        response = client.get(f"/grep/lillehammer-startlan/siter.{fmt}")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="lillehammer-startlan.{fmt}"'
        )
    data = client.get("/grep/lillehammer-startlan/siter.json").get_json(force=True)
    assert [d["id"] for d in data] == ["lillehammer-startlan", "testkilde"]


def test_apa_html_escapes_every_field_and_keeps_only_italics():
    from bs4 import BeautifulSoup

    bad = '<meta http-equiv="refresh" content="0;url=https://evil.example/">"><img src=x>'
    item = {
        "id": "x",
        "type": "report",
        "title": "Tittel " + bad,
        "author": [{"family": "Nordmann" + bad, "given": "Ola"}],
        "publisher": "Forlag " + bad,
        "collection-title": "Serie " + bad,
        "URL": "https://example.org/?a=1&b=" + bad,
        "issued": {"date-parts": [[2020]]},
    }
    html = cite.apa(item, html=True)
    soup = BeautifulSoup(html, "html.parser")
    assert {tag.name for tag in soup.find_all(True)} <= {"i", "em", "span"}
    assert soup.get_text().count('<meta http-equiv="refresh"') >= 3  # shown as text
