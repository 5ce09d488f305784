"""Rendered pages are kept per process with what they were rendered from (web/pagecache.py):
a kept page is the page rendered afresh, and it changes as soon as the index or the content
does."""

from __future__ import annotations

import gzip
import re
import shutil

import brotli
from conftest import live_copy
from webtools import make_app, page, text

from indexer.build import update_case
from web import state
from web.state import KEY

CASE = "lillehammer-startlan"
SEARCH = "/sok?q=startl%C3%A5n"
TIMING = re.compile(r'"took_ms":[0-9.]+')


def live_app(corpus, tmp_path):
    """(app, content root, index folder) over a copy of the corpus that the test may edit."""
    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.close()
    return make_app(root, live), root, live


def retitled(root, new: str) -> None:
    """The case's title says `new` instead of «bolig»."""
    path = root / "grep" / f"{CASE}.md"
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace("kjøper bolig med", f"kjøper {new} med", 1), "utf-8")


def hit_titles(response) -> list[str]:
    return [text(a) for a in page(response).select(".hit-title a")]


def api_titles(response) -> list[str]:
    return [hit["title"] for hit in response.json["hits"]]


def test_a_kept_page_is_the_page_rendered_afresh(corpus, index_dir):
    app = make_app(corpus, index_dir)
    client = app.test_client()
    paths = (SEARCH, "/sok?tema=bolig", f"/grep/{CASE}", "/api/sok?q=bolig&tema=bolig")
    first = [client.get(p) for p in paths]
    assert len(app.extensions[KEY].pages) == len(paths)  # every one of them is kept
    again = [client.get(p) for p in paths]
    fresh = make_app(corpus, index_dir).test_client()
    for path, one, two in zip(paths, first, again, strict=True):
        assert one.status_code == two.status_code == 200
        bodies = [r.get_data(as_text=True) for r in (one, two, fresh.get(path))]
        if path.startswith("/api/"):  # the same bytes but for the search's own timing
            bodies = [TIMING.sub('"took_ms":0', b) for b in bodies]
            assert len(TIMING.findall(bodies[0])) == 1
        assert bodies[0] == bodies[1] == bodies[2], path


def test_a_kept_search_page_changes_with_the_index(corpus, tmp_path):
    app, root, live = live_app(corpus, tmp_path)
    site = app.extensions[KEY]
    site.pin(site.content())  # the content stays as it is: only the index changes
    client = app.test_client()
    api = "/api/sok?q=startl%C3%A5n"
    assert "Flyktninger kjøper bolig med startlån" in hit_titles(client.get(SEARCH))
    assert "Flyktninger kjøper bolig med startlån" in api_titles(client.get(api))
    retitled(root, "hytte")
    assert update_case(live, root / "grep" / f"{CASE}.md", root) == ("oppdatert", [])
    assert "Flyktninger kjøper hytte med startlån" in hit_titles(client.get(SEARCH))
    assert "Flyktninger kjøper hytte med startlån" in api_titles(client.get(api))


def test_a_kept_case_page_changes_with_the_content(corpus, index_dir, tmp_path):
    root = tmp_path / "content"  # only the content changes: the shared index serves
    shutil.copytree(corpus, root)
    app = make_app(root, index_dir)
    client = app.test_client()
    assert text(page(client.get(f"/grep/{CASE}")).h1) == "Flyktninger kjøper bolig med startlån"
    retitled(root, "hytte")
    app.extensions[KEY].reload()  # what the content check every few seconds does
    assert text(page(client.get(f"/grep/{CASE}")).h1) == "Flyktninger kjøper hytte med startlån"


def test_the_editors_preview_keeps_no_pages(corpus, index_dir):
    app = make_app(corpus, index_dir, WATCH=True)
    client = app.test_client()
    client.get(SEARCH)
    client.get(f"/grep/{CASE}")
    assert len(app.extensions[KEY].pages) == 0


