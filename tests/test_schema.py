"""One declaration per concept: the case schema, the site's URLs and the case page model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from webtools import page

from kb import urls
from kb.content import fields, schema
from kb.content.loader import load_content
from kb.content.model import Case
from kb.content.vocab import VOCABULARY_FIELDS
from kb.editor.new import FIELD_ORDER
from kb.opendata import FIELDS as OPEN_DATA_FIELDS
from kb.opendata import case_record
from kb.search.schema import schema_with
from web.model import case_page
from web.model.proposal import PICK_LISTS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASE_ID = "lillehammer-startlan"


def test_validation_model_and_kb_new_read_the_declared_fields():
    assert fields.KNOWN == schema.names() == FIELD_ORDER
    assert set(fields.REQUIRED) == {f.name for f in schema.FIELDS if f.required}
    assert VOCABULARY_FIELDS == {f.name: f.vocabulary for f in schema.FIELDS if f.vocabulary}
    case_fields = [f.name for f in dataclasses.fields(Case)]
    assert set(case_fields) == set(schema.names()) | set(schema.DERIVED)
    declared = [n for n in case_fields if n in schema.BY_NAME]
    required = [n for n in schema.names() if n not in dict.fromkeys(declared)]
    assert not required  # every declared field is a Case attribute


def test_every_declared_column_index_field_and_widget_has_its_consumer(client):
    assert OPEN_DATA_FIELDS == (
        "id",
        "url",
        *[c.name for f in schema.FIELDS for c in f.columns][1:],
        "license",  # the open-data licence, not a case field
    )
    from whoosh.analysis import StandardAnalyzer

    index_fields = set(schema_with(StandardAnalyzer()).names())  # the names, any analyzer
    assert {f.index for f in schema.FIELDS if f.index} <= index_fields
    assert [name for name, *_ in PICK_LISTS] == [
        f.name for f in schema.FIELDS if f.widget == "checkboxes"
    ]
    form = page(client.get("/foresla/redaktor"))  # the full editor form
    names = {el.get("name") for el in form.select("#foresla-skjema [name]")}
    for f in schema.FIELDS:
        if f.widget:
            assert set(f.inputs) <= names, f.name


def test_a_declared_column_reaches_the_open_data_record(client, monkeypatch):
    extra = schema.Field(
        "evidence_note", "text", "Om evidensen", columns=(schema.Column("budsjett", len_title),)
    )
    patched = tuple(extra if f.name == "evidence_note" else f for f in schema.FIELDS)
    monkeypatch.setattr(schema, "FIELDS", patched)
    loaded = load_content(_corpus(client), source_dirs=(FIXTURES / "seeds",))
    record = case_record(loaded.cases[CASE_ID])
    assert record["budsjett"] == len(loaded.cases[CASE_ID].title)


def len_title(case) -> int:
    return len(case.title)


def _corpus(client) -> Path:
    return Path(client.application.config["CONTENT_DIR"])


def test_a_case_a_line_range_and_a_theme_have_one_url_everywhere(client):
    case_url = urls.case_url(CASE_ID)
    lines_url = urls.source_url("testkilde", (12, 14))
    theme_url = urls.theme_url("bolig")
    assert (case_url, lines_url, theme_url) == (
        "/grep/lillehammer-startlan",
        "/kilder/testkilde#L12-L14",
        "/sok?tema=bolig",
    )
    # the index document (a search hit) and the open data
    hits = client.get("/api/sok?q=startlån").get_json()["hits"]
    assert case_url in [h["url"] for h in hits]
    passages = client.get("/api/sok?q=startlån&type=rapport").get_json()["hits"]
    assert all(h["url"].startswith("/kilder/testkilde#L") for h in passages)
    records = client.get("/api/grep.json").get_json()["cases"]
    assert "http://localhost" + case_url in [r["url"] for r in records]  # the request's host
    assert case_record(load_content(_corpus(client)).cases[CASE_ID])["url"] == case_url
    # the service's pages
    html = page(client.get(f"/grep/{CASE_ID}"))
    assert html.select_one(".citations a")["href"] == lines_url
    assert html.select_one(f'.factbox a[href="{theme_url}"]')
    assert html.select_one(".cite-text")["data-copy"].endswith(case_url)
    home = page(client.get("/"))
    assert case_url in [a["href"] for a in home.select("a")]
    # the export: the same pages at the same paths (tests/test_export.py, side by side)


def test_page_model_hides_empty_optional_rows_and_unknown_period_and_status(client):
    content = load_content(_corpus(client), source_dirs=(FIXTURES / "seeds",))
    case = dataclasses.replace(content.cases[CASE_ID], period=None, grants=(), status="ukjent")
    model = case_page.case_page(case, content, "https://x.example/")
    rows = {r.label: r for r in model.facts}
    assert "Når" not in rows and "Tilskudd og lån" not in rows and "Status" not in rows
    hidden = ("grants", "approaches", "period", "status")
    declared = [f.name for f in schema.FIELDS if f.fact and f.name not in hidden]
    declared = [n for n in declared if n != "fase" or case.fase]
    assert [r.name for r in model.facts] == declared[:1] + ["size"] + declared[1:]
    assert model.url == "/grep/lillehammer-startlan"


def test_each_limit_has_one_check_and_one_message(client):
    from kb.search.query import too_long

    long_query = "a" * 501
    refused = client.get("/api/sok", query_string={"q": long_query}).get_json()
    assert refused["error"]["message"] == too_long(long_query, 500)
    many = client.get("/api/sok?" + "&".join(f"tema=t{i}" for i in range(41)))
    assert many.status_code == 400
    assert many.get_json()["error"]["message"].startswith("Forespørselen har for mange parametre")


def test_the_library_truncates_an_overlong_query_with_the_same_message():
    from kb.search.query import clean, too_long

    text, message = clean("bolig " * 100, 500)
    assert len(text) <= 500 and message == too_long(" ".join(["bolig"] * 100), 500)


def test_one_typo_corrector_for_suggestions_and_fuzzy_matching(index_dir):
    from kb.search.planner import max_edits, near_words
    from kb.search.searcher import open_searcher

    assert [max_edits(w) for w in ("bolig", "bosetting")] == [1, 2]
    assert near_words("bosseting", ["bosetting", "bolig"]) == [("bosetting", 2)]
    assert near_words("bolog", ["bolig", "bygg"]) == [("bolig", 1)]
    searcher = open_searcher(index_dir)
    searcher.search("bolig")  # opens the reader, its planner and its engine
    engine, planner = searcher.engine, searcher.planner
    word = "familiene"  # in the corpus; two edits away:
    assert planner.correct("famliiene") == word
    indexed = searcher.analysis.stem(word)
    typo = indexed[:2] + indexed[3] + indexed[2] + indexed[4:]  # two letters swapped
    assert (indexed in engine.near_terms(typo)) == (max_edits(typo) == 2)
    assert indexed in engine.near_terms(indexed[:-1] + "x")
