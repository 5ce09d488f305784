"""`kb export --site-url https://org.github.io/gode-grep/`: a site served under a folder.

The small corpus is exported once (webtools.subpath_export) and served by http.server at
/gode-grep/ only, as GitHub Pages serves a project site; every link is followed over HTTP.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from webtools import SUBPATH, SUBPATH_SITE_URL, served_under, subpath_export

from web.static_site.linkcheck import check_links

CASE = "lillehammer-startlan"
# A sample of every kind of page, as served; the last two are missing (404.html at any depth).
PAGES = [
    "",
    f"grep/{CASE}/",
    "sok/",
    "sok/?q=bolig&type=grep",
    "tema/bolig/",
    "kilder/",
    "kilder/testkilde/",
    "kart/",
    "om/",
    "tilskudd/",
    "404.html",
    "finnes-ikke/",
    "grep/finnes/ikke/her",
]
LINKS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):  # a link must lead to its file, not to a redirect
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url: str) -> tuple[int, bytes]:
    """(status, body) of a GET, redirects not followed."""
    try:
        with OPENER.open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def site(corpus, index_dir) -> Path:
    return subpath_export(corpus, index_dir)


@pytest.fixture(scope="module")
def origin(site):
    with served_under(site) as url:
        yield url


def internal_links(html: BeautifulSoup, url: str) -> set[str]:
    """Every href/src (and form action) of a page that stays on its server, made absolute."""
    values = [el.get(attr) for tag, attr in LINKS.items() for el in html.find_all(tag)]
    values += [form.get("action") for form in html.find_all("form")]
    found = {urljoin(url, v.strip()) for v in values if v is not None and not v.startswith("#")}
    return {u for u in found if urlsplit(u).netloc == urlsplit(url).netloc}


def test_every_link_of_each_kind_of_page_resolves_under_the_folder(origin):
    checked: dict[str, int] = {}
    for path in PAGES:
        url = origin + SUBPATH + path
        status, body = get(url)
        missing = path.startswith(("finnes-ikke", "grep/finnes")) or path == "404.html"
        assert status == (404 if missing and path != "404.html" else 200), url
        html = BeautifulSoup(body, "html.parser")
        links = internal_links(html, url)
        assert len(links) > 5, url
        for link in links:
            assert urlsplit(link).path.startswith(SUBPATH), f"{url}: {link}"
            target = link.split("#", 1)[0]
            if target not in checked:
                checked[target] = get(target)[0]
        broken = {t: s for t, s in checked.items() if s != 200}
        assert broken == {}, url
    assert any("/static/site.css" in t for t in checked)  # the assets were among them


def test_the_search_page_finds_pagefinds_bundle_under_the_folder(origin):
    url = origin + SUBPATH + "sok/"
    html = BeautifulSoup(get(url)[1], "html.parser")
    script = next(s["src"] for s in html.find_all("script", src=True) if "sok-eksport" in s["src"])
    root = urljoin(urljoin(url, script), "../")  # as web/static/sok-eksport.js finds it
    assert urlsplit(root).path == SUBPATH
    for file in ("pagefind/pagefind.js", "pagefind/pagefind-entry.json"):
        assert get(root + file)[0] == 200, file


def test_sitemap_canonical_feed_and_open_data_carry_the_folder(site):
    sitemap = ElementTree.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith(SUBPATH_SITE_URL) for loc in locs)
    assert {SUBPATH_SITE_URL, f"{SUBPATH_SITE_URL}grep/{CASE}/"} <= set(locs)
    case = BeautifulSoup((site / "grep" / CASE / "index.html").read_text("utf-8"), "html.parser")
    assert case.select_one("link[rel=canonical]")["href"] == f"{SUBPATH_SITE_URL}grep/{CASE}/"
    assert f"Sitemap: {SUBPATH_SITE_URL}sitemap.xml" in (site / "robots.txt").read_text("utf-8")
    records = json.loads((site / "grep.json").read_text("utf-8"))
    assert f"{SUBPATH_SITE_URL}grep/{CASE}" in {r["url"] for r in records}
    assert all(r["url"].startswith(SUBPATH_SITE_URL + "grep/") for r in records)
    cited = json.loads((site / "grep" / CASE / "siter.json").read_text("utf-8"))
    assert cited[0]["URL"] == f"{SUBPATH_SITE_URL}grep/{CASE}"
    feed = ElementTree.parse(site / "nytt.atom").getroot()
    hrefs = [e.get("href") for e in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all(h.startswith(SUBPATH_SITE_URL) for h in hrefs)


def test_the_link_check_checks_links_as_served_under_the_folder(site, tmp_path):
    assert check_links(site, root=SUBPATH) == []
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="her">Her</h2>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="/gode-grep/a/#her">ok</a><a href="a/">ok</a><a href="/gode-grep">ok</a>'
        '<a href="/a/">x</a><a href="../a/">x</a><a href="/gode-grep/b/">x</a>',
        "utf-8",
    )
    assert check_links(tmp_path, root=SUBPATH) == [
        "index.html: /a/ -> finnes ikke (nettstedet ligger under /gode-grep/)",
        "index.html: ../a/ -> finnes ikke (nettstedet ligger under /gode-grep/)",
        "index.html: /gode-grep/b/ -> finnes ikke",
    ]
