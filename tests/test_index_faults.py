"""Corrupt, read-only and full index folders, through the real `kb` commands in a child.

Each command must print a Norwegian message naming the folder and the fix and exit 1, never
a traceback; the service answers 503; a failed build leaves the old index in place.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES
from faults import env, free_port, kb
from webtools import make_app, page, text

from indexer.build import META_FILE
from web.errors import INDEX_BROKEN

SEEDS = FIXTURES / "seeds"
FSIZE_LIMIT = 64 * 1024  # bytes a child may write to one file: the analysis file alone is ~1 MB


def damage(index: Path, how: str) -> None:
    """Cut a segment (or the table of contents) in half, or overwrite it with zeros."""
    which, _, what = how.partition("-")
    for f in index.glob("*.seg" if which == "segment" else "_MAIN_*.toc"):
        data = f.read_bytes()
        f.write_bytes(data[: len(data) // 2] if what == "truncated" else bytes(len(data)))


def run_kb(*args: str, preexec=None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`python -m kb args` in a child (bounded by a timeout), output as text."""
    command = [*prefix, *kb(*args)]
    return subprocess.run(
        command, env=env(), capture_output=True, text=True, timeout=120, preexec_fn=preexec
    )


def commands(corpus: Path, index: Path) -> dict[str, list[str]]:
    """The three commands that read an existing index, by name."""
    where = ["--content", str(corpus), "--sources", str(SEEDS), "--index", str(index)]
    case = corpus / "grep" / "bergen-bustad.md"
    return {
        "search": ["search", "--index", str(index), "bolig"],
        "index --case": ["index", *where, "--case", str(case)],
        "serve": ["serve", "--port", str(free_port()), *where],
    }


def assert_norwegian_failure(done: subprocess.CompletedProcess, *phrases: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-2000:]
    for phrase in phrases:
        assert phrase in done.stderr, done.stderr[-2000:]


@pytest.fixture
def copied_index(index_dir: Path, tmp_path: Path) -> Path:
    live = tmp_path / "index"
    shutil.copytree(index_dir, live)
    return live


@pytest.mark.parametrize("how", ["segment-truncated", "segment-zeroed", "toc-zeroed"])
@pytest.mark.parametrize("command", ["search", "index --case", "serve"])
def test_a_corrupt_index_is_a_norwegian_message_naming_folder_and_fix(
    corpus, copied_index, how, command
):
    damage(copied_index, how)
    done = run_kb(*commands(corpus, copied_index)[command])
    assert_norwegian_failure(done, str(copied_index), "kan ikke leses", "Kjør `kb index` på nytt")


@pytest.mark.parametrize("how", ["segment-truncated", "segment-zeroed", "toc-zeroed"])
def test_the_service_answers_503_on_a_corrupt_index_without_its_path(
    corpus, copied_index, how, caplog
):
    damage(copied_index, how)
    client = make_app(corpus, copied_index).test_client()
    for url in ("/sok?q=bolig", "/sok"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert text(page(response).select_one(".lead")) == INDEX_BROKEN
        assert str(copied_index) not in response.get_data(as_text=True)
    api = client.get("/api/sok?q=bolig")
    assert api.status_code == 503 and api.get_json()["error"]["message"] == INDEX_BROKEN
    logged = [r for r in caplog.records if str(copied_index) in r.getMessage()]
    assert len(logged) == 1  # the folder and reason are for the operator, logged once


def test_kb_index_builds_a_corrupt_index_again(corpus, copied_index):
    damage(copied_index, "segment-zeroed")
    where = ["--content", str(corpus), "--sources", str(SEEDS), "--index", str(copied_index)]
    assert run_kb("index", *where).returncode == 0
    done = run_kb("search", "--index", str(copied_index), "--json", "bolig")
    assert done.returncode == 0 and '"total": ' in done.stdout


def unprivileged() -> tuple[str, ...]:
    """A command prefix under which the folder's permissions hold.

    Root writes anywhere, so as root the child runs as `nobody` (65534). It keeps one
    capability, reading and searching every folder, because the interpreter lives under
    /root (mode 0700); writing still needs the folder's permission.
    """
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) mangler: kan ikke kjøre som en annen bruker")
    keep = "+dac_read_search"
    return ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            f"--inh-caps={keep}", f"--ambient-caps={keep}")  # fmt: skip


