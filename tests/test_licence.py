"""The content licence (CC BY 4.0) is stated on /om, in every footer, in open data and README."""

from __future__ import annotations

from pathlib import Path

import pytest
from webtools import page, text

from kb.opendata import FIELDS, LICENSE, LICENSE_ID, case_record

CC_BY = "https://creativecommons.org/licenses/by/4.0/deed.no"
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize(
    "path",
    ["/", "/sok?q=bolig", "/grep/lillehammer-startlan", "/kilder/testkilde", "/kart", "/om"],
)
def test_every_page_footer_states_the_licence(client, path):
    footer = page(client.get(path)).select_one(".site-footer")
    assert footer.select_one("a[rel=license]")["href"] == CC_BY
    assert "CC BY 4.0" in text(footer) and "utgivernes egne vilkår" in text(footer)


def test_about_page_has_a_licence_section(client):
    html = page(client.get("/om"))
    section = html.find(id="lisens")
    assert section is not None and section.name == "h2"
    body = " ".join(text(p) for p in section.find_next_siblings("p", limit=3))
    assert "CC BY 4.0" in body and "Kilde: Gode grep, CC BY 4.0" in body
    assert "utgivernes egne vilkår" in body and "MIT" in body


def test_open_data_json_names_the_licence_and_keeps_its_shape(client):
    data = client.get("/api/grep.json").get_json()
    assert list(data)[:3] == ["count", "repository", "license"] and "cases" in data
    assert data["license"] == LICENSE and data["license"]["id"] == "CC-BY-4.0"
    assert data["count"] == len(data["cases"]) > 0
    assert all(c["license"] == LICENSE_ID for c in data["cases"])
    assert client.get("/api/grep/lillehammer-startlan").get_json()["license"] == LICENSE_ID


def test_every_open_data_record_and_csv_column_carries_the_licence(corpus):
    from kb.content.loader import load_content

    content = load_content(corpus)
    assert FIELDS[-1] == "license"
    assert {case_record(c)["license"] for c in content.cases.values()} == {"CC-BY-4.0"}


def test_readme_states_the_content_licence():
    readme = README.read_text("utf-8")
    section = readme.split("## Lisens", 1)[1].split("\n## ", 1)[0]
    assert "CC BY 4.0" in section and CC_BY in section and "MIT" in section
    assert "utgivernes egne vilkår" in section
