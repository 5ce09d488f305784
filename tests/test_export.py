"""`kb export`: the static site built from the real content, once per session."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit
from xml.etree import ElementTree

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, SEEDS, make_root
from flask import Flask
from webtools import REAL_CONTENT, SITE_URL, make_app, real_export, real_index

from kb import cite
from kb.cli import cli
from kb.content.loader import CONTENT_DIR, load_content
from kb.errors import ContentError
from kb.opendata import FIELDS, LIST_SEPARATOR, case_record
from kb.search.analysis import MIN_COMPOUND, words
from web.model import browse
from web.model import render as model_render
from web.static_site import build_site, check_out, linkcheck, render, searchterms
from web.static_site import site as site_steps
from web.static_site.linkcheck import check_links
from web.static_site.pages import slug

EVIL_BODY = (
    "Flyktningfamilier leide dyrt.\n\n<script>alert(1)</script>\n\n"
    '<img src="x" onerror="alert(2)">\n\nOm barnefattigdom\n'
)  # a javascript: link is refused by kb validate already (tests/test_hostile_input.py)


def build(content, out: Path, index: Path, epoch: int | None = None) -> Path:
    """Build a site with the test settings from a content and its index."""
    build_site(
        content,
        out,
        SITE_URL,
        "https://example.invalid/edit/",
        "https://example.invalid",
        index_dir=index,
        epoch=epoch,
    )
    return out


def small_index(root: Path, folder: Path) -> Path:
    """The search index of a small content root, as `kb export` builds it."""
    from indexer.build import build_index

    build_index(load_content(root, None, (FIXTURES / "seeds",)), folder)
    return folder


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def heading(page: BeautifulSoup) -> str:
    """The page's h1."""
    return " ".join(page.select_one("main h1").get_text().split())


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT_DIR)


@pytest.fixture(scope="session")
def site() -> Path:
    """The real content exported once per run (shared with the browser tests)."""
    return real_export()


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
        assert heading(page) == " ".join(case.title.split())
        assert f"@misc{{{case.id}," in (folder / "siter.bib").read_text("utf-8")
        assert (folder / "siter.ris").read_text("utf-8").startswith("TY  - ELEC")
        assert json.loads((folder / "siter.json").read_text("utf-8"))[0]["id"] == case.id
        assert json.loads((site / "api" / "grep" / case.id).read_text("utf-8"))["id"] == case.id


def test_ways_in_have_pages_at_the_service_paths(site, content):
    vocab = content.ctx.vocabularies
    for kind, name in (("tema", "themes"), ("malgruppe", "target_groups")):
        for term in vocab[name].terms:
            page = soup(site / kind / term.id / "index.html")
            chips = [" ".join(a.get_text().split()) for a in page.select(".active-filters a")]
            assert chips and term.label in chips[0]  # the service's list with its one filter
    for term in vocab["approaches"].terms:
        assert heading(soup(site / "innganger" / term.id / "index.html")) == term.label
    for fylke in {f for c in content.cases.values() for f in c.fylker}:
        page = soup(site / "fylke" / slug(fylke) / "index.html")
        links = {a["href"] for a in page.select("ol.hits .hit-title a")}
        expected = {c.id for c in content.cases.values() if fylke in c.fylker}
        assert {h.strip("./").removeprefix("grep/").strip("/") for h in links} == expected
    for source_id in content.sources:
        assert (site / "kilder" / source_id / "index.html").is_file()
    for path in ("kart", "om", "kilder", "tilskudd", "ressurspersoner", "kom-i-gang", "sok"):
        assert (site / path / "index.html").is_file(), path
    assert "Finner ikke siden" in soup(site / "404.html").get_text() or soup(site / "404.html").h1


