"""«Foreslå et godt grep»: the form, its server-side check, the file, the link, CSRF and limits."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import make_root
from webtools import make_app, page, text

from kb.cli import cli
from kb.content.loader import check_text, load_context
from kb.content.problems import Problem
from kb.editor.new import HINTS
from web.model.feedback import FormError, field_key, section_lines
from web.model.proposal import MAX_URL, free_id, parse_form, pull_request_url
from web.security import CSP

QUOTE = "Kommunen brukte startlån aktivt slik at flyktningfamilier kunne kjøpe egen bolig"
VALID = {
    "title": "Gjøvik hjelper flyktninger fra leie til eie",
    "summary": "Kommunen brukte startlån slik at flyktningfamilier kunne kjøpe egen bolig.",
    "kommune": ["Gjøvik", ""],
    "region": "",
    "period_start": "2015",
    "period_end": "",
    "status": "pågående",
    "themes": ["bolig", "bosetting"],
    "target_groups": ["flyktninger"],
    "actors": ["kommune", "husbanken"],
    "grants": ["startlan"],
    "evidence": "erfaring",
    "source_source": ["testkilde", ""],
    "source_section": ["2.1", ""],
    "source_first": ["12", ""],
    "source_last": ["14", ""],
    "source_quote": [QUOTE, ""],
    "section-utfordringen": "Familiene leide dyrt.",
    "section-slik-gjorde-de-det": "- Startlån\r\n- Tett oppfølging",
    "section-resultater": "Familier kjøpte egen bolig.",
    "section-dette-skal-til": "Samarbeid.",
    "section-fallgruver": "",
    "section-overforingsverdi": "Passer der boligene er rimelige.",
    "contact_role": "Boligkontoret",
    "contact_organisation": "Gjøvik kommune",
}


def token(client) -> str:
    """The CSRF token the form page gives this client's session."""
    return page(client.get("/foresla/redaktor")).select_one("input[name=csrf_token]")["value"]


def post(client, data: dict, url: str = "/foresla/redaktor"):
    """Post the form with this session's token."""
    return client.post(url, data={**data, "csrf_token": token(client)})


def errors_by_field(html) -> dict[str, str]:
    """Each flagged field's id and its error text, from the field's own message."""
    return {
        el["id"].removesuffix("-error"): text(el)
        for el in html.select(".field-message")
        if el.select(".field-error")
    }


def test_the_form_has_every_field_with_labels_lists_and_hints(client, corpus):
    html = page(client.get("/foresla/redaktor"))
    assert text(html.select_one("h1")) == "Foreslå et godt grep"
    form = html.select_one("form#foresla-skjema")
    assert form["method"] == "post" and form["action"] == "/foresla/redaktor"
    for field in form.select("input[type=text], textarea, select"):
        assert html.select_one(f'label[for="{field["id"]}"]'), field["id"]
    assert len(form.select("input[name=kommune][list=kommuneliste]")) == 3
    names = [o["value"] for o in html.select("datalist#kommuneliste option")]
    assert "Lillehammer" in names and "Bærum" in names and len(names) > 300
    legends = [text(f.select_one("legend")) for f in form.select("fieldset.choices-field")]
    assert legends[:4] == ["Status", "Tema", "Målgrupper", "Aktører"]
    assert "Evidens" in legends and "Tilskudd og lån (valgfritt)" in legends
    themes = {i["value"] for i in form.select("input[type=checkbox][name=themes]")}
    assert {"bolig", "bosetting", "barnefattigdom"} <= themes
    first = form.select_one("input#evidence-0[type=radio]")
    assert first["value"] == "effekt"
    assert "sammenligningsgruppe" in text(html.select_one(f"#{first['aria-describedby']}"))
    assert [o["value"] for o in form.select("select#source-0-source option")] == ["", "testkilde"]
    for name, hint in HINTS.items():
        label = html.find("label", string=lambda s, n=name: s and s.startswith(n))
        area = html.select_one(f"textarea#{label['for']}")
        assert hint in text(html.select_one(f"#{area['aria-describedby']}"))
    assert form.select_one("details.more-rows select#source-1-source")


