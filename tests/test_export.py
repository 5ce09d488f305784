"""`kb export`: the static site built from the real content, once per session."""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, make_root

from kb.cli import cli
from kb.content.loader import CONTENT_DIR, load_content
from kb.errors import ContentError
from kb.opendata import FIELDS, LIST_SEPARATOR, case_record
from web.static_site import build_site, check_out
from web.static_site.linkcheck import check_links
from web.static_site.markup import slug

SITE_URL = "https://gode-grep.example/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
EVIL_BODY = (
    "Flyktningfamilier leide dyrt.\n\n<script>alert(1)</script>\n\n"
    '<img src="x" onerror="alert(2)">\n\nOm barnefattigdom\n'
)  # a javascript: link is refused by kb validate already (tests/test_hostile_input.py)


def build(content, out: Path, epoch: int | None = None) -> Path:
    """Build a site with the test settings."""
    build_site(
        content,
        out,
        SITE_URL,
        "https://example.invalid/edit/",
        "https://example.invalid",
        epoch=epoch,
    )
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def heading(page: BeautifulSoup) -> str:
    """The page's h1 without the permalink sign."""
    return page.select_one("article h1").get_text().rstrip("¶").strip()


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT_DIR)


@pytest.fixture(scope="session")
def site(content, tmp_path_factory) -> Path:
    """The real content exported once: about 90 cases, a few seconds."""
    return build(content, tmp_path_factory.mktemp("export") / "site")


@pytest.fixture(scope="session")
def small_root(tmp_path_factory) -> Path:
    """A content root with one ordinary case and one with hostile Markdown and title."""
    root = make_root(tmp_path_factory.mktemp("small"))
    valid = (FIXTURES / "cases" / "gyldig.md").read_text("utf-8")
    (root / "grep" / "gyldig.md").write_text(valid, "utf-8")
    evil = valid.replace("id: gyldig", "id: ondsinnet")
    evil = evil.replace(
        "title: Flyktninger kjøper bolig med startlån",
        'title: "</title><script>x()</script> Bolig"',
    )
    evil = evil.replace("Flyktningfamilier leide dyrt og flyttet ofte. [1]\n", EVIL_BODY)
    (root / "grep" / "ondsinnet.md").write_text(evil, "utf-8")
    return root


def test_every_case_has_its_page_and_citation_files(site, content):
    for case in content.cases.values():
        folder = site / "grep" / case.id
        page = soup(folder / "index.html")
        assert heading(page) == case.title
        assert f"@misc{{{case.id}," in (folder / f"{case.id}.bib").read_text("utf-8")
        assert (folder / f"{case.id}.ris").read_text("utf-8").startswith("TY  - ELEC")
        assert json.loads((folder / f"{case.id}.json").read_text("utf-8"))[0]["id"] == case.id


def test_ways_in_have_pages_at_the_service_paths(site, content):
    vocab = content.ctx.vocabularies
    for kind, name in (
        ("tema", "themes"),
        ("malgruppe", "target_groups"),
        ("innganger", "approaches"),
    ):
        for term in vocab[name].terms:
            page = soup(site / kind / term.id / "index.html")
            assert heading(page) == term.label
    for fylke in {f for c in content.cases.values() for f in c.fylker}:
        page = soup(site / "fylke" / slug(fylke) / "index.html")
        links = {a["href"] for a in page.select("article li a")}
        expected = {c.id for c in content.cases.values() if fylke in c.fylker}
        assert {h.strip("./").removeprefix("grep/").strip("/") for h in links} == expected
    for source_id in content.sources:
        assert (site / "kilder" / source_id / "index.html").is_file()
    start = {a["href"] for a in soup(site / "index.html").select("article a")}
    assert {"grep/", "tema/", "malgruppe/", "fylke/", "innganger/", "kilder/"} <= start