def test_report_parts_and_their_line_anchors_are_in_the_export(site, content, seeds_dir):
    overview = soup(site / "kilder" / "fafo-2015-08" / "index.html")
    parts = [a["href"] for a in overview.select(".source-toc > li > a")]
    assert parts and parts[0] == "del/1/"
    for href in parts:
        assert (site / "kilder" / "fafo-2015-08" / href / "index.html").is_file()
    case = soup(site / "grep" / "lillehammer-startlan-eie" / "index.html")
    cited = [a["href"] for a in case.select(".citations a") if "#L" in a["href"]]
    assert cited and cited[0].startswith("../../kilder/fafo-2015-08/#L")
    anchor = cited[0].split("#")[1]
    block = overview.find(id=anchor)  # the overview names the part holding those lines
    part = block.a["href"].split("#")[0]
    lines = soup(site / "kilder" / "fafo-2015-08" / part / "index.html")
    first, last = (int(n) for n in anchor.replace("L", "").split("-"))
    found = lines.select(".report-text [data-first]")
    assert any(int(e["data-first"]) <= last and int(e["data-last"]) >= first for e in found)


def test_every_report_page_is_small_clean_html(site, content, seeds_dir):
    checked = 0
    for source_id in sorted(content.sources):
        folder = site / "kilder" / source_id
        parts = sorted(folder.glob("del/*/index.html"))
        assert parts, source_id  # every registered report has its text in the export
        for path in [folder / "index.html", *parts]:
            assert path.stat().st_size < 200_000, path
            visible = " ".join(soup(path).select_one("main").get_text(" ").split())
            for raw in ("###", "**", "<sup>", "\\_"):
                assert raw not in visible, (path, raw)
            checked += 1
    assert checked > 2 * len(content.sources)


def test_the_exports_source_page_gives_the_registrys_isbn_and_issn(site):
    html = soup(site / "kilder" / "fafo-2015-08" / "index.html")
    meta = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in html.select("dt")}
    assert meta["ISBN"] == "978-82-324-0187-1" and meta["ISSN"] == "0801-6143"
    assert meta["Utgitt"] == "2015"


def test_the_exports_404_page_searches_and_its_statement_gives_a_feedback_channel(site):
    form = soup(site / "404.html").select_one("main form[role=search]")
    assert form["action"] == "/sok/" and form.select_one("input[name=q]")
    about = soup(site / "om" / "index.html")
    statement = about.select_one("#tilgjengelighet").find_parent("article")
    assert statement.select('a[href^="mailto:"]')
    assert statement.select('a[href^="https://uustatus.no"]')
    assert "/issues" not in " ".join(a["href"] for a in statement.select("a"))


ISO_DATE = re.compile(r"\b(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-[0-3]\d)?\b")
VERSION = re.compile(r"[Vv]ersjon (?:19|20)\d\d-\d\d-\d\d, [0-9a-f]{7}")  # an identifier


def test_every_page_of_the_export_is_norwegian_without_iso_dates(site):
    found = []
    for path in sorted(site.rglob("*.html")):
        html = soup(path)
        assert html.html["lang"] == "nb", path
        main = html.select_one("main")
        for skip in main.select("[hidden], script, .report-text"):  # the report's own words
            skip.decompose()
        shown = VERSION.sub("", " ".join(main.get_text(" ").split()))
        found += [(str(path.relative_to(site)), m.group()) for m in ISO_DATE.finditer(shown)]
    assert found == []


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
        footer = soup(path).select_one("footer.site-footer")
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


