"""Absolute links use KB_SITE_URL or the address the request came to, never a loopback one."""

from __future__ import annotations

import json

import pytest
from webtools import make_app, page

from kb.cli import cli

PUBLIC = "https://godegrep.example.no"
CASE = "lillehammer-startlan"
PAGES = [
    "/",
    "/sok?q=bolig",
    "/sok?q=startlån&type=grep",
    f"/grep/{CASE}",
    f"/grep/{CASE}/historikk",
    f"/grep/{CASE}/siter.bib",
    f"/grep/{CASE}/siter.ris",
    f"/grep/{CASE}/siter.json",
    "/kilder/",
    "/kilder/testkilde",
    "/kart",
    "/om",
    "/foresla",
    "/api/grep.json",
    f"/api/grep/{CASE}",
    "/api/kilder/testkilde",
    "/api/sok?q=bolig",
    "/finnes-ikke",
]


@pytest.mark.parametrize("configured", ["", "http://127.0.0.1:5000"])
def test_no_page_names_a_loopback_address_to_a_public_host(corpus, index_dir, configured):
    client = make_app(corpus, index_dir, SITE_URL=configured).test_client()
    for path in PAGES:
        response = client.get(path, base_url=PUBLIC)
        assert response.status_code == (404 if path == "/finnes-ikke" else 200), path
        body = response.get_data(as_text=True)
        assert "127.0.0.1" not in body and "localhost" not in body, path
    html = page(client.get(f"/grep/{CASE}", base_url=PUBLIC))
    assert html.select_one("link[rel=canonical]")["href"] == f"{PUBLIC}/grep/{CASE}"
    assert html.select_one(".cite .cite-text")["data-copy"].endswith(f"{PUBLIC}/grep/{CASE}")
    data = client.get("/api/grep.json", base_url=PUBLIC).get_json()
    assert {c["url"] for c in data["cases"]} >= {f"{PUBLIC}/grep/{CASE}"}


def test_absolute_links_keep_the_application_root_the_site_is_served_under(corpus, index_dir):
    # Before: the canonical link and the API's case URLs dropped «/gode-grep» (host_url).
    client = make_app(corpus, index_dir, SITE_URL="").test_client()
    root = f"{PUBLIC}/gode-grep"
    html = page(client.get(f"/grep/{CASE}", base_url=root))
    assert html.select_one("link[rel=canonical]")["href"] == f"{root}/grep/{CASE}"
    assert html.select_one(".cite .cite-text")["data-copy"].endswith(f"{root}/grep/{CASE}")
    data = client.get("/api/grep.json", base_url=root).get_json()
    assert {c["url"] for c in data["cases"]} >= {f"{root}/grep/{CASE}"}


def test_a_configured_site_url_wins_over_the_host_header(corpus, index_dir):
    client = make_app(corpus, index_dir, SITE_URL="https://offisiell.example/").test_client()
    html = page(client.get(f"/grep/{CASE}?x=1", base_url=PUBLIC))
    assert (
        html.select_one("link[rel=canonical]")["href"] == f"https://offisiell.example/grep/{CASE}"
    )
    csl = json.loads(client.get(f"/grep/{CASE}/siter.json", base_url=PUBLIC).get_data())
    assert csl[0]["URL"] == f"https://offisiell.example/grep/{CASE}"


@pytest.mark.parametrize(("proxies", "expected"), [(0, "http://intern:8001"), (1, PUBLIC)])
def test_forwarded_host_is_trusted_only_behind_a_declared_proxy(
    corpus, index_dir, proxies, expected
):
    client = make_app(corpus, index_dir, TRUSTED_PROXIES=proxies).test_client()
    headers = {"X-Forwarded-Host": "godegrep.example.no", "X-Forwarded-Proto": "https"}
    response = client.get("/api/grep.json", base_url="http://intern:8001", headers=headers)
    urls = {c["url"] for c in response.get_json()["cases"]}
    assert f"{expected}/grep/{CASE}" in urls


def test_export_without_a_site_url_exits_2_and_says_how_to_give_one(
    corpus, tmp_path, monkeypatch, runner
):
    monkeypatch.delenv("KB_SITE_URL", raising=False)
    out = tmp_path / "ut"
    result = runner.invoke(cli, ["export", "--out", str(out), "--content", str(corpus)])
    assert result.exit_code == 2, result.output
    assert "--site-url https://" in result.output and "KB_SITE_URL" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://org.github.io/gode-grep/?side=1",
        "https://org.github.io/gode-grep/#topp",
        "ftp://org.github.io/gode-grep/",
        "org.github.io/gode-grep",
    ],
)
def test_export_refuses_a_site_url_with_query_fragment_or_another_scheme(
    corpus, tmp_path, runner, url
):
    out = tmp_path / "ut"
    args = ["export", "--out", str(out), "--content", str(corpus), "--site-url", url]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert f"«{url}»" in result.output and "https://org.github.io/gode-grep/" in result.output
    assert not out.exists()


def test_export_refuses_a_site_url_in_mkdocs_yml_with_a_query(tmp_path, runner, monkeypatch):
    from web.static_site import site

    monkeypatch.delenv("KB_SITE_URL", raising=False)
    monkeypatch.setattr(site, "CONFIG", tmp_path / "mkdocs.yml")
    (tmp_path / "mkdocs.yml").write_text("site_url: https://x.example/gg?a=1\n", "utf-8")
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "ut")])
    assert result.exit_code == 2, result.output
    assert "mkdocs.yml: site_url: «https://x.example/gg?a=1» har «?» eller «#»" in result.output
    assert not (tmp_path / "ut").exists()