def test_case_page_shows_facts_sections_sources_related_and_cite(site):
    article = soup(site / "grep" / "lillehammer-startlan-eie" / "index.html").select_one("article")
    facts = {dt.get_text(): dt.find_next_sibling("dd") for dt in article.select(".gg-fakta dt")}
    # the service's fact box (web/model/case_page.py): kommune, then fylke linked to its page
    assert facts["Hvor"].get_text() == "Lillehammer, Innlandet"
    assert facts["Hvor"].a["href"] == "../../fylke/innlandet/"
    assert [a.get_text() for a in facts["Tema"].find_all("a")][0] == "Bolig"
    headings = [h.get_text().strip("¶") for h in article.select("h2")]
    assert headings[:2] == ["Utfordringen", "Slik gjorde de det"]
    assert headings[-4:] == ["Kilder", "Ressursperson", "Relaterte grep", "Siter"]
    first_source = article.find(id="kilder").find_next("li")
    assert "kap. 4.1, s. 55–57" in first_source.get_text()
    assert "linje" not in first_source.get_text()  # line numbers mean nothing to a reader
    assert first_source.a["href"] == "../../kilder/fafo-2015-08/"
    assert first_source.blockquote.get_text().strip().startswith("«For å bistå")
    related = article.find(id="relaterte-grep").find_next("ul").find_all("a")
    assert "../lillehammer-bolig-i-norskopplaeringen/" in [a["href"] for a in related]
    reference = article.select_one(".gg-referanse").get_text()
    assert reference.startswith("Gode grep. (2026") and "grep/lillehammer-startlan-eie" in reference
    downloads = [
        a["href"] for a in article.select_one(".gg-referanse").find_next("p").find_all("a")
    ]
    assert downloads == [f"lillehammer-startlan-eie.{e}" for e in ("bib", "ris", "json")]


def test_open_data_files_match_the_content(site, content):
    records = [case_record(content.cases[i], content.ctx) for i in sorted(content.cases)]
    for r in records:
        r["url"] = f"{SITE_URL.rstrip('/')}/grep/{r['id']}"  # absolute on the exported site
    assert json.loads((site / "grep.json").read_text("utf-8")) == records
    with (site / "grep.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == [r["id"] for r in records]
    assert list(rows[0]) == list(FIELDS)
    for row, record in zip(rows, records, strict=True):
        assert row["themes"] == LIST_SEPARATOR.join(record["themes"])
        assert row["title"] == record["title"]
        assert row["license"] == record["license"] == "CC-BY-4.0"


def test_every_exported_page_states_the_licence_in_its_footer(site, content):
    for path in [site / "index.html", *(site / "grep").glob("*/index.html")]:
        footer = soup(path).select_one("footer")
        link = footer.select_one("a[rel=license]")
        assert link["href"] == "https://creativecommons.org/licenses/by/4.0/deed.no", path
        assert "utgivernes egne vilkår" in footer.get_text(), path


def test_sitemap_lists_every_page_and_robots_points_to_it(site, content):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ElementTree.parse(site / "sitemap.xml").getroot().findall("s:url", ns)
    locs = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in urls
    }
    for case in content.cases.values():
        assert locs[f"{SITE_URL}grep/{case.id}/"] == case.updated.isoformat()
    assert locs[SITE_URL] is None and f"{SITE_URL}tema/bolig/" in locs
    assert (
        gzip.decompress((site / "sitemap.xml.gz").read_bytes())
        == (site / "sitemap.xml").read_bytes()
    )
    assert f"Sitemap: {SITE_URL}sitemap.xml" in (site / "robots.txt").read_text("utf-8")


def test_no_internal_link_or_anchor_is_broken(site):
    assert check_links(site) == []


def test_link_check_finds_missing_pages_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="her">Her</h2>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#her">ok</a><a href="a/#borte">x</a>'
        '<a href="b/">x</a><a href="#topp">x</a><a href="https://example.org/">ute</a>',
        "utf-8",
    )
    assert check_links(tmp_path) == [
        "index.html: a/#borte -> ankeret #borte finnes ikke",
        "index.html: b/ -> finnes ikke",
        "index.html: #topp -> ankeret #topp finnes ikke",
    ]


def test_search_index_holds_norwegian_stems_and_compound_parts(site):
    index = b"".join(
        gzip.decompress(p.read_bytes()) for p in (site / "pagefind").rglob("*.pf_index")
    )
    assert b"boligskol" in index and b"boligskolen" not in index  # Snowball's Norwegian stem
    page = soup(site / "grep" / "velferdspiloten-modell" / "index.html")
    hidden = page.select_one(".gg-sokeord")
    assert hidden.has_attr("hidden") and "fattigdom" in hidden.get_text().split()
    visible = page.select_one("article").get_text(" ").replace(hidden.get_text(), "")
    assert "barnefattigdom" in visible.lower() and " fattigdom " not in f" {visible.lower()} "