class ReferenceScan(HTMLParser):
    """What the link check read from a page before: html.parser's start tags."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.ids |= {values[k] for k in ("id", "name" if tag == "a" else "id") if k in values}
        attr = linkcheck.LINK_ATTRS.get(tag)
        if attr and attr in values:
            self.links.append(values[attr].strip())


TRICKY_HTML = (
    '<!-- <a href="kommentar/"> --><A HREF="Stor/" ID=Topp>x</A>',
    '<script src="s.js">if (a<b) { x = \'<a href="i-skript/">\'; }</script><a href="etter/">',
    '<style>p::after { content: "<a href=stil/>"; }</STYLE><img src=\'b.png\' alt="a>b">',
    '<a title="1 > 0" href="a?x=1&amp;y=2#s&#248;k" name="n"><p id="">tom</p>',
    '<iframe src = "f/" ></iframe><link rel=stylesheet href=c.css /><a href>uten</a>',
    '<div data-id="ikke" hidden id="ja"><a href="  mellomrom/  ">',
)


@pytest.mark.parametrize("html", TRICKY_HTML)
def test_link_scan_reads_start_tags_as_html_parser_does(html):
    reference = ReferenceScan(html)
    assert linkcheck.scan_page(html) == (reference.ids, reference.links)


def test_link_scan_reads_every_exported_page_as_html_parser_does(site):
    for path in site.rglob("*.html"):
        html = path.read_text("utf-8")
        reference = ReferenceScan(html)
        assert linkcheck.scan_page(html) == (reference.ids, reference.links), path


def test_link_check_takes_the_pages_the_workers_scanned_and_reads_the_rest(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">x</a>', "utf-8")  # not read
    (tmp_path / "index.html").write_text('<a href="a/#her">ok</a><a href="c/">x</a>', "utf-8")
    scanned = {
        "a/index.html": linkcheck.page_links('<h2 id="her">Her</h2><a href="#da">', "a/index.html")
    }
    assert check_links(tmp_path, scanned) == [
        "a/index.html: #da -> ankeret #da finnes ikke",
        "index.html: c/ -> finnes ikke",
    ]


def test_markdown_of_every_case_section_is_that_of_a_fresh_converter(content):
    texts = ["[ref]: https://example.org/\n\nTekst.", "Se [ref] og [lenke][ref]."]
    texts += [md for case in content.cases.values() for _heading, md in case.sections]
    for text in texts:  # one converter for all: nothing from one text may reach the next
        fresh = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        assert model_render._markdown(text) == fresh


def test_search_index_holds_norwegian_stems_and_compound_parts(site):
    index = b"".join(
        gzip.decompress(p.read_bytes()) for p in (site / "pagefind").rglob("*.pf_index")
    )
    assert b"boligskol" in index and b"boligskolen" not in index  # Snowball's Norwegian stem
    page = soup(site / "grep" / "velferdspiloten-modell" / "index.html")
    hidden = page.select_one("main .gg-sokeord")
    assert hidden.has_attr("hidden") and "fattigdom" in hidden.get_text().split()
    assert "Søkeord" not in page.get_text()
    skjulte = page.select_one('[data-pagefind-meta^="skjulte:"]')["data-pagefind-meta"]
    assert skjulte == f"skjulte:{len(hidden.get_text().split())}"  # the search page hides them
    filters = {f["data-pagefind-filter"] for f in page.select("[data-pagefind-filter]")}
    assert {"type:grep", "tema:barnefattigdom", "fylke:Østfold"} <= filters
    visible = page.select_one("main").get_text(" ").replace(hidden.get_text(), "")
    assert "barnefattigdom" in visible.lower() and " fattigdom " not in f" {visible.lower()} "


@pytest.fixture(scope="module")
def small_site(small_root, tmp_path_factory) -> Path:
    """The small root (one ordinary and one hostile case) exported from its own index."""
    base = tmp_path_factory.mktemp("small-site")
    content = load_content(small_root, None, (FIXTURES / "seeds",))
    return build(content, base / "site", small_index(small_root, base / "index"))


def test_hostile_markup_in_a_case_is_removed(small_site):
    page = soup(small_site / "grep" / "ondsinnet" / "index.html")
    main = page.select_one("main")
    assert main.find("script") is None
    assert all(not a.get("href", "").startswith("javascript") for a in main.find_all("a"))
    assert all(not k.startswith("on") for el in main.find_all(True) for k in el.attrs)
    assert main.find("img") is None
    assert "<script" not in str(page.title) and len(page.find_all("title")) == 1
    assert "Flyktningfamilier leide dyrt." in main.get_text()
    assert "</title><script>x()</script> Bolig" in heading(page)  # shown as text


def test_build_is_reproducible(small_root, small_site, tmp_path):
    content = load_content(small_root, None, (FIXTURES / "seeds",))
    index = small_index(small_root, tmp_path / "index")

    def digests(out: Path) -> dict[str, str]:
        return {
            p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }

    first = digests(build(content, tmp_path / "a", index, epoch=1767225600))
    second = digests(build(content, tmp_path / "b", index, epoch=1767225600))
    assert first == second and "pagefind/pagefind-entry.json" in first
    assert (tmp_path / "a" / "index.html").stat().st_mtime == 1767225600


def test_pages_rendered_in_forked_workers_are_those_of_one_process(
    small_root, tmp_path, monkeypatch
):
    content = load_content(small_root, None, (FIXTURES / "seeds",))
    index = small_index(small_root, tmp_path / "index")

    def files(count: int, out: Path) -> dict[str, bytes]:
        monkeypatch.setattr(render, "workers", lambda: count)
        monkeypatch.setattr(render, "CHUNK", 3)  # many tasks, spread over the workers
        build(content, out, index, epoch=1767225600)
        return {
            p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
        }

    serial, forked = files(1, tmp_path / "en"), files(2, tmp_path / "to")
    assert "grep/ondsinnet/index.html" in serial and serial == forked


def test_a_broken_link_on_a_page_written_in_a_worker_stops_the_export(
    small_root, tmp_path, monkeypatch
):
    content = load_content(small_root, None, (FIXTURES / "seeds",))
    index = small_index(small_root, tmp_path / "index")
    monkeypatch.setattr(render, "workers", lambda: 2)
    monkeypatch.setattr(render, "CHUNK", 3)  # many tasks, spread over the workers
    mark = render.Renderer.mark

    def with_broken_links(self, page, text: str) -> str:
        extra = '<a href="/grep/borte">x</a><a href="/om#borte">y</a></main>'
        text = mark(self, page, text)
        return text.replace("</main>", extra, 1) if page.url == "/grep/gyldig" else text

    monkeypatch.setattr(render.Renderer, "mark", with_broken_links)
    with pytest.raises(ContentError) as error:
        build(content, tmp_path / "ut", index)
    assert str(error.value).splitlines()[1:] == [
        "grep/gyldig/index.html: /grep/borte -> finnes ikke",
        "grep/gyldig/index.html: ../../om/#borte -> ankeret #borte finnes ikke",
    ]
    assert not (tmp_path / "ut").exists()


@pytest.fixture(scope="module")
def small_indexed(small_root, tmp_path_factory):
    """The small root's content and its search index, for exports that are meant to fail."""
    content = load_content(small_root, None, (FIXTURES / "seeds",))
    return content, small_index(small_root, tmp_path_factory.mktemp("small-index") / "index")


