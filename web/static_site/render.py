"""Render the export's pages through the service: the Flask app with STATIC set, no server.

The templates leave out what needs a server when `config.STATIC` is set (forms, sorting, paging,
«Min kommune»); this module fetches every page with the app's test client, rewrites its links
(web/static_site/links.py), marks the pages the search finds for Pagefind, and writes them.
"""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from kb.content.loader import Content
from kb.errors import ContentError
from kb.search.analysis import NorwegianAnalysis
from web import create_app
from web.static_site import links, searchterms
from web.static_site.linkcheck import Scan, page_links, served_root
from web.static_site.pages import NOT_FOUND, Page, every_page, followed_page

LISTING_SIZE = 100_000  # a one-filter list shows every hit on one page (the export cannot page)
MAIN = '<main id="innhold" tabindex="-1">'
LINK = re.compile(r'href="(/[^"#?]*)')


def export_app(
    content: Content, index_dir: Path, site_url: str, edit_url: str, repo_url: str, db: Path
) -> Flask:
    """The service's app with STATIC set, serving exactly this content (never reloaded)."""
    app = create_app(
        {
            "CONTENT_DIR": str(content.ctx.root),
            "INDEX_DIR": str(index_dir),
            "SOURCES": os.pathsep.join(map(str, content.ctx.source_dirs)),
            "SITE_URL": site_url.rstrip("/"),
            "EDIT_URL": edit_url,
            "REPO_URL": repo_url,
            "DATABASE": str(db),  # never opened: the export renders no form that stores
            "STATIC": True,
        }
    )
    app.extensions["gode_grep"].pin(content)
    return app


class Renderer:
    """Fetches pages from the app and writes them, with links that work in the export."""

    def __init__(
        self, app_factory: Callable[[], Flask], content: Content, out: Path, site_url: str
    ):
        self.app_factory, self.content, self.out = app_factory, content, out
        self.app = app_factory()
        self.client = self.app.test_client()
        self.site_url = site_url.rstrip("/") + "/"
        self.root = served_root(site_url)  # «/», or the folder: «/gode-grep/»
        self.page_size = self.app.config["PAGE_SIZE"]
        self.analysis: NorwegianAnalysis | None = None  # read while planning (plan)
        self.links: links.LinkMap | None = None
        self.folders: set[Path] = set()  # made by this process: one mkdir per folder, not per file
        self.fetched: dict[str, tuple[bytes, str]] = {}  # pages fetched while planning

    def fetch(self, page: Page) -> tuple[bytes, str]:
        """(body, mimetype) of one page; a page that fails is a build error."""
        listing = page.url.startswith("/sok?")
        self.app.config["PAGE_SIZE"] = LISTING_SIZE if listing else self.page_size
        response = self.client.get(page.url)
        expected = 404 if page.url == NOT_FOUND else 200
        if response.status_code != expected:
            raise ContentError(f"{page.url}: nettjenesten svarte {response.status_code}")
        return response.get_data(), response.mimetype

    def plan(self, pages: list[Page], fetch_all=map) -> list[Page]:
        """Every page, with the report parts and grant pages found by following links (the
        pages fetched to follow their links are kept in self.fetched, to be written later).

        The pages are fetched a round of links at a time with fetch_all (the workers' map), in
        the order one queue would take them; this process reads the words for the search
        (self.analysis) while the first round is fetched.
        """
        known = {p.url for p in pages}
        round_ = [p for p in pages if p.url.startswith(("/kilder/", "/tilskudd"))]
        while round_:
            responses = fetch_all(_fetch, round_)  # the workers start on them
            self.read_analysis()
            following = []
            for page, response in zip(round_, responses, strict=True):
                self.fetched[page.url] = response
                for path in LINK.findall(response[0].decode("utf-8")):
                    found = followed_page(path)
                    if found and found.url not in known:
                        known.add(found.url)
                        pages.append(found)
                        following.append(found)
            round_ = following
        self.read_analysis()
        folders = {
            p.url: posixpath.dirname(p.file)
            for p in pages
            if p.file.endswith("index.html") and p.url != "/sok"
        }
        files = {p.file for p in pages if not p.file.endswith("index.html")}
        self.links = links.LinkMap(folders, files)
        for url, (body, _mime) in self.fetched.items():
            if url.count("/") == 2 and url.startswith("/kilder/"):
                self.links.add_report(url, body.decode("utf-8"))
        return pages

    def read_analysis(self) -> None:
        """The search analysis of the content, for the words the search finds (read once)."""
        if self.analysis is None:
            self.analysis = NorwegianAnalysis.from_content(self.content.ctx.root)

    def write(self, page: Page, body: bytes, mimetype: str) -> Scan | None:
        """Write one page: HTML with its links rewritten and search marks, other files as is.

        Returns the links and ids of an HTML file (the link check reads no page again).
        """
        target = self.out / page.file
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        if mimetype != "text/html":
            target.write_bytes(body)
            html = target.suffix == ".html"
            return page_links(body.decode("utf-8"), page.file, self.root) if html else None
        text = self.mark(page, body.decode("utf-8"))
        folder = posixpath.dirname(page.file)
        if page.file == "404.html":  # served at any depth: links from the site's root path
            text = links.rewrite(text, "", self.links, base=self.root)
        else:
            text = links.rewrite(text, folder, self.links)
            text = links.canonical(text, self.site_url + (f"{folder}/" if folder else ""))
        target.write_text(text, "utf-8")
        return page_links(text, page.file, self.root) if target.suffix == ".html" else None

    def mark(self, page: Page, text: str) -> str:
        """Case and report pages: Pagefind's body, filters and result line."""
        if not page.indexed:
            return text
        ident = page.url.split("/")[2]
        if page.indexed == "grep":
            block = searchterms.case_block(self.content.cases[ident], self.content, self.analysis)
        else:
            block = searchterms.report_block(ident, self.content)
        text = text.replace(MAIN, MAIN.removesuffix(">") + " data-pagefind-body>", 1)
        return text.replace("</main>", block + "</main>", 1)


