"""Reader-facing details: static files hashed, cached and gzipped; /om's feedback channel;
the 404 page's search box; the «Sist oppdatert» list; «inngang» explained."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from webtools import make_app, page, text

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"


def static_urls(html) -> dict[str, str]:
    """The page's stylesheet and script addresses by file name."""
    tags = html.select('link[rel="stylesheet"], script[src]')
    urls = [t.get("href") or t.get("src") for t in tags]
    return {urlparse(u).path.rsplit("/", 1)[1]: u for u in urls}


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    found = static_urls(page(client.get("/")))

    for name in ("site.css", "site.js"):
        version = parse_qs(urlparse(found[name]).query)["v"][0]
        assert version == hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
        with client.get(found[name]) as response:
            assert response.status_code == 200
            assert response.cache_control.max_age == 365 * 24 * 3600
            assert response.cache_control.immutable
    with client.get("/static/site.css") as unversioned:
        assert unversioned.cache_control.no_cache and not unversioned.cache_control.immutable
    with client.get("/static/site.css?v=000000000000") as stale:
        assert not stale.cache_control.immutable


def test_css_and_js_are_sent_gzipped_when_the_browser_accepts_it(client):
    found = static_urls(page(client.get("/")))
    for name in ("site.css", "site.js"):
        response = client.get(found[name], headers={"Accept-Encoding": "gzip, br"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        body = response.get_data()
        assert gzip.decompress(body) == (STATIC / name).read_bytes()
        assert len(body) < (STATIC / name).stat().st_size / 2
    with client.get(found["site.css"]) as plain:
        assert "Content-Encoding" not in plain.headers
        assert plain.get_data() == (STATIC / "site.css").read_bytes()


def test_accessibility_statement_gives_an_email_and_links_uustatus(corpus, index_dir):
    client = make_app(corpus, index_dir, FEEDBACK_EMAIL="uu@kommune.example").test_client()
    html = page(client.get("/om"))
    statement = html.select_one("#tilgjengelighet").find_parent("article")
    mail = [a["href"] for a in statement.select('a[href^="mailto:"]')]
    assert any(href.startswith("mailto:uu@kommune.example") for href in mail)
    assert statement.select('a[href^="https://uustatus.no"]')
    assert "/issues" not in " ".join(a["href"] for a in statement.select("a"))
    dev = html.select_one(".dev-links")
    assert text(dev.select_one("h3")) == "For redaktører og utviklere"
    assert "pull request" in text(dev)
    outside = text(html.select_one("article")).replace(text(dev), "")
    assert "pull request" not in outside and "repositori" not in outside


def test_the_404_page_has_a_search_box(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    form = page(response).select_one("form[role=search]")
    assert form["action"] == "/sok" and form.select_one("input[name=q]")


def test_home_lists_the_last_updated_cases_by_date_and_says_so(client):
    html = page(client.get("/"))
    cards = html.select("#nye-title ~ ul .card")
    dates = [card.select_one("time")["datetime"] for card in cards]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1
    assert all(text(card).count("Oppdatert ") == 1 for card in cards)


def test_inngang_is_explained_where_it_appears(client):
    home = page(client.get("/"))
    assert "En inngang er et spørsmål" in text(home.select_one("#innganger"))
    approach = page(client.get("/innganger/implementering"))
    link = approach.select_one('main a[href="/#innganger"]')
    assert link is not None and "spørsmål" in text(link.find_parent("p"))


def test_home_says_when_the_last_updated_cases_share_one_date(corpus, index_dir, tmp_path):
    root = tmp_path / "samme-dato"
    shutil.copytree(corpus, root)
    for case in (root / "grep").glob("*.md"):
        lines = case.read_text("utf-8").splitlines(keepends=True)
        same = ["updated: 2026-03-01\n" if ln.startswith("updated:") else ln for ln in lines]
        case.write_text("".join(same), "utf-8")
    html = page(make_app(root, index_dir).test_client().get("/"))
    section = html.select_one("#nye-title").find_parent("section")
    intro = text(section.select_one(".section-intro"))
    said = "3 grep ble sist endret av redaksjonen 1. mars 2026. Her er 3 av dem, etter tittel."
    assert intro == said
    titles = [text(a) for a in section.select(".card-title a")]
    assert titles == sorted(titles) and len(titles) == 3
    assert "Oppdatert " not in text(section)
    more = section.select_one("a.more")  # «nyeste først» would sort nothing
    assert text(more) == "Alle grep, etter tittel" and "sort=tittel" in more["href"]
