"""Index swaps are checked and atomic; corrupt, stale and unwritable index folders are handled."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, make_root
from webtools import make_app

from indexer.build import META_FILE, build_index, swap_into_place
from kb.cli import cli
from kb.content.loader import load_content
from kb.errors import IndexBroken
from kb.search.analysis import ANALYSIS_FILE, NorwegianAnalysis

SEEDS = (FIXTURES / "seeds",)


def two_case_index(base: Path) -> Path:
    """A real index of two of the three test cases (so its totals differ from index_dir's)."""
    root = make_root(base / "two")
    for name in ("bergen-bustad.md", "lillehammer-startlan.md"):
        shutil.copy(FIXTURES / "search" / name, root / "grep" / name)
    build_index(load_content(root, source_dirs=SEEDS), base / "two-index", SEEDS)
    return base / "two-index"


def answer(client) -> tuple[int, int, list[str]]:
    response = client.get("/api/sok?q=bolig&type=grep")
    data = response.get_json()
    return response.status_code, data.get("total"), [h["id"] for h in data.get("hits", [])]


def test_a_broken_new_index_leaves_the_old_one_in_service_and_is_logged_once(
    corpus, index_dir, tmp_path, caplog
):
    live = tmp_path / "index"
    shutil.copytree(index_dir, live)
    client = make_app(corpus, live).test_client()
    before = answer(client)
    assert before[0] == 200 and before[1] == 3
    broken = two_case_index(tmp_path)
    (broken / META_FILE).write_text('{"synonyms": [', "utf-8")  # cut off mid-write
    swap_into_place(broken, live)
    with caplog.at_level(logging.ERROR):
        assert answer(client) == before
        assert answer(client) == before
    refused = [r for r in caplog.records if "kan ikke leses" in r.getMessage()]
    assert len(refused) == 1
    swap_into_place(two_case_index(tmp_path / "good"), live)
    after = answer(client)
    assert after[0] == 200 and after[1] == 2 and len(after[2]) == 2


def test_a_new_index_that_fails_its_check_never_replaces_the_live_one(
    corpus, tmp_path, monkeypatch
):
    live = tmp_path / "index"
    content = load_content(corpus, source_dirs=SEEDS)
    build_index(content, live, SEEDS)
    stamp = os.stat(live).st_ino

    def broken_save(analysis, folder):  # the new index's analysis inputs cannot be read
        (Path(folder) / ANALYSIS_FILE).write_text("{ikke json", encoding="utf-8")

    monkeypatch.setattr(NorwegianAnalysis, "save", broken_save)
    with pytest.raises(IndexBroken):
        build_index(content, live, SEEDS)
    assert os.stat(live).st_ino == stamp
    assert not list(tmp_path.glob(".index.new-*"))


@pytest.mark.parametrize("damage", ["truncate", "zero"])
def test_a_corrupt_index_is_a_norwegian_message_and_exit_1_or_a_503(
    damage, corpus, index_dir, tmp_path, runner
):
    broken = tmp_path / "index"
    shutil.copytree(index_dir, broken)
    for segment in broken.glob("*.seg"):
        data = segment.read_bytes()
        segment.write_bytes(data[: len(data) // 2] if damage == "truncate" else bytes(len(data)))
    result = runner.invoke(cli, ["search", "--index", str(broken), "bolig"])
    assert result.exit_code == 1
    assert "kan ikke leses" in result.stderr and "kb index" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    response = make_app(corpus, broken).test_client().get("/sok?q=bolig")
    assert response.status_code == 503
    assert "kan ikke leses" in response.get_data(as_text=True)


def test_index_folder_mode_follows_the_umask(corpus, tmp_path):
    old = os.umask(0o022)
    try:
        build_index(load_content(corpus, source_dirs=SEEDS), tmp_path / "index", SEEDS)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "index").st_mode) == 0o755
    for f in (tmp_path / "index").iterdir():
        assert os.stat(f).st_mode & 0o044 == 0o044, f  # group and others may read


def test_folders_left_by_killed_builds_are_removed_at_the_next_build(corpus, tmp_path):
    dead = tmp_path / ".index.new-99999999-k1ll3d"  # no such process
    legacy = tmp_path / ".index.new-abc123"  # the name older versions used
    swapped = tmp_path / ".index.old-1a2b3c4d"
    running = tmp_path / f".index.new-{os.getppid()}-busy"  # a live build: left alone
    for folder in (dead, legacy, swapped, running):
        folder.mkdir()
        (folder / "MAIN_x.seg").write_bytes(b"x" * 100)
    build_index(load_content(corpus, source_dirs=SEEDS), tmp_path / "index", SEEDS)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".index."))
    assert left == [running.name]


def test_an_unwritable_index_folder_is_a_message_and_exit_1(corpus, tmp_path, runner):
    blocker = tmp_path / "fil"
    blocker.write_text("ikke en mappe")
    args = ["--content", str(corpus), "--sources", str(SEEDS[0])]
    result = runner.invoke(cli, ["index", *args, "--index", str(blocker / "index")])
    assert result.exit_code == 1, result.output
    assert "Kan ikke skrive søkeindeksen" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_kb_serve_on_a_corrupt_index_says_so_and_exits_1(corpus, index_dir, tmp_path):
    from faults import env, free_port, kb

    broken = tmp_path / "index"
    shutil.copytree(index_dir, broken)
    (broken / META_FILE).write_text("{", "utf-8")
    command = kb("serve", "--port", str(free_port()), "--content", str(corpus))
    command += ["--index", str(broken), "--sources", str(SEEDS[0])]
    done = subprocess.run(command, env=env(), capture_output=True, timeout=120, text=True)
    assert done.returncode == 1
    assert "kan ikke leses" in done.stderr and "Traceback" not in done.stderr
