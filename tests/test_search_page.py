"""The search page written in Python (web/search_page.py) inside a kept base.html (web/shell.py)
must give the bytes the templates gave: tests/fixtures/templates holds search.html and
_search_form.html as they were, the reference."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import request, url_for
from jinja2 import ChoiceLoader, FileSystemLoader
from webtools import REAL_CONTENT, make_app, real_index

from web import shell
from web.model.params import for_my_kommune, parse_request, run_search
from web.search_page import render, search_form
from web.state import site
from web.views.search import page_values

REFERENCE = Path(__file__).resolve().parent / "fixtures" / "templates"
URLS = (
    "/sok",
    "/sok?q=bolig",
    "/sok?q=bosetting+av+flyktninger&side=2",
    "/sok?q=bolig&tema=bolig&tema=%3Cx%3E%26y&aktor=nav&type=grep",
    "/sok?q=bolig&type=rapport&sort=nyeste&side=3",
    "/sok?q=barnhage",  # «Mente du …?» or the corrected search
    "/sok?q=xqzzyw+bolg",  # zero results
    "/sok?tema=xqzzyw",  # zero results with a filter
    "/sok?q=%3Cb%3E%22%26%27",
    "/sok?q=bolig&min_kommune=Bergen&storrelse=&fylke=",
    "/sok?q=bolig&min_kommune=Bergn",  # not found, with a guess
    "/sok?side=50",
)


@pytest.fixture(scope="module")
def real_app():
    return make_app(REAL_CONTENT, real_index())


def reference_env(app):
    """The app's templates, with search.html and _search_form.html as they were."""
    loader = ChoiceLoader([FileSystemLoader(REFERENCE), app.jinja_env.loader])
    return app.jinja_env.overlay(loader=loader)


def values(app) -> dict:
    """What the view renders the page from, for the request of the context."""
    req = parse_request(request.args, 500)
    content = site().content()
    resolved, mine = for_my_kommune(req, content.ctx.register)
    result = run_search(site().searcher(), resolved, int(app.config["PAGE_SIZE"]))
    return page_values(req, resolved, mine, result, content)


@pytest.mark.parametrize("static", [False, True], ids=["service", "export"])
def test_search_page_equals_the_template(real_app, static):
    real_app.config["STATIC"] = static
    env = reference_env(real_app)
    try:
        for url in URLS:
            with real_app.test_request_context(url, base_url="https://eks.example/app"):
                page = values(real_app)
                context = dict(page)
                real_app.update_template_context(context)
                expected = env.get_template("search.html").render(context)
                assert render(page).decode() == expected, url
    finally:
        real_app.config["STATIC"] = False


@pytest.mark.parametrize(
    "extra", [{}, {"big": True, "label_text": "Hva vil du finne?"}, {"label_text": "<&>"}]
)
def test_search_form_equals_the_template(app, extra):
    with app.test_request_context("/"):
        expected = reference_env(app).get_template("_search_form.html").render(extra)
        assert str(search_form(**extra)) == expected


def test_the_kept_shell_follows_host_root_and_static_files(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.extensions["kb_assets"].folder = static
    app.static_folder = str(static)
    client = app.test_client()

    def head(url: str, base: str) -> tuple[str, str]:
        html = client.get(url, base_url=base).get_data(as_text=True)
        canonical = html.split('<link rel="canonical" href="', 1)[1].split('"', 1)[0]
        css = html.split('<link rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        return canonical, css

    first = head("/sok?q=bolig", "http://a.example")
    assert first[0] == "http://a.example/sok"
    assert head("/sok?q=bolig", "https://b.example/app")[0] == "https://b.example/app/sok"
    assert head("/sok?q=bolig", "https://b.example/app")[1].startswith("/app/static/site.css?v=")
    (static / "site.css").write_text("body { color: red }\n", encoding="utf-8")
    changed = head("/sok?q=startlån", "http://a.example")  # another page: not a kept one
    assert changed[0] == first[0] and changed[1] != first[1]
    with app.test_request_context("/"):
        assert changed[1] == url_for("static", filename="site.css")
    for n in range(shell.SHELLS + 5):  # the Host header is the client's: the shells are bounded
        client.get("/sok?q=bolig", base_url=f"http://h{n}.example")
    assert len(app.extensions["kb_shells"]) <= shell.SHELLS