@pytest.fixture
def pagefind_runs(monkeypatch) -> list:
    """Every Pagefind run the export starts."""
    runs = []
    start = site_steps.Pagefind.__init__

    def recorded(self, out):
        start(self, out)
        runs.append(self)

    monkeypatch.setattr(site_steps.Pagefind, "__init__", recorded)
    return runs


def test_a_file_that_fails_while_pagefind_runs_stops_the_export(
    small_indexed, tmp_path, monkeypatch, pagefind_runs
):
    content, index = small_indexed
    monkeypatch.setattr(render, "workers", lambda: 2)
    monkeypatch.setattr(render, "CHUNK", 3)  # many tasks, spread over the workers

    def failing(items):
        raise RuntimeError("bibtex")

    monkeypatch.setattr(cite, "bibtex", failing)  # the service answers siter.bib with 500
    with pytest.raises(ContentError, match=r"^/grep/\w+/siter\.bib: nettjenesten svarte 500$"):
        build(content, tmp_path / "ut", index)
    assert len(pagefind_runs) == 1 and pagefind_runs[0].process.returncode is not None
    assert not (tmp_path / "ut").exists()


@pytest.fixture
def two_workers(monkeypatch):
    """_mapper with two forked workers whose app is a bare Flask app (no export behind it)."""
    monkeypatch.setattr(render, "workers", lambda: 2)
    monkeypatch.setattr(render, "_RENDERER", SimpleNamespace(app_factory=lambda: Flask("x")))
    before = {p.pid for p in multiprocessing.active_children()}
    yield
    left = {p.pid for p in multiprocessing.active_children()} - before
    assert not [pid for pid in left if _exists(pid)]  # every worker ended


