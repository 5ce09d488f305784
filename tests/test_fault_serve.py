"""A real `kb serve` keeps answering from the old index while `kb index` is killed mid-build,
then from the new one when another build completes; waitress's own errors carry the headers."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
from faults import (
    add_big_source,
    building,
    fetch,
    free_port,
    remove_big_source,
    small_root,
    start_index,
    start_serve,
    wait_until,
)

from indexer.build import build_index
from kb.content.loader import load_content
from web.security import HEADERS

MAX_SECONDS = 240  # the whole test is bounded; each wait has its own bound below
URL = "/api/sok?q=bolig&type=grep"


@contextlib.contextmanager
def serving(base: Path, *extra: str):
    """(root, seeds, index, base url) of a `kb serve` with extra options on a fresh index of
    the three cases; stopped on leaving."""
    root, seeds = small_root(base)
    index = base / "index"
    build_index(load_content(root, source_dirs=(seeds,)), index, (seeds,))
    port = free_port()
    server = start_serve(root, index, seeds, port, *extra)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: fetch(url + URL, 2)[0] == 200, 60), "kb serve did not start"
        yield root, seeds, index, url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except Exception:
            server.kill()
            server.wait()
        server.stderr.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(root, seeds, index, base url) of a `kb serve` on a fresh index of the three cases."""
    with serving(tmp_path_factory.mktemp("fault")) as answer:
        yield answer


class Load(threading.Thread):
    """Requests in a loop until stopped: (status, total of cases) for each."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.seen, self.stop = url, [], threading.Event()

    def run(self):
        end = time.monotonic() + MAX_SECONDS
        while not self.stop.is_set() and time.monotonic() < end:
            status, body = fetch(self.url)
            total = json.loads(body)["total"] if status == 200 else None
            self.seen.append((status, total))


def test_service_answers_from_the_old_index_while_a_build_is_killed_then_from_the_new(served):
    root, seeds, index, url = served
    load = Load(url + URL)
    load.start()
    try:
        add_big_source(root, seeds)
        killed = start_index(root, index, seeds)
        assert wait_until(lambda: building(index, killed.pid), 90), "the build never started"
        time.sleep(0.5)  # in the middle of writing the new index
        killed.send_signal(signal.SIGKILL)
        assert killed.wait(timeout=10) == -signal.SIGKILL
        killed.stderr.close()
        assert any(index.parent.glob(f".index.new-{killed.pid}-*")), "nothing left to clean"
        during = len(load.seen)
        assert wait_until(lambda: len(load.seen) > during + 5, 30)
        (root / "grep" / "bergen-bustad.md").unlink()  # the new index has two cases
        remove_big_source(root, seeds)  # the build that completes need not be long
        done = start_index(root, index, seeds)
        assert done.wait(timeout=180) == 0, done.stderr.read().decode()
        done.stderr.close()
        assert wait_until(lambda: load.seen and load.seen[-1] == (200, 2), 30)
    finally:
        load.stop.set()
        load.join(timeout=20)
    statuses = {status for status, _ in load.seen}
    totals = [total for _, total in load.seen]
    assert statuses == {200}, statuses
    assert totals[0] == 3 and totals[-1] == 2
    assert set(totals) == {3, 2}
    assert totals.index(2) > during  # the killed build changed nothing
    assert 3 not in totals[totals.index(2) :]  # no going back once swapped
    assert not list(index.parent.glob(".index.new-*")), "the killed build's folder was left"


@pytest.fixture(scope="module", params=["1", "2"], ids=["waitress", "gunicorn"])
def served_by(request, tmp_path_factory):
    """The base url of `kb serve --workers N`: waitress (1) or gunicorn (2)."""
    with serving(tmp_path_factory.mktemp("server"), "--workers", request.param) as answer:
        yield answer[-1]


def test_the_server_own_431_answer_carries_the_security_headers(served_by):
    url = served_by
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        request = f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {'a' * 300_000}\r\n\r\n"
        conn.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode("latin-1")
    assert head.split("\r\n")[0].split()[1] == "431", head
    for name in HEADERS:
        assert f"\r\n{name}: ".lower() in head.lower(), name