def full_disk() -> None:
    """In the child: any file over FSIZE_LIMIT fails with EFBIG, as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the write kills the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, FSIZE_LIMIT))


def snapshot(index: Path) -> tuple:
    """The index folder's inode and its files' names and sizes."""
    files = sorted((p.name, p.stat().st_size) for p in index.iterdir() if p.is_file())
    return os.stat(index).st_ino, files


@pytest.fixture
def shared(corpus: Path):
    """(content root, sources, folder for the index) under a folder every user may read:
    pytest's own tmp folders are 0700, and so may the checkout be (CI clones into `mktemp -d`);
    click checks --content and --sources with access(2), which ignores the child's capability.
    The index folder is owned by root with mode 0555 once a test sets it.
    """
    base = Path(tempfile.mkdtemp(prefix="gode-grep-ro-"))
    base.chmod(0o755)
    shutil.copytree(corpus, base / "content")
    shutil.copytree(SEEDS, base / "seeds")
    (base / "ro").mkdir()
    try:
        yield base / "content", base / "seeds", base / "ro"
    finally:
        for path in [base, *base.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(base)


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_kb_index_on_a_folder_it_cannot_write_keeps_the_old_index(index_dir, shared, fault):
    corpus, seeds, read_only_parent = shared
    live = read_only_parent / "index"
    shutil.copytree(index_dir, live)
    before = snapshot(live)
    where = ["--content", str(corpus), "--sources", str(seeds), "--index", str(live)]
    if fault == "read-only":
        read_only_parent.chmod(0o555)
        done = run_kb("index", *where, prefix=unprivileged())
        why = "ingen skrivetilgang"
    else:
        done = run_kb("index", *where, preexec=full_disk)
        why = "grensen for filstørrelse"
    assert_norwegian_failure(done, "Kan ikke skrive søkeindeksen", str(live), why)
    assert "Den forrige indeksen er ikke endret" in done.stderr
    assert snapshot(live) == before
    assert not list(read_only_parent.glob(".index.new-*"))
    search = run_kb("search", "--index", str(live), "--json", "bolig")
    assert search.returncode == 0 and '"total": ' in search.stdout


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_kb_serve_that_must_build_on_a_folder_it_cannot_write_says_so(shared, fault):
    corpus, seeds, read_only_parent = shared
    index = read_only_parent / "index"
    args = ["serve", "--port", str(free_port()), "--content", str(corpus)]
    args += ["--sources", str(seeds), "--index", str(index)]
    if fault == "read-only":
        read_only_parent.chmod(0o555)
        done = run_kb(*args, prefix=unprivileged())
    else:
        done = run_kb(*args, preexec=full_disk)
    assert_norwegian_failure(done, "Kan ikke skrive søkeindeksen", str(index))
    assert not index.exists()


def test_kb_index_case_on_a_folder_it_cannot_write_says_so(index_dir, shared):
    corpus, seeds, read_only_parent = shared
    live = read_only_parent / "index"
    shutil.copytree(index_dir, live)
    for path in [live, *live.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    before = snapshot(live)
    where = ["--content", str(corpus), "--sources", str(seeds), "--index", str(live)]
    case = corpus / "grep" / "bergen-bustad.md"
    done = run_kb("index", *where, "--case", str(case), prefix=unprivileged())
    assert_norwegian_failure(done, "Kan ikke skrive søkeindeksen", str(live))
    assert snapshot(live) == before
    assert (live / META_FILE).exists()
