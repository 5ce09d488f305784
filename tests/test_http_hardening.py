"""HTTP details under hostile input: malformed numbers, 405, caching, headers, form bounds."""

from __future__ import annotations

import pytest
from test_foresla import VALID, errors_by_field, post, token
from webtools import page, text

from kb.content.problems import Problem
from web.model.feedback import MAX_SHOWN, FormError, by_key, form_errors
from web.security import HEADERS

MALFORMED_PAGES = ["²", "٣", "３", "abc", "-1", "0", "", "1.5", " 2", "99999999999999999999", "51"]


@pytest.mark.parametrize("value", MALFORMED_PAGES)
def test_a_malformed_page_number_is_a_norwegian_400_page(client, value):
    response = client.get("/sok", query_string={"q": "bolig", "side": value})
    assert response.status_code == 400
    assert "Sidenummeret" in text(page(response).select_one(".lead"))
    for name in HEADERS:
        assert name in response.headers, name


@pytest.mark.parametrize("value", MALFORMED_PAGES)
def test_a_malformed_page_number_is_a_json_400_in_the_api(client, value):
    response = client.get("/api/sok", query_string={"q": "bolig", "side": value})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and "Sidenummeret" in error["message"]
    for name in HEADERS:
        assert name in response.headers, name


def test_every_page_number_given_is_checked_and_a_good_one_is_used(client):
    assert client.get("/api/sok?q=bolig&side=1&side=²").status_code == 400
    assert client.get("/api/sok?q=bolig&side=2&side=1").get_json()["page"] == 2
    assert client.get("/api/sok?q=bolig&side=50").status_code == 200
    assert client.get("/sok?q=bolig&side=2").status_code == 200


@pytest.mark.parametrize(
    ("field", "key"),
    [("period_start", "period-start"), ("period_end", "period-end"),
     ("source_first", "source-0-lines")],
)  # fmt: skip
@pytest.mark.parametrize("value", ["²", "٣", "-1", "2015.5"])
def test_malformed_numbers_in_the_form_are_an_error_on_their_field(client, field, key, value):
    response = post(client, {**VALID, field: value})
    assert response.status_code == 200
    html = page(response)
    assert key in errors_by_field(html), errors_by_field(html)
    assert html.select_one(f'.error-summary a[href="#{FormError(key, "").target}"]')
    assert not html.select_one("section.result"), "the proposal was accepted"


def test_405_says_which_methods_are_allowed(client):
    response = client.post("/sok")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    response = client.put("/foresla")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    "url", ["/", "/sok?q=bolig", "/api/sok?q=bolig", "/grep/lillehammer-startlan"]
)
def test_dynamic_pages_for_visitors_without_a_session_are_cached_briefly(client, url):
    response = client.get(url)
    assert response.status_code == 200
    cache = response.headers.get("Cache-Control", "")
    assert "public" in cache and "max-age=" in cache


def test_form_pages_are_never_stored(client):
    assert "no-store" in client.get("/foresla").headers.get("Cache-Control", "")
    assert "no-store" in post(client, VALID).headers.get("Cache-Control", "")


def test_a_page_for_a_visitor_with_a_session_is_not_public(client):
    token(client)  # the form gives this client a session cookie
    cache = client.get("/sok?q=bolig").headers.get("Cache-Control", "")
    assert "public" not in cache and ("private" in cache or "no-store" in cache)


@pytest.mark.parametrize(
    "method, url",
    [("GET", "/finnes-ikke"), ("POST", "/sok"), ("GET", "/sok?q=" + "x" * 5000)],
)
def test_error_pages_carry_the_security_headers_and_no_public_caching(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code >= 400
    for name in HEADERS:
        assert name in response.headers, name
    assert "public" not in response.headers.get("Cache-Control", "")


def test_a_second_section_heading_inside_a_text_field_is_refused(client):
    text = "Familiene leide dyrt.\n\n## Resultater\n\nAlle fikk bolig med en gang."
    response = post(client, {**VALID, "section-utfordringen": text})
    errors = page(response).select(".error-summary li")
    assert errors, "a second «## Resultater» inside a field passed"
    assert any("##" in e.get_text() for e in errors)


def test_a_form_with_too_many_fields_is_refused_before_it_is_checked(client):
    data = {**VALID, "themes": ["bolig"] * 3000}
    response = post(client, data)
    assert response.status_code == 413
    assert "Cache-Control" in response.headers


def test_many_unknown_ids_give_a_bounded_list_of_errors(client):
    unknown = [f"finnes-ikke-{i}" for i in range(250)]
    response = post(client, {**VALID, "themes": unknown})
    assert response.status_code == 200
    errors = page(response).select(".error-summary li")
    assert 10 < len(errors) <= MAX_SHOWN + 1
    assert "feil til" in errors[-1].get_text()
    assert len(response.get_data()) < 200_000


def test_form_errors_are_grouped_once_each_in_order():
    problems = [Problem("x.md", 9, f"themes[{i}]", "ukjent tema", "") for i in range(3)] * 2
    errors = form_errors(problems, "", {})
    assert len(errors) == 1 and errors[0].key == "themes"
    notes = [FormError("b", "1"), FormError("a", "2"), FormError("b", "3")]
    assert by_key(notes) == {"b": [notes[0], notes[2]], "a": [notes[1]]}