def test_a_page_is_gzipped_once_and_each_body_gets_its_own_gzip(corpus, index_dir):
    app = make_app(corpus, index_dir)
    client = app.test_client()
    gzip_ok = {"Accept-Encoding": "gzip"}
    plain = {p: client.get(p).data for p in (SEARCH, f"/grep/{CASE}")}
    for path, body in plain.items():
        for _ in range(2):
            packed = client.get(path, headers=gzip_ok)
            assert packed.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(packed.data) == body
            assert packed.data[8] == 4  # gzip's XFL byte: zlib's fastest level (cheap new pages)
    assert len(app.extensions["kb_gzip"]) == 2  # one per body, not per request


def test_a_kept_page_keeps_its_gzip_and_a_page_rendered_again_gets_its_own(corpus, index_dir):
    app = make_app(corpus, index_dir)
    client, gzip_ok = app.test_client(), {"Accept-Encoding": "gzip"}
    first = client.get(SEARCH, headers=gzip_ok).data
    assert client.get(SEARCH, headers=gzip_ok).data == first  # the kept page's own gzip
    app.extensions[KEY].pages.clear()  # rendered again: another body, found by no old key
    again = client.get(SEARCH, headers=gzip_ok).data
    assert gzip.decompress(again) == gzip.decompress(first)
    assert len(app.extensions["kb_gzip"]) == 2


def test_a_browser_gets_brotli_once_per_body_and_gzip_apart(corpus, index_dir):
    """A client that accepts brotli (a browser, the bench) gets it, made once per body at the
    fast quality for a page this size; a gzip-only client gets its own gzip of the same body."""
    app = make_app(corpus, index_dir)
    client = app.test_client()
    browser, gzip_ok = {"Accept-Encoding": "gzip, deflate, br"}, {"Accept-Encoding": "gzip"}
    body = client.get(SEARCH).data
    packed = [client.get(SEARCH, headers=browser) for _ in range(2)]
    assert {r.headers["Content-Encoding"] for r in packed} == {"br"}
    assert packed[0].data == packed[1].data  # the kept page's own brotli, not made again
    assert brotli.decompress(packed[0].data) == body
    assert packed[0].data == brotli.compress(body, quality=1)  # the fast quality, not 5
    assert "Accept-Encoding" in packed[0].headers["Vary"]
    # The server sends the Date (gunicorn dropped the one make_conditional added); not the app
    assert all("Date" not in r.headers for r in packed)
    other = client.get(SEARCH, headers=gzip_ok)
    assert other.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(other.data) == body
    assert len(app.extensions["kb_gzip"]) == 2  # one per algorithm of the one body


def test_a_kept_page_is_kept_per_host_it_names(corpus, index_dir):
    client = make_app(corpus, index_dir).test_client()
    for host in ("http://a.example", "https://b.example", "http://a.example"):
        for path in (SEARCH, f"/grep/{CASE}"):
            canonical = page(client.get(path, base_url=host)).select_one("link[rel=canonical]")
            assert canonical["href"].startswith(f"{host}/"), (host, path)


def test_similar_cases_on_a_kept_case_page_change_with_the_index(corpus, tmp_path):
    app, root, live = live_app(corpus, tmp_path)
    site = app.extensions[KEY]
    site.pin(site.content())  # the content stays as it is: only the index changes
    client = app.test_client()

    def similar_titles() -> list[str]:
        html = page(client.get("/grep/bergen-bustad"))
        return [text(a) for a in html.select("#lignende-title ~ ul a")]

    assert "Flyktninger kjøper bolig med startlån" in similar_titles()
    retitled(root, "hytte")
    assert update_case(live, root / "grep" / f"{CASE}.md", root) == ("oppdatert", [])
    assert "Flyktninger kjøper hytte med startlån" in similar_titles()  # not a minute later


def test_similar_lists_kept_are_bounded(corpus, index_dir, monkeypatch):
    monkeypatch.setattr(state, "SIMILAR_KEPT", 2)
    app = make_app(corpus, index_dir)
    site = app.extensions[KEY]
    with app.app_context():
        lists = [site.similar(case_id, 4) for case_id in sorted(site.content().cases)]
        assert len(lists) == 3 and len(site._similar[1]) == 2  # the oldest one left out
        assert site.similar(CASE, 4) == lists[sorted(site.content().cases).index(CASE)]