def test_hostile_markup_in_a_case_is_removed(small_root, tmp_path):
    site = build(load_content(small_root, None, (FIXTURES / "seeds",)), tmp_path / "site")
    page = soup(site / "grep" / "ondsinnet" / "index.html")
    article = page.select_one("article")
    assert article.find("script") is None
    assert all(not a.get("href", "").startswith("javascript") for a in article.find_all("a"))
    assert all(not k.startswith("on") for el in article.find_all(True) for k in el.attrs)
    assert article.find("img") is None
    assert "<script" not in str(page.title) and len(page.find_all("title")) == 1
    assert "Flyktningfamilier leide dyrt." in article.get_text()


def test_build_is_reproducible(small_root, tmp_path):
    content = load_content(small_root, None, (FIXTURES / "seeds",))

    def digests(out: Path) -> dict[str, str]:
        return {
            p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }

    first = digests(build(content, tmp_path / "a", epoch=1767225600))
    second = digests(build(content, tmp_path / "b", epoch=1767225600))
    assert first == second and "pagefind/pagefind-entry.json" in first


def test_output_folder_that_is_not_an_export_is_refused(tmp_path):
    (tmp_path / "notater.txt").write_text("viktig", "utf-8")
    with pytest.raises(ContentError, match="ikke tom"):
        check_out(tmp_path, CONTENT_DIR)
    with pytest.raises(ContentError, match="content/"):
        check_out(CONTENT_DIR.parent, CONTENT_DIR)
    assert (tmp_path / "notater.txt").exists()


def test_cli_export_reports_progress_and_writes_the_site(small_root, tmp_path, runner):
    out = tmp_path / "ut"
    result = runner.invoke(
        cli,
        [
            "export",
            "--out",
            str(out),
            "--content",
            str(small_root),
            "--site-url",
            SITE_URL,
            "--sources",
            str(FIXTURES / "seeds"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Skrev 2 av 2 grep" in result.output and "Sjekker lenkene" in result.output
    assert (out / "grep" / "gyldig" / "index.html").is_file()
    shutil.rmtree(out / "grep")
    (out / "grep.json").unlink()
    again = runner.invoke(
        cli, ["export", "--out", str(out), "--content", str(small_root), "--site-url", SITE_URL]
    )
    assert again.exit_code == 1 and "ikke tom" in again.output


@pytest.fixture(scope="session")
def site_url(site):
    """The exported site served over http on 127.0.0.1 (Pagefind does not run from file://)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium_page():
    """A page in Debian's headless chromium; skipped without it, except in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI is set but /usr/bin/chromium is missing: .ci/run installs it")
        pytest.skip("/usr/bin/chromium finnes ikke: søketesten i nettleseren hoppes over")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "case_id"),
    [
        ("boligskolen", "boveiledning-boligskole"),  # inflected form finds the stem
        ("taushetsplikten", "statsforvalteren-vest-oppfolging-kurs-taushetsplikt"),
        ("fattigdom", "velferdspiloten-modell"),  # the page only says «barnefattigdom»
    ],
)
def test_search_page_finds_inflections_and_compound_parts(chromium_page, site_url, query, case_id):
    chromium_page.goto(f"{site_url}/sok/?q={query}")
    chromium_page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
    links = chromium_page.eval_on_selector_all(
        ".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))"
    )
    assert f"/grep/{case_id}/" in links[:5]


def test_every_page_of_the_export_has_the_same_path_in_the_service(site, tmp_path):
    from webtools import REAL_CONTENT, make_app

    client = make_app(REAL_CONTENT, tmp_path / "no-index").test_client()
    folders = ("grep", "tema", "malgruppe", "fylke", "innganger", "kilder")
    paths = sorted(
        "/" + page.parent.relative_to(site).as_posix()
        for folder in folders
        for page in (site / folder).glob("*/index.html")
    )
    assert len(paths) > 100
    answers = {path: client.get(path).status_code for path in paths}
    assert {p: s for p, s in answers.items() if s not in (200, 302)} == {}
    listing = client.get("/fylke/more-og-romsdal")
    assert listing.headers["Location"] == "/sok?fylke=M%C3%B8re+og+Romsdal"
    assert client.get("/tema/bolig").headers["Location"] == "/sok?tema=bolig"
    assert client.get("/tema/ikke-et-tema").status_code == 404
    assert client.get("/fylke/ikke-et-fylke").status_code == 404