def render_site(
    app_factory: Callable[[], Flask],
    content: Content,
    out: Path,
    site_url: str,
    progress: Callable[[str], None],
    html_written: Callable[[], None] = lambda: None,
) -> tuple[list[Page], dict[str, Scan]]:
    """Render and write every page, in several processes where the platform can fork.

    The HTML pages come first; html_written() is called when they are all written (the export
    starts Pagefind, which reads them), and the other files (citations, API) are written while
    it runs. Returns the pages and each HTML file's links and ids (by file), for the link check.
    """
    global _RENDERER
    renderer = _RENDERER = Renderer(app_factory, content, out, site_url)
    try:
        pages = list(every_page(content))
        with _mapper(len(pages)) as mapped:  # workers that only fetch: no links planned yet
            pages = renderer.plan(pages, mapped)
        html = [p for p in pages if p.file.endswith(".html")]
        html.sort(key=lambda p: p.indexed == "grep")  # the slower lists first: no long last task
        others = [p for p in pages if not p.file.endswith(".html")]
        cases, done, scanned = len(content.cases), 0, {}
        with _mapper(len(pages)) as mapped:  # workers with the planned links and pages
            for n, scans in mapped(_render_chunk, _chunks(html)):
                done += n
                scanned.update(scans)
                if n and (done % 100 < n or done == cases):
                    progress(f"Skrev {done} av {cases} grep")
            html_written()
            for _n, scans in mapped(_render_chunk, _chunks(others)):
                scanned.update(scans)
    finally:
        _RENDERER = None
    return pages, scanned


_RENDERER: Renderer | None = None  # the parent's renderer, inherited by forked workers
CHUNK = 25  # pages per task: small enough to spread the work, large enough to be cheap


def _chunks(pages: list[Page]) -> list[list[Page]]:
    """The pages in tasks of CHUNK."""
    return [pages[i : i + CHUNK] for i in range(0, len(pages), CHUNK)]


def workers() -> int:
    """How many processes render: one per core (at most 4), one where fork is missing."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


WAIT = 600  # seconds a task may take (CHUNK pages, or one page while planning) before Stalled


class Stalled(ContentError):
    """A worker gave no answer for WAIT seconds (a page that never finishes)."""


@contextmanager
def _mapper(pages: int) -> Iterator[Callable]:
    """A map over chunks of pages: forked workers (each with its own app), or this process.

    When the export fails (a page answers 500), no worker is killed in the middle of a task:
    multiprocessing.Pool.terminate() did that, and a worker killed while holding a lock of the
    pool's queues left the export waiting forever. Here the tasks not yet started are dropped,
    the running ones finish, and the workers end. Only a worker that gives no answer for WAIT
    seconds is killed (Stalled: a build error, never a hang).
    """
    count = workers()
    if count == 1 or pages <= CHUNK:
        yield map
        return
    context = multiprocessing.get_context("fork")
    pool = futures.ProcessPoolExecutor(count, context, initializer=_start_worker)
    submitted: list[futures.Future] = []

    def mapped(task: Callable, items: Iterable) -> Iterator:
        started = [pool.submit(task, item) for item in items]  # the workers start on them
        submitted.extend(started)
        return _results(started)

    patience = WAIT
    try:
        yield mapped
    except Stalled:
        patience = 0
        raise
    finally:
        for future in submitted:
            future.cancel()  # only those no worker has taken
        _done, running = futures.wait(submitted, timeout=patience)
        if running:  # a worker that never answers: shutdown() would wait for it forever
            for process in list(pool._processes.values()):
                process.kill()
                process.join(5)
        pool.shutdown(wait=not running, cancel_futures=True)


def _results(started: list[futures.Future]) -> Iterator:
    """The tasks' results in order; a task without an answer for WAIT seconds is Stalled."""
    for future in started:
        try:
            yield future.result(timeout=WAIT)
        except futures.TimeoutError:
            raise Stalled(
                f"eksporten stoppet: en arbeidsprosess svarte ikke på {WAIT} sekunder "
                "(en side som aldri blir ferdig?)"
            ) from None


def _start_worker() -> None:
    """A worker's own app: its own searcher and files, nothing shared with the parent's."""
    renderer = _RENDERER
    renderer.app = renderer.app_factory()
    renderer.client = renderer.app.test_client()


def _fetch(page: Page) -> tuple[bytes, str]:
    """One page fetched (while planning)."""
    return _RENDERER.fetch(page)


def _render_chunk(chunk: list[Page]) -> tuple[int, dict[str, Scan]]:
    """Render and write a chunk of pages; returns how many were cases, and the HTML files'
    links and ids. The pages fetched while planning are written from what was fetched."""
    scans = {}
    for page in chunk:
        response = _RENDERER.fetched.get(page.url) or _RENDERER.fetch(page)
        scan = _RENDERER.write(page, *response)
        if scan is not None:
            scans[page.file] = scan
    return sum(page.indexed == "grep" for page in chunk), scans
