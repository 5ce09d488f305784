"""HTTP details under hostile input: malformed numbers, 405, caching, headers, form bounds."""

from __future__ import annotations

import pytest
from test_foresla import VALID, post, token
from webtools import page

from kb.content.problems import Problem
from web.model.feedback import MAX_SHOWN, FormError, by_key, form_errors
from web.security import HEADERS


@pytest.mark.parametrize("url", ["/sok?q=bolig&side=²", "/api/sok?q=bolig&side=²"])
def test_unicode_digits_in_the_page_number_are_no_500(client, url):
    response = client.get(url)
    assert response.status_code == 200  # ignored like any malformed page number: page 1


@pytest.mark.parametrize("url", ["/sok?q=bolig&side=٣", "/sok?side=%EF%BC%93"])
def test_non_ascii_digits_are_treated_as_no_page_number(client, url):
    response = client.get(url)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("field", ["period_start", "period_end", "source_first"])
def test_unicode_digits_in_form_numbers_are_a_form_error_not_a_500(client, field):
    response = post(client, {**VALID, field: "²"})
    assert response.status_code == 200
    assert page(response).select(".error-summary li, .error-summary a"), "no form error shown"


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
