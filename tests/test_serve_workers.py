"""`kb serve --workers N`: gunicorn with N processes that each answer searches (Linux/macOS)."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import FIXTURES

from kb.cli.serve import (
    YOUNG_OBJECTS,
    RenderSlots,
    default_workers,
    gunicorn_available,
    warm_up,
)

pytestmark = pytest.mark.skipif(not gunicorn_available(), reason="gunicorn needs fork")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (read from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


def test_default_is_one_worker_per_core():
    assert default_workers() == (os.cpu_count() or 1)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts processes in /proc")
def test_serve_with_two_workers_answers_from_both(corpus, index_dir):
    port = free_port()
    command = [sys.executable, "-m", "kb", "serve", "--workers", "2", "--port", str(port)]
    command += ["--content", str(corpus), "--index", str(index_dir)]
    command += ["--sources", str(FIXTURES / "seeds")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while get(f"http://127.0.0.1:{port}/sok?q=startl%C3%A5n")[0] != 200:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.2)
        assert len(children(server.pid)) == 2
        for _ in range(10):  # every answer is right, whichever worker gives it
            status, body = get(f"http://127.0.0.1:{port}/api/sok?q=startl%C3%A5n")
            assert status == 200 and "lillehammer-startlan" in body
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)


def test_a_warmed_worker_keeps_what_it_holds_out_of_full_collections(app):
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        warm_up(app)
        assert gc.get_freeze_count() > 0  # its content and index tables are not scanned again
        assert gc.get_threshold()[0] == YOUNG_OBJECTS > threshold[0]  # fewer young collections
    finally:
        gc.unfreeze()  # the other tests' objects are theirs to collect
        gc.set_threshold(*threshold)


def test_a_warmed_worker_searches_again_after_its_full_collection(app, monkeypatch):
    """settle()'s full collection walks every object the process holds; the warm-up searches
    run once more after it (kb.cli.serve.rehearse), so the first visitor's search does not
    start from cold processor caches, and their results are forgotten again."""
    from kb.search.searcher import Searcher
    from web.state import KEY

    frozen, rehearse = [], Searcher.rehearse

    def spy(searcher):
        frozen.append(gc.get_freeze_count())
        rehearse(searcher)

    monkeypatch.setattr(Searcher, "rehearse", spy)
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        warm_up(app)
        assert len(frozen) == 1 and frozen[0] > 0  # after the collection froze what it holds
        assert not app.extensions[KEY].searcher()._results  # a visitor's search is new
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_a_warmed_worker_has_split_every_case_into_section_words(app):
    """The first page that shows a case does not split its sections (~1 ms after start)."""
    from web.model.results import _joined_sections
    from web.state import KEY

    _joined_sections.cache_clear()
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        warm_up(app)
        cases = app.extensions[KEY].content().cases.values()
        before = _joined_sections.cache_info()
        for case in cases:
            _joined_sections(case.sections)
        after = _joined_sections.cache_info()
        assert len(cases) > 1 and after.hits - before.hits == len(cases)
        assert after.misses == before.misses
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_render_slots_let_one_request_at_a_time_into_the_app():
    inside, most, lock = [0], [0], threading.Lock()

    def app(environ, start_response):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.01)
        with lock:
            inside[0] -= 1
        return [b"ok"]

    served = RenderSlots(app)
    threads = [threading.Thread(target=served, args=({}, None)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1


def test_a_request_with_a_body_does_not_wait_for_a_slot():
    # a client stalled while posting a form must not stop the pages behind it: the app reads
    # the body, so a request with one goes in beside the page that holds the slot
    holding, release = threading.Event(), threading.Event()

    def app(environ, start_response):
        if environ["REQUEST_METHOD"] == "GET":
            holding.set()
            release.wait(5)
        return [environ["REQUEST_METHOD"].encode()]

    served = RenderSlots(app)
    page = threading.Thread(target=served, args=({"REQUEST_METHOD": "GET"}, None))
    page.start()
    try:
        assert holding.wait(5)
        posted = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "12"}
        chunked = {"REQUEST_METHOD": "POST", "HTTP_TRANSFER_ENCODING": "chunked"}
        assert served(posted, None) == [b"POST"]
        assert served(chunked, None) == [b"POST"]
    finally:
        release.set()
        page.join()
