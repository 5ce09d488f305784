"""`kb serve --watch`: a saved case is re-indexed and reloaded; a broken one shows its problems."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURES, make_root
from webtools import make_app, page, text

from indexer.watch import CaseFilter, Watcher, is_case_file
from kb.cli.watch import WATCH_KEY, start

SEEDS = (FIXTURES / "seeds",)
CASE = "lillehammer-startlan"
BROKEN_STATUS = "status: kanskje"


def wait_for(predicate, timeout: float = 15.0, step: float = 0.05):
    """Poll until predicate() is truthy and return it; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {predicate.__name__}")
        time.sleep(step)


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file, making sure its stamp (mtime, size) changes."""
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    if path.stat().st_mtime_ns == before.st_mtime_ns and path.stat().st_size == before.st_size:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))


@pytest.fixture
def site_root(tmp_path: Path) -> tuple[Path, Path]:
    """A writable content root with the three search cases, and its own index."""
    from indexer.build import build_index
    from kb.content.loader import load_content

    root = make_root(tmp_path)
    for case in sorted((FIXTURES / "search").glob("*.md")):
        shutil.copy(case, root / "grep" / case.name)
    index = tmp_path / "index"
    build_index(load_content(root, source_dirs=SEEDS), index, SEEDS)
    return root, index


@pytest.fixture
def watched(site_root):
    """The app in watch mode (changes gathered for 50 ms), its test client and content root."""
    root, index = site_root
    app = make_app(root, index, WATCH=True, WATCH_SECONDS=0.05)
    start(app)
    yield app.test_client(), root
    app.extensions[WATCH_KEY].stop()


def hits(client, query: str) -> list[str]:
    """The urls of the case hits for a query."""
    data = client.get("/api/sok", query_string={"q": query, "type": "grep"}).get_json()
    return [h["url"] for h in data["hits"]]


def test_a_saved_edit_reaches_the_search_and_the_page(watched):
    client, root = watched
    assert hits(client, "kanotpadling") == []
    edit(
        root / "grep" / f"{CASE}.md", "kjøper bolig med startlån", "kjøper bolig etter kanotpadling"
    )

    def found():
        return hits(client, "kanotpadling")

    def shown():
        html = page(client.get(f"/grep/{CASE}"))
        return "kanotpadling" in text(html.select_one("h1")) and html

    assert wait_for(found) == [f"/grep/{CASE}"]
    html = wait_for(shown)
    assert text(html.select_one("h1")) == "Flyktninger kjøper bolig etter kanotpadling"
    assert not html.select(".problem-box")


def test_a_broken_edit_shows_the_problem_box_and_a_fix_removes_it(watched):
    client, root = watched
    path = root / "grep" / f"{CASE}.md"
    edit(path, "status: {value: avsluttet, as_of: 2014}", BROKEN_STATUS)

    def box():
        response = client.get(f"/grep/{CASE}")
        return response.status_code == 200 and page(response).select_one(".problem-box")

    problems = [text(li) for li in wait_for(box).select("li")]
    assert problems == [
        f"content/grep/{CASE}.md:9: status: ukjent status «kanskje» — "
        "bruk pågående | avsluttet | ukjent"
    ]
    edit(path, BROKEN_STATUS, "status: {value: avsluttet, as_of: 2014}")

    def fixed():
        html = page(client.get(f"/grep/{CASE}"))
        return html.select_one(".case-head h1") and not html.select(".problem-box")

    wait_for(fixed)


def test_warnings_show_on_the_page_of_a_valid_case(watched):
    client, root = watched
    edit(root / "grep" / f"{CASE}.md", "region: Innlandet", "region: Innlandett")

    def box():
        html = page(client.get(f"/grep/{CASE}"))
        return html.select_one(".case-head h1") and html.select_one(".problem-box")

    assert [text(li) for li in wait_for(box).select(".problem-box li")] == [
        f"content/grep/{CASE}.md:7: region: advarsel: «Innlandett» er ikke et kjent fylke "
        "eller en region — mente du «Innlandet»?"
    ]


def test_a_new_case_file_is_indexed_and_a_deleted_one_leaves_the_index(watched):
    client, root = watched
    new = root / "grep" / "ny-kanotpadling.md"
    text_ = (root / "grep" / f"{CASE}.md").read_text(encoding="utf-8")
    new.write_text(text_.replace(CASE, new.stem).replace("startlån", "kanotpadling", 1))

    def found():
        return hits(client, "kanotpadling")

    def status():
        return client.get("/grep/ny-kanotpadling").status_code

    assert wait_for(found) == ["/grep/ny-kanotpadling"]
    wait_for(lambda: status() == 200)
    new.unlink()

    def gone():
        return not hits(client, "kanotpadling") and status() == 404

    wait_for(gone)


def test_without_watch_a_broken_case_is_simply_absent(site_root):
    root, index = site_root
    edit(root / "grep" / f"{CASE}.md", "status: {value: avsluttet, as_of: 2014}", BROKEN_STATUS)
    client = make_app(root, index).test_client()
    assert client.get(f"/grep/{CASE}").status_code == 404


@pytest.mark.parametrize(
    "name, wanted",
    [("a.md", True), (".a.md.swp", False), (".#a.md", False), ("a.md~", False), ("a.txt", False)],
)
def test_only_case_files_count_not_editor_files(tmp_path, name, wanted):
    assert is_case_file(tmp_path / name) is wanted
    assert CaseFilter()(None, str(tmp_path / name)) is wanted
    assert CaseFilter()(None, str(tmp_path / ".git" / name)) is False


def test_watcher_sees_saved_files_and_reports_a_missing_index_instead_of_dying(tmp_path):
    root = make_root(tmp_path)
    seen = []
    watcher = Watcher(root, tmp_path / "no-index", seen.extend, debounce=0.05)
    watcher.start()
    try:
        (root / "grep" / ".x.md.swp").write_text("swap")
        (root / "grep" / "x.md").write_text("---\nid: x\n---\n")
        [change] = wait_for(lambda: list(seen))
    finally:
        watcher.stop()
    assert change.path == root / "grep" / "x.md"
    assert change.action == "feil" and "kb index" in change.note


def free_port() -> int:
    """A port that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    """Status and body of a GET (errors included); (0, "") while the server is not up."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


def test_kb_serve_watch_for_real(site_root):
    root, index = site_root
    port = free_port()
    command = [sys.executable, "-m", "kb", "serve", "--watch", "--port", str(port)]
    command += ["--content", str(root), "--index", str(index), "--sources", str(SEEDS[0])]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )
    lines: list[str] = []  # the server's stderr, read as it comes
    reader = threading.Thread(target=lambda: lines.extend(server.stderr), daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/grep/{CASE}"
    try:

        def up():
            return fetch(url)[0] == 200

        wait_for(up, timeout=60)
        edit(root / "grep" / f"{CASE}.md", "status: {value: avsluttet, as_of: 2014}", BROKEN_STATUS)

        def reported():
            return any("ukjent status «kanskje»" in line for line in list(lines))

        def box():
            return "problem-box" in fetch(url)[1]

        wait_for(reported)  # the watcher's own report, not only the page's problem box
        wait_for(box)
    finally:
        server.terminate()
        server.wait(timeout=10)
        reader.join(timeout=10)
        server.stderr.close()
    err = "".join(lines)
    assert f"grep/{CASE}.md: har feil; søket viser forrige versjon" in err
    assert "ukjent status «kanskje»" in err
