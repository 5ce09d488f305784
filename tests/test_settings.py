"""Every setting is declared once with its type, resolved once, documented, and checked."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import settings
from kb.cli import cli
from kb.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "innstillinger.md"


def test_docs_list_every_setting_as_declared():
    table = DOC.read_text(encoding="utf-8").split("<!-- settings-table -->\n", 1)[1]
    assert table == settings.markdown_table(), "kjør: kb settings --markdown, og oppdater docs"


def test_environment_overrides_default_with_the_declared_type(monkeypatch):
    monkeypatch.setenv("KB_PORT", "8081")
    assert settings.get("PORT") == 8081
    assert settings.get("PORT", {"PORT": 9000}) == 9000
    monkeypatch.delenv("KB_PORT")
    assert settings.get("PORT") == 5000


@pytest.mark.parametrize("raw", ["1.5", "1,5", " 1.5 "])
def test_a_float_setting_takes_decimals(raw):
    config = settings.resolve(environ={"KB_PDF_MAX_SECONDS": raw}, instance_file=None)
    assert config.pdf_max_seconds == 1.5 and config.origins["PDF_MAX_SECONDS"] == "miljøet"


def test_paths_and_lists_of_paths_are_typed():
    config = settings.resolve(
        environ={"KB_INDEX_DIR": "/tmp/ix", "KB_SOURCES": "/a:/b"}, instance_file=None
    )
    assert config.index_dir == Path("/tmp/ix")
    assert config.sources == (Path("/a"), Path("/b"))


def test_every_wrong_value_is_reported_at_once():
    environ = {
        "KB_PORT": "abc",
        "KB_PAGE_SIZE": "1.5",
        "KB_PDF_MAX_SECONDS": "snart",
        "KB_SITE_URL": "eksempel.no",
        "KB_MAX_PARAMS": "0",
    }
    with pytest.raises(ConfigError) as caught:
        settings.resolve(environ=environ, instance_file=None)
    assert caught.value.problems == [
        "KB_PORT: «abc» er ikke et tall — bruk f.eks. 5000",
        "KB_MAX_PARAMS: «0» er mindre enn 1 — bruk f.eks. 40",
        "KB_PAGE_SIZE: «1.5» er ikke et helt tall — bruk f.eks. 20",
        "KB_PDF_MAX_SECONDS: «snart» er ikke et tall — bruk f.eks. 60 eller 1.5",
        "KB_SITE_URL: «eksempel.no» er ikke en adresse som begynner med http:// eller "
        "https:// — bruk f.eks. https://godegrep.example.no eller https://org.github.io/gode-grep/",
    ]


def test_order_is_defaults_instance_file_environment_then_overrides(tmp_path):
    instance = tmp_path / "config.py"
    instance.write_text("PORT = 7000\nPAGE_SIZE = 9\nHOST = '0.0.0.0'\nlower = 1\n")
    config = settings.resolve({"PORT": "7002"}, {"KB_PAGE_SIZE": "11"}, instance)
    assert (config.port, config.page_size, config.host, config.max_params) == (
        7002,
        11,
        "0.0.0.0",
        40,
    )
    assert config.origins["HOST"] == str(instance) and config.origins["MAX_PARAMS"] == "standard"


def test_a_broken_instance_file_is_a_config_problem(tmp_path):
    instance = tmp_path / "config.py"
    instance.write_text("PORT = 7000\nPAGE_SIZE = = 9\n")
    with pytest.raises(ConfigError, match=r"config.py:2: invalid syntax — rett opp"):
        settings.resolve(environ={}, instance_file=instance)


@pytest.mark.parametrize("command", [["settings"], ["validate"], ["index"], ["search", "bolig"]])
def test_wrong_settings_give_norwegian_lines_and_exit_2(command, tmp_path):
    env = {"KB_PORT": "abc", "KB_PDF_MAX_SECONDS": "snart", "KB_INDEX_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, command, env=env)
    assert result.exit_code == 2, result.output
    assert "KB_PORT: «abc» er ikke et tall — bruk f.eks. 5000" in result.stderr
    assert "KB_PDF_MAX_SECONDS: «snart» er ikke et tall" in result.stderr
    assert isinstance(result.exception, SystemExit)  # a clean exit, no exception escaped


def test_a_wrong_setting_in_a_real_process_prints_no_traceback():
    env = {**os.environ, "KB_PORT": "abc", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "kb", "serve"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "KB_PORT: «abc» er ikke et tall — bruk f.eks. 5000"
    assert "Traceback" not in done.stderr


def test_global_debug_flag_shows_the_exception(tmp_path):
    result = CliRunner().invoke(cli, ["--debug", "settings"], env={"KB_PORT": "abc"})
    assert isinstance(result.exception, ConfigError)


def test_kb_settings_shows_values_and_where_they_come_from():
    result = CliRunner().invoke(cli, ["settings"], env={"KB_PDF_MAX_SECONDS": "1.5"})
    assert result.exit_code == 0
    assert "KB_PDF_MAX_SECONDS=1.5  (miljøet)" in result.output
    assert "KB_PORT=5000  (standard)" in result.output


def test_create_app_checks_its_mapping_like_the_environment():
    from web import create_app

    with pytest.raises(ConfigError, match="KB_PAGE_SIZE: «mange» er ikke et tall"):
        create_app({"PAGE_SIZE": "mange"})


def environment_reads(path: Path) -> list[int]:
    """Lines where a module reads the environment (os.environ, os.getenv, putenv …)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if {a.name for a in node.names} & {"environ", "getenv", "environb"}:
                lines.append(node.lineno)
    return lines


def test_only_the_settings_module_reads_the_environment():
    found = {
        str(path.relative_to(ROOT)): lines
        for folder in ("kb", "indexer", "web")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "kb" / "settings.py" and (lines := environment_reads(path))
    }
    assert found == {}, "les miljøet gjennom kb.settings (resolve / child_environment)"
    assert environment_reads(ROOT / "kb" / "settings.py")  # the check can see a read
