"""Everything is read and checked before work starts: broken vocabulary files stop each command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import indexer.sources
from kb.cli import cli

SEEDS = FIXTURES / "seeds"
BROKEN_SYNONYMS = {
    "yaml": (
        "groups:\n  - [rådmann, kommunedirektør\n  - [KS, Kommunesektorens organisasjon]\n",
        "synonymer.yaml:3: ugyldig YAML: expected ',' or ']', but got '[' — "
        "rett opp YAML-en (se linjen og den over)",
    ),
    "not-a-list": (
        "groups:\n  rådmann: kommunedirektør\n",
        "synonymer.yaml:2: groups: «groups» er ikke en liste — skriv «groups:» med én liste "
        "per gruppe, f.eks. «- [rådmann, kommunedirektør]»",
    ),
    "word-not-group": (
        "groups:\n  - [NAV, Arbeids- og velferdsforvaltningen]\n  - rådmann\n",
        "synonymer.yaml:3: groups[1]: gruppen er ikke en liste — skriv «groups:» med én liste "
        "per gruppe, f.eks. «- [rådmann, kommunedirektør]»",
    ),
    "no-groups": (
        "grupper:\n  - [a, b]\n",
        "synonymer.yaml:1: groups: filen har ingen «groups:» — skriv «groups:» med én liste "
        "per gruppe, f.eks. «- [rådmann, kommunedirektør]»",
    ),
}


def break_synonyms(root: Path, text: str) -> Path:
    path = root / "vocabulary" / "synonymer.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(BROKEN_SYNONYMS))
def test_validate_names_a_broken_synonym_file_with_its_line(content_root, name):
    text, expected = BROKEN_SYNONYMS[name]
    path = break_synonyms(content_root, text)
    result = CliRunner().invoke(cli, ["validate", "--content", str(content_root)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"{path.parent}/{expected}"]
    assert "1 feil" in result.stderr


def test_validate_names_a_broken_vocabulary_term(content_root):
    path = content_root / "vocabulary" / "themes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  - id: uten-navn\n    description: mangler label\n", "utf-8")
    line = len(text.splitlines()) + 1
    result = CliRunner().invoke(cli, ["validate", "--content", str(content_root)])
    assert result.exit_code == 1
    [problem] = result.stdout.splitlines()
    assert problem.startswith(f"{path}:{line}: terms[")
    assert problem.endswith(
        ".label: begrepet mangler label — skriv «terms:» med én oppføring "
        "per begrep, hver med id og label"
    )


@pytest.fixture
def spy_extractor(monkeypatch) -> list[Path]:
    """Record every text file the indexer extracts (the real extractor still does the work)."""
    seen: list[Path] = []
    real = indexer.sources.EXTRACTORS[".txt"]

    def spy(path, budget):
        seen.append(Path(path))
        return real(path, budget)

    monkeypatch.setitem(indexer.sources.EXTRACTORS, ".txt", spy)
    return seen


def index(root: Path, tmp_path: Path):
    args = ["index", "--content", str(root), "--index", str(tmp_path / "ix")]
    return CliRunner().invoke(cli, args + ["--sources", str(SEEDS)])


def test_index_extracts_the_registered_source_when_the_content_is_sound(
    content_root, tmp_path, spy_extractor
):
    assert index(content_root, tmp_path).exit_code == 0
    assert spy_extractor == [SEEDS / "testkilde.txt"]


def test_index_stops_on_a_broken_synonym_file_before_extracting_anything(
    content_root, tmp_path, spy_extractor
):
    path = break_synonyms(content_root, BROKEN_SYNONYMS["yaml"][0])
    result = index(content_root, tmp_path)
    assert result.exit_code == 1
    assert spy_extractor == []  # testkilde.txt is registered and found, yet never read
    assert not (tmp_path / "ix").exists()
    assert result.stderr.splitlines()[0].startswith(f"{path}:3: ugyldig YAML")
    assert "Leser kilder" not in result.stderr and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "command",
    [
        ["serve"],
        ["export", "--out", "{tmp}/site", "--site-url", "https://godegrep.example.no"],
        ["index", "--case", "{tmp}/x.md"],
    ],
)
def test_serve_and_export_stop_too(content_root, tmp_path, spy_extractor, command):
    break_synonyms(content_root, BROKEN_SYNONYMS["not-a-list"][0])
    args = [a.format(tmp=tmp_path) for a in command]
    args += ["--content", str(content_root), "--sources", str(SEEDS)]
    if command[0] != "export":
        args += ["--index", str(tmp_path / "ix")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "synonymer.yaml:2: groups: «groups» er ikke en liste" in result.stderr
    assert "ingenting er bygget" in result.stderr
    assert spy_extractor == [] and not (tmp_path / "ix").exists()
    assert not (tmp_path / "site").exists()
