"""`kb index` and `kb search`: output, JSON contract and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli import cli

SEEDS = str(Path(__file__).resolve().parent / "fixtures" / "seeds")


def test_index_builds_and_prints_the_summary(runner, corpus, tmp_path):
    result = runner.invoke(
        cli,
        ["index", "--content", str(corpus), "--sources", SEEDS, "--index", str(tmp_path / "ix")],
    )
    assert result.exit_code == 0, result.output
    assert "Indekserte 3 grep og " in result.stdout and " avsnitt fra 1 kilder på " in result.stdout
    assert "Indekserer (" in result.stderr  # plain progress lines: CliRunner is no terminal


def test_index_with_case_updates_one_file(runner, corpus, index_dir, tmp_path):
    live = tmp_path / "ix"
    import shutil

    shutil.copytree(index_dir, live)
    case = corpus / "grep" / "bergen-bustad.md"
    result = runner.invoke(
        cli, ["index", "--content", str(corpus), "--index", str(live), "--case", str(case)]
    )
    assert result.exit_code == 0, result.output
    assert f"{case}: oppdatert" in result.stdout


def test_search_json_is_the_public_contract(runner, index_dir):
    result = runner.invoke(cli, ["search", "startlån", "--json", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"query", "total", "took_ms", "suggestion", "hits"} <= set(data)
    assert data["query"] == "startlån" and data["hits"][0]["id"] == "lillehammer-startlan"


def test_search_text_is_readable_norwegian(runner, index_dir):
    result = runner.invoke(cli, ["search", "startlan", "flyktninger", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "treff for «startlan flyktninger»" in result.stdout
    assert "Mente du «startlån flyktninger»?" in result.stdout
    assert "[grep] Flyktninger kjøper bolig med startlån" in result.stdout
    assert "Kilde: testkilde § 2.1, linje 12–14" in result.stdout
    assert "<mark>" not in result.stdout


def test_search_kind_limit_and_filter(runner, index_dir):
    args = [
        "search",
        "bolig",
        "--json",
        "--index",
        str(index_dir),
        "--kind",
        "case",
        "--limit",
        "1",
        "--filter",
        "kommune=Bergen",
        "--filter",
        "themes=bolig",
    ]
    data = json.loads(runner.invoke(cli, args).stdout)
    assert [h["id"] for h in data["hits"]] == ["bergen-bustad"]
    passages = json.loads(
        runner.invoke(
            cli, ["search", "boveiledere", "--json", "--kind", "passage", "--index", str(index_dir)]
        ).stdout
    )
    assert passages["hits"] and all(h["kind"] == "passage" for h in passages["hits"])


@pytest.mark.parametrize("bad", ["farge=blå", "themes", "themes="])
def test_bad_filter_is_a_usage_error_naming_the_fields(runner, index_dir, bad):
    result = runner.invoke(cli, ["search", "bolig", "--filter", bad, "--index", str(index_dir)])
    assert result.exit_code == 2
    assert "themes, target_groups, actors, kommune, fylke" in result.output


def test_missing_index_exits_1_with_a_clear_message(runner, tmp_path):
    result = runner.invoke(cli, ["search", "bolig", "--index", str(tmp_path / "ingen")])
    assert result.exit_code == 1
    assert "Søkeindeksen er ikke bygget ennå. Kjør `kb index`." in result.stderr
    update = runner.invoke(cli, ["index", "--case", "x.md", "--index", str(tmp_path / "ingen")])
    assert update.exit_code == 1 and "kb index" in update.stderr


@pytest.mark.parametrize("query", ['"', "(((", "\x00", "og i på", "OR", "x" * 10_000])
def test_hostile_queries_exit_0(runner, index_dir, query):
    result = runner.invoke(cli, ["search", query, "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert "treff for «" in result.stdout


def run_fresh(script: str, index_dir: Path, folder: Path) -> subprocess.CompletedProcess:
    """`python -c script index_dir` in a fresh process started in another folder (the search
    must not need the repository's content), the repository on the path."""
    root = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [sys.executable, "-c", script, str(index_dir)],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=120,
    )


def test_search_in_a_fresh_process_never_loads_wordfreq(index_dir, tmp_path):
    """What the query analysis needs from wordfreq is stored with the index."""
    script = (
        "import sys\n"
        "from kb.cli import cli\n"
        "try:\n"
        "    cli(['search', 'barnefattigdom bosetting', '--index', sys.argv[1]])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('wordfreq loaded:', 'wordfreq' in sys.modules)\n"
    )
    done = run_fresh(script, index_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "treff for «barnefattigdom bosetting»" in done.stdout
    assert done.stdout.rstrip().endswith("wordfreq loaded: False")


HEAVY = ("flask", "jinja2", "werkzeug", "citeproc", "markdown", "nh3", "bs4", "gunicorn")
NOT_FOR_SEARCH = (*HEAVY, "waitress", "yaml", "wordfreq", "pdfminer", "indexer", "web")


def test_kb_search_loads_neither_the_service_nor_the_editor(index_dir, tmp_path):
    """`python -m kb search` imports only the search: the group imports a command's module
    when the command is run, so the service's, the editor's and the build's modules and
    libraries stay unloaded."""
    script = (
        "import json, runpy, sys\n"
        "sys.argv = ['kb', 'search', 'bolig', '--index', sys.argv[1]]\n"
        "try:\n"
        "    runpy.run_module('kb', run_name='__main__')  # what `python -m kb` runs\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = run_fresh(script, index_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "treff for «bolig»" in done.stdout
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = {m.split(".")[0] for m in modules}
    assert {"kb", "whoosh", "numpy", "click"} <= loaded
    assert sorted(loaded & set(NOT_FOR_SEARCH)) == []
    ours = {m for m in modules if m.startswith("kb.") and m.split(".")[1] != "search"}
    assert ours == {"kb.cli", "kb.cli.group", "kb.cli.service", "kb.errors", "kb.settings"}


def test_every_command_is_found_through_its_module():
    """group.COMMAND_MODULES names the module of every command the modules attach."""
    from kb.cli import content, service, submissions  # noqa: F401  (attach every command)
    from kb.cli.group import COMMAND_MODULES

    assert sorted(cli.commands) == sorted(COMMAND_MODULES)
    for name, command in cli.commands.items():
        assert command.callback.__module__ == COMMAND_MODULES[name], name
    assert cli.list_commands(None) == sorted(COMMAND_MODULES)


def test_a_fresh_process_first_search_does_not_import_numpy_ma(index_dir, tmp_path):
    """np.isin, np.unique and np.intersect1d import numpy.ma on their first call (~15 ms of a
    fresh process's first search); phrases and proximity check postings without them."""
    script = (
        "import sys\n"
        "from kb.search.searcher import open_searcher\n"
        "searcher = open_searcher(sys.argv[1])\n"
        "assert 'numpy.ma' not in sys.modules\n"
        "for q in ('startlån flyktninger', '\"leie til eie\" bolig', 'bosetting av flyktninger'):\n"
        "    assert searcher.search(q)['total'], q\n"
        "print('numpy.ma loaded:', 'numpy.ma' in sys.modules)\n"
    )
    done = run_fresh(script, index_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("numpy.ma loaded: False")
