"""Paths stay inside their folders: case ids (kb new) and source registry files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from test_new_and_registry import new_args

from kb.cli import cli
from kb.content.fields import ID_PATTERN
from kb.content.sources import load_source, locate
from kb.editor.new import suggest_id, write_case
from web.model.proposal import free_id


@pytest.mark.parametrize("bad_id", ["../../x", "/tmp/utenfor", "Bad ID<script>", "a/b"])
def test_new_refuses_an_id_that_is_not_a_case_id(content_root, runner, bad_id, tmp_path):
    result = runner.invoke(cli, new_args(content_root) + ["--id", bad_id])
    assert result.exit_code == 2, result.output
    assert "er ikke en gyldig id" in result.output
    written = {p for p in tmp_path.rglob("*.md")} | set(Path("/tmp").glob("utenfor*"))
    assert written == set()


def test_write_case_checks_the_id_itself(tmp_path):
    with pytest.raises(ValueError, match="er ikke en gyldig id"):
        write_case(tmp_path / "grep", {"id": "../x", "title": "t", "source": {}})
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.parametrize("title", ["../../etc/passwd", "Bad ID<script>", "/", "Ærlig ÅS ØY"])
def test_the_form_makes_ids_of_the_same_pattern(title):
    assert ID_PATTERN.match(free_id(suggest_id(title), {suggest_id(title)}))


def registry_with(root: Path, path: str, sha: str) -> Path:
    entry = root / "sources" / "utenfor.yaml"
    entry.write_text(
        f"id: utenfor\ntitle: Utenfor\nfiles:\n  - path: {path}\n    sha256: {sha}\n", "utf-8"
    )
    return entry


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../../../etc/passwd", "a/../../x"])
def test_registry_path_outside_the_source_folders_is_refused(content_root, path):
    source, problems = load_source(registry_with(content_root, path, sha256(Path("/etc/passwd"))))
    assert source.files == ()
    assert [(p.field, p.message) for p in problems] == [
        ("files[0].path", f"stien «{path}» peker ut av kildemappene")
    ]
    assert locate(source, (content_root / "sources",)) == []


def test_symlink_out_of_the_source_folder_is_not_followed(content_root, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "passwd.txt").symlink_to("/etc/passwd")
    source, problems = load_source(
        registry_with(content_root, "passwd.txt", sha256(Path("/etc/passwd")))
    )
    assert problems == [] and len(source.files) == 1
    assert locate(source, (seeds,)) == []
    (seeds / "inne.txt").write_text("tekst\n", "utf-8")
    (seeds / "lenke.txt").symlink_to(seeds / "inne.txt")
    source, _ = load_source(registry_with(content_root, "lenke.txt", sha256(seeds / "inne.txt")))
    assert [f.sha_ok for f in locate(source, (seeds,))] == [True]  # links inside still work


def test_the_indexer_never_reads_a_file_outside(content_root, tmp_path):
    from indexer.build import source_passages

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "passwd.txt").symlink_to("/etc/passwd")
    source, _ = load_source(registry_with(content_root, "passwd.txt", sha256(Path("/etc/passwd"))))
    assert source_passages(source, (seeds,), []) == []
    (seeds / "passwd.txt").unlink()
    (seeds / "passwd.txt").write_bytes(Path("/etc/passwd").read_bytes())  # the same, inside
    assert source_passages(source, (seeds,), [])  # control: a file inside is read