def _exists(pid: int) -> bool:
    """Whether the process still exists (running, or ended but not reaped). Asked of the
    system: when the pool's manager thread and _mapper both wait for a killed worker, the one
    that loses gets ECHILD, and multiprocessing then counts the reaped worker as alive."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_failing_task_ends_the_workers_without_killing_a_running_task(two_workers, tmp_path):
    done = tmp_path / "ferdig"
    with pytest.raises(ValueError, match="^ugyldig$"), render._mapper(100) as mapped:
        list(mapped(_slow_or_failing, [("fail", done), ("slow", done)] + [("wait", done)] * 9))
    assert done.read_text() == "slow"  # the task that ran when another failed was finished


def _slow_or_failing(task: tuple[str, Path]) -> None:
    """«fail» raises once «slow» has started in the other worker (else a pool may rightly drop
    «slow» as not yet started), «slow» then takes a while to finish."""
    kind, done = task
    started = done.with_name("startet")
    if kind == "fail":
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise ValueError("ugyldig")
    if kind == "slow":
        started.touch()
    time.sleep(0.2)
    if kind == "slow":
        done.write_text("slow")


def test_a_worker_that_never_answers_stops_the_export(two_workers, monkeypatch):
    monkeypatch.setattr(render, "WAIT", 0.5)
    with pytest.raises(render.Stalled, match="svarte ikke på 0.5 sekunder"):
        with render._mapper(100) as mapped:
            list(mapped(time.sleep, [0, 60, 0]))


def test_a_failing_pagefind_still_stops_the_export(
    small_indexed, tmp_path, monkeypatch, pagefind_runs
):
    content, index = small_indexed
    fail = "import sys; sys.stderr.write('ingen plass'); sys.exit(3)"
    monkeypatch.setattr(site_steps, "PAGEFIND", ["-c", fail])
    with pytest.raises(ContentError, match="^pagefind feilet:\ningen plass$"):
        build(content, tmp_path / "ut", index)
    assert pagefind_runs[0].process.returncode == 3 and not (tmp_path / "ut").exists()


def test_a_pagefind_that_never_ends_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(site_steps, "PAGEFIND", ["-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(site_steps, "PAGEFIND_WAIT", 0.3)
    with site_steps.Pagefind(tmp_path) as run:
        with pytest.raises(ContentError, match="^pagefind ble ikke ferdig på 0.3 sekunder$"):
            run.finish(lambda message: None)
    assert run.process.returncode is not None


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


def test_every_page_of_the_export_has_the_same_path_in_the_service(site):
    client = make_app(REAL_CONTENT, real_index()).test_client()
    paths = sorted(
        "/" + page.parent.relative_to(site).as_posix() for page in site.rglob("*/index.html")
    )
    assert len(paths) > 150
    assert "/kart" in paths and "/sok" in paths
    if SEEDS.is_dir():  # a report's text parts exist only where the report files are
        assert any("/del/" in p for p in paths)
    answers = {path: client.get(path).status_code for path in paths}
    assert {p: s for p, s in answers.items() if s not in (200, 302, 308)} == {}
    listing = client.get("/fylke/more-og-romsdal")
    assert listing.headers["Location"] == "/sok?fylke=M%C3%B8re+og+Romsdal"
    assert client.get("/tema/bolig").headers["Location"] == "/sok?tema=bolig"
    assert client.get("/tema/ikke-et-tema").status_code == 404
    assert client.get("/fylke/ikke-et-fylke").status_code == 404


# The service and the export side by side: one case, one theme page and one source page of the
# small corpus, from the same index. The export's links are made relative and its lists are
# folders, so both sides' links are turned back into service paths before they are compared.
LISTS = ("tema", "malgruppe", "fylke")
SIDE_BY_SIDE = {
    "grep": ("/grep/lillehammer-startlan", "grep/lillehammer-startlan/index.html"),
    "tema": ("/tema/bolig", "tema/bolig/index.html"),
    "kilde": ("/kilder/testkilde", "kilder/testkilde/index.html"),
}


@pytest.fixture(scope="module")
def corpus_site(corpus, index_dir, tmp_path_factory) -> Path:
    """The small search corpus exported from the same index the service uses."""
    content = load_content(corpus, None, (FIXTURES / "seeds",))
    return build(content, tmp_path_factory.mktemp("corpus-site") / "site", index_dir)


def service_path(href: str, page: str = "/") -> str:
    """A link as an export path: relative links resolved, a one-filter search as its list."""
    parts = urlsplit(urljoin("http://x" + page, href))
    path, query = parts.path.rstrip("/") or "/", parse_qsl(parts.query)
    if path in ("/sok", "/sok/") and len(query) == 1 and query[0][0] in LISTS:
        name, value = query[0]
        path, query = f"/{name}/{slug(value) if name == 'fylke' else value}", []
    rest = "?" + urlencode(query) if query else ""
    return path + rest + (f"#{parts.fragment}" if parts.fragment else "")


def side(html: BeautifulSoup, page: str) -> dict:
    """What must be the same on both faces: headings, fact rows, citation text, link paths."""
    main = html.select_one("main")
    for hidden in main.select("[hidden]"):
        hidden.decompose()
    return {
        "headings": [" ".join(h.get_text().split()) for h in main.select("h1, h2, h3")],
        "facts": [
            (" ".join(dt.get_text().split()), " ".join(dt.find_next("dd").get_text().split()))
            for dt in main.select(".factbox dt")
        ],
        "cite": [c.get("data-copy") for c in main.select(".cite-text")],
        "links": sorted(
            service_path(a["href"], page)
            for a in main.select("a[href]")
            if not a["href"].startswith(("http", "mailto", "#"))
            and "siter." not in a["href"]
            and not a["href"].endswith("/historikk")  # the history needs the server (git)
            and not a.find_parent(class_=("sort", "feed-link", "pagination"))
        ),
    }


@pytest.mark.parametrize("kind", sorted(SIDE_BY_SIDE))
def test_service_and_export_show_the_same_page(corpus, index_dir, corpus_site, kind):
    client = make_app(corpus, index_dir, SITE_URL=SITE_URL.rstrip("/")).test_client()
    url, file = SIDE_BY_SIDE[kind]
    response = client.get(url, follow_redirects=True)
    service = side(BeautifulSoup(response.get_data(as_text=True), "html.parser"), url)
    exported = side(soup(corpus_site / file), "/" + file.removesuffix("index.html"))
    assert service["headings"] and service["headings"] == exported["headings"]
    assert service["facts"] == exported["facts"]
    assert service["cite"] == exported["cite"]
    if kind == "grep":
        assert dict(service["facts"])["Hvor"].startswith("Lillehammer")
        assert service["cite"][0] and SITE_URL.rstrip("/") + url in service["cite"][0]
    assert service["links"] and service["links"] == exported["links"]


def test_pagefind_files_are_read_and_written_back_unchanged():
    from web.static_site.stable import decode, encode

    item = ["tema", [["bolig", [0, 1, 300, 70000]], ["ø-tema", []]], {"a": None, "b": True}, -3]
    data = encode(item)
    assert decode(data) == (item, len(data))
    assert encode(decode(data)[0]) == data


def test_mkdocs_yml_names_what_the_export_uses(tmp_path):
    from web.static_site.site import CONFIG, STATIC, export_config

    config = export_config()
    templates = CONFIG.parent / config["theme"]["custom_dir"]
    assert (templates / "base.html").is_file() and STATIC.parent == templates.parent
    brand = BeautifulSoup((templates / "base.html").read_text("utf-8"), "html.parser")
    assert brand.select_one(".brand-name").get_text() == config["site_name"]
    assert export_config(tmp_path / "mangler.yml") == {}


def test_cli_export_takes_the_site_url_from_mkdocs_yml_or_says_how(runner, monkeypatch, tmp_path):
    from web.static_site import site

    monkeypatch.delenv("KB_SITE_URL", raising=False)
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "ut")])
    assert result.exit_code == 2 and "site_url i mkdocs.yml" in result.output
    assert not (tmp_path / "ut").exists()
    seen = []
    monkeypatch.setattr(site, "CONFIG", tmp_path / "mkdocs.yml")
    (tmp_path / "mkdocs.yml").write_text("site_url: https://fra-mkdocs.example\n", "utf-8")
    monkeypatch.setattr("web.static_site.build_site", lambda *a, **k: seen.append(a[2]) or 1 / 0)
    runner.invoke(cli, ["export", "--out", str(tmp_path / "ut"), "--index", str(tmp_path)])
    assert seen == ["https://fra-mkdocs.example"]


def test_service_links_become_links_in_the_export_folder():
    from web.static_site.links import LinkMap, relative, rewrite

    links = LinkMap(
        {
            "/": "",
            "/grep/a": "grep/a",
            "/sok?tema=bolig": "tema/bolig",
            "/kilder/r": "kilder/r",
            "/kilder/r/del/2": "kilder/r/del/2",
        },
        {"grep/a/siter.bib"},
    )
    links.add_report(
        "/kilder/r",
        '<li data-first="0" data-last="99"><a href="/kilder/r/del/1">Del 1</a>'
        '<li data-first="100" data-last="999999999"><a href="/kilder/r/del/2">Del 2</a>'
        '<li class="block" id="L5-L6">',
    )
    assert links.target("/sok?tema=bolig") == "tema/bolig/"
    assert links.target("/sok?tema=annet") == "sok/?tema=annet"  # no list page: the search
    assert links.target("/sok?q=bolig&tema=bolig") == "sok/?q=bolig&tema=bolig"
    assert links.target("/grep/a#kilder") == "grep/a/#kilder"
    assert links.target("/grep/a/siter.bib") == "grep/a/siter.bib"
    assert links.target("/kilder/r#L5-L6") == "kilder/r/#L5-L6"  # the overview has the block
    assert links.target("/kilder/r#L120-L130") == "kilder/r/del/2/#L120-L130"
    assert links.target("/foresla") is None  # the link check reports what is left
    assert relative("grep/a/", "tema/bolig") == "../../grep/a/"
    assert relative("", "tema/bolig") == "../../" and relative("", "") == "./"
    page = '<a href="/grep/a">A</a> <form action="/sok"> <a href="/foresla">F</a>'
    assert rewrite(page, "grep/a", links) == (
        '<a href="./">A</a> <form action="../../sok/"> <a href="/foresla">F</a>'
    )


def hidden_terms_as_before(case, content, analysis) -> list[str]:
    """searchterms.hidden_terms as it was: the texts read word by word twice."""
    texts = [case.title, case.summary, case.body]
    labels = [
        browse.label(content, vocabulary, term)
        for vocabulary, terms in (("themes", case.themes), ("target_groups", case.target_groups))
        for term in terms
    ]
    seen: set[str] = set()
    for t in texts:
        seen.update(words(t))
    parts: set[str] = set()
    for word in seen:
        if len(word) >= MIN_COMPOUND:
            parts.update(analysis.compound_parts(word))
    own = set(words(" ".join(texts)))
    extra = {w for name in (*case.kommuner, *case.fylker, *labels) for w in words(name)}
    return sorted(set(sorted(parts - seen)) | (extra - own))


def test_hidden_terms_of_every_real_case_are_those_of_before(content, analysis):
    for case in content.cases.values():
        expected = hidden_terms_as_before(case, content, analysis)
        assert searchterms.hidden_terms(case, content, analysis) == expected, case.id