def test_a_post_without_the_sessions_token_is_refused_and_checks_nothing(client):
    data = {**VALID, "title": ""}
    for tokens in ({}, {"csrf_token": "forfalsket"}):
        response = client.post("/foresla/redaktor", data={**data, **tokens})
        assert response.status_code == 400
        html = page(response)
        assert "sikkerhetshensyn" in text(html.select_one(".error-summary"))
        assert not html.select(".field-error") and not html.select(".result")
        assert html.select_one("#summary").get_text() == VALID["summary"]  # kept for resending
    assert client.post("/foresla/redaktor/fil", data=VALID).status_code == 400
    other = client.application.test_client()  # a second browser, with its own session
    assert (
        client.post("/foresla/redaktor", data={**VALID, "csrf_token": token(other)}).status_code
        == 400
    )


def test_session_cookie_is_http_only_and_same_site(client):
    client.get("/foresla/redaktor")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert client.get("/om").headers.get("Set-Cookie") is None  # only the form sets one


def test_an_empty_form_lists_every_error_and_links_each_to_its_field(client):
    response = post(client, {})
    assert response.status_code == 200  # the form with its errors is the answer, as on GOV.UK
    html = page(response)
    assert text(html.select_one("title")).startswith("Feil: ")
    summary = html.select_one(".error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    links = {a["href"]: text(a) for a in summary.select("a")}
    assert links["#title"] == "Skriv en tittel."
    assert links["#themes-0"] == "Velg minst ett tema."
    assert links["#evidence-0"] == "Velg evidensnivå."
    assert links["#source-0-source"].startswith("Oppgi minst én kilde")
    assert links["#section-resultater"] == "Skriv hva kilden sier under «Resultater»."
    for href in links:
        assert html.select_one(href), href  # every link leads to a field on the page
    order = [a["href"] for a in summary.select("a")]
    assert order.index("#title") < order.index("#themes-0") < order.index("#section-resultater")
    title = html.select_one("input#title")
    assert title["aria-invalid"] == "true"
    assert title["aria-describedby"] == "title-hint title-error"
    themes = html.select_one("input#themes-0").find_parent("fieldset")
    assert "themes-error" in themes["aria-describedby"].split()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kommune": ["Lilehammer"]}, "kommune-0", "mente du «Lillehammer»?"),
        ({"source_first": ["14"], "source_last": ["12"]}, "source-0-lines", "bytt om tallene"),
        ({"source_first": ["tolv"]}, "source-0-lines", "Skriv første og siste linje som hele tall"),
        ({"source_quote": ["Dette står ikke i rapporten"]}, "source-0-quote", "står ikke i linje"),
        ({"source_source": ["testkild"]}, "source-0-source", "mente du «testkilde»?"),
        ({"period_end": "2010"}, "period-end", "Slutt (2010) er før start (2015)"),
        ({"period_start": "", "period_end": "2019"}, "period-start", "Skriv startåret"),
        ({"section-resultater": ""}, "section-resultater", "under «Resultater»"),
        ({"title": "x" * 201}, "title", "Teksten er for lang (201 tegn). Skriv høyst 200 tegn."),
        ({"contact_role": "Ola Nordmann"}, None, None),  # a role is free text: no error
    ],
)
def test_each_problem_is_shown_at_its_field(client, change, field, message):
    response = post(client, {**VALID, **change})
    html = page(response)
    found = errors_by_field(html)
    assert response.status_code == 200
    if field is None:
        assert not found and html.select_one("section.result")
        return
    assert list(found) == [field]
    assert message in found[field]
    assert html.select_one(f'.error-summary a[href="#{FormError(field, "").target}"]')


def test_a_valid_proposal_gives_the_file_a_download_and_a_pull_request_link(client, app, corpus):
    response = post(client, VALID)
    assert response.status_code == 200
    html = page(response)
    assert not html.select(".error-summary")
    result = html.select_one("section.result")
    markdown = result.select_one("textarea#markdown").get_text()
    case, problems = check_text(markdown, "gjovik-hjelper-flyktninger-fra-leie-til.md", ctx(corpus))
    assert case is not None and [p for p in problems if p.severity == "error"] == []
    assert case.kommuner == ("Gjøvik",) and case.fylker == ("Innlandet",)
    assert case.sources[0].lines == (12, 14) and case.sources[0].quote == QUOTE
    assert (
        case.section("Slik gjorde de det") == "- Startlån [1]\n- Tett oppfølging [1]"
    )  # one source
    assert case.section("Fallgruver") == "" and case.grants == ("startlan",)
    link = urlsplit(result.select_one("a[href^='https://']")["href"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == (
        app.config["REPO_URL"] + "/new/main/content/grep"
    )
    query = parse_qs(link.query)
    assert query["filename"] == ["gjovik-hjelper-flyktninger-fra-leie-til.md"]
    assert query["value"] == [markdown]
    button = result.select_one("button[formaction='/foresla/redaktor/fil']")
    assert button["form"] == "foresla-skjema" and text(button) == "Last ned filen"


def ctx(corpus: Path):
    """The corpus's context, with the test source's file."""
    return load_context(corpus, (Path(__file__).parent / "fixtures" / "seeds",))


def test_the_downloaded_file_passes_kb_validate(client, tmp_path, test_sources, runner):
    response = post(client, VALID, "/foresla/redaktor/fil")
    assert response.status_code == 200
    name = "gjovik-hjelper-flyktninger-fra-leie-til.md"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    root = make_root(tmp_path)
    (root / "grep" / name).write_bytes(response.get_data())
    sources = [arg for d in test_sources for arg in ("--sources", str(d))]
    result = runner.invoke(cli, ["validate", "--strict", "--content", str(root), *sources])
    assert result.exit_code == 0, result.output
    assert "1 grep er i orden; 0 feil, 0 advarsler" in result.output


def test_download_of_an_invalid_proposal_shows_the_form_again(client):
    response = post(client, {**VALID, "themes": []}, "/foresla/redaktor/fil")
    assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
    assert errors_by_field(page(response)) == {"themes": "Feil: Velg minst ett tema."}


def test_an_id_already_taken_gets_a_number(client):
    html = page(post(client, {**VALID, "title": "Lillehammer startlån"}))
    assert "lillehammer-startlan-2.md" in text(html.select_one(".result code"))
    assert free_id("a", {"a", "a-2"}) == "a-3" and free_id("b", {"a"}) == "b"


def test_a_long_file_offers_only_the_download(client):
    sections = ("utfordringen", "resultater", "dette-skal-til", "overforingsverdi")
    long = {f"section-{s}": "Et avsnitt med mange ord. " * 80 for s in sections}
    html = page(post(client, {**VALID, **long}))
    result = html.select_one("section.result")
    assert not result.select("a[href*='/new/main/']")
    assert "for lang til å sendes med en lenke" in text(result)
    assert result.select_one("button[formaction='/foresla/redaktor/fil']")
    assert pull_request_url("https://x.test", "a.md", "x" * MAX_URL) is None


def test_size_limits_have_friendly_messages(client):
    many = {"kommune": ["Gjøvik"] * 11, "source_source": ["testkilde"] * 11}
    found = errors_by_field(page(post(client, {**VALID, **many})))
    assert found["kommune-0"] == "Feil: Du kan oppgi høyst 10 kommuner."
    assert found["source-0-source"].startswith("Feil: Du kan oppgi høyst 10 kilder.")
    huge = client.post("/foresla/redaktor", data={**VALID, "summary": "x" * 70_000})
    assert huge.status_code == 413
    assert "Forslaget er for stort" in text(page(huge).select_one(".lead"))


def test_more_rows_appear_as_rows_are_filled(client):
    html = page(post(client, {**VALID, "kommune": ["Gjøvik", "Hamar", "Lillehammer"]}))
    assert len(html.select("input[name=kommune]")) == 4
    assert [i["value"] for i in html.select("input[name=kommune]")][:3] == [
        "Gjøvik",
        "Hamar",
        "Lillehammer",
    ]
    gap = {**VALID, "source_source": ["", "testkilde"], "source_first": ["", "12"]}
    gap |= {"source_last": ["", "14"], "source_section": ["", ""], "source_quote": ["", ""]}
    html = page(post(client, gap))  # an empty first row moves the filled one up
    assert html.select_one("select#source-0-source option[selected]")["value"] == "testkilde"


def test_nothing_is_stored(client, corpus, index_dir):
    def files():
        return sorted(p for p in [*corpus.rglob("*"), *index_dir.rglob("*")])

    before = files()
    post(client, VALID)
    post(client, VALID, "/foresla/redaktor/fil")
    assert files() == before


def test_the_form_is_linked_from_home_about_and_footer(client):
    for url in ("/", "/om"):
        html = page(client.get(url))
        assert html.select_one("main a[href='/foresla']"), url
        assert text(html.select_one("footer a[href='/foresla']")) == "Foreslå et godt grep"


def test_form_pages_have_the_security_headers_and_no_inline_code(client):
    for response in (client.get("/foresla/redaktor"), post(client, {}), post(client, VALID)):
        assert response.headers["Content-Security-Policy"] == CSP
        html = page(response)
        assert all(s.get("src", "").startswith("/static/") for s in html.select("script"))
        assert not html.select("style") and not html.select("[style]")


def test_workers_with_a_shared_secret_key_accept_each_others_tokens(corpus, index_dir):
    one = make_app(corpus, index_dir, SECRET_KEY="delt-nokkel").test_client()
    two = make_app(corpus, index_dir, SECRET_KEY="delt-nokkel").test_client()
    alone = make_app(corpus, index_dir).test_client()
    value = token(one)
    for other in (two, alone):
        other.set_cookie("session", one.get_cookie("session").value)
    assert two.post("/foresla/redaktor", data={**VALID, "csrf_token": value}).status_code == 200
    assert alone.post("/foresla/redaktor", data={**VALID, "csrf_token": value}).status_code == 400


def test_parse_form_cleans_values():
    form = {"title": ["  To\tord \x00 "], "section-resultater": ["a\r\nb "], "kommune": [""]}
    p, errors = parse_form(form)
    assert (p.title, p.texts["resultater"], p.kommuner, errors) == ("To ord", "a\nb", [], [])
    assert p.kommune_rows() == ["", "", ""]


def test_body_problems_map_to_the_section_they_stand_in():
    text_ = "---\nid: x\n---\n## Utfordringen\n\nA\n## Rart\n\nB\n## Resultater\n"
    slugs = {"Utfordringen": "utfordringen", "Resultater": "resultater"}
    lines = section_lines(text_, slugs)
    assert field_key(Problem("x.md", 7, "body", "ukjent avsnitt"), lines) == "section-utfordringen"
    assert field_key(Problem("x.md", 10, "body", "tomt"), lines) == "section-resultater"
    assert field_key(Problem("x.md", 2, "related[0]", "x"), lines) == ""


def test_a_near_duplicate_is_a_warning_that_does_not_block(client):
    html = page(post(client, {**VALID, "title": "Flyktninger kjøper bolig med startlån"}))
    assert html.select_one("section.result") and not html.select(".error-summary")
    [note] = html.select(".result-notes a")
    assert note["href"] == "#title"
    assert text(note).startswith("Ligner på grepet «Flyktninger kjøper bolig med startlån»")
    assert "Merk:" in text(html.select_one("#title-error .field-warning"))
    assert html.select_one("input#title").get("aria-invalid") is None


@pytest.mark.parametrize(
    "name", ["gyldig.md", "bad-status.md", "unknown-kommune.md", "bad-yaml.md"]
)
def test_check_text_says_what_read_case_says(name, content_root, test_sources):
    from kb.content.loader import read_case

    path = Path(__file__).parent / "fixtures" / "cases" / name
    context = load_context(content_root, test_sources)
    from_file = read_case(path, context)
    from_text = check_text(path.read_text(encoding="utf-8"), path, context)
    assert from_text == from_file
    assert (from_text[0] is None) == (name != "gyldig.md")
