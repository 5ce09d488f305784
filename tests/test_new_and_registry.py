"""kb new, the source registry and the shape of the packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.cli import cli
from kb.content.loader import CONTENT_DIR, load_content
from kb.content.sources import file_sha256, load_sources
from kb.editor.new import suggest_id

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Flyktninger blir boligeiere med startlån", "flyktninger-blir-boligeiere-med-startlan"),
        ("Økt samarbeid i Ås og Bærum", "okt-samarbeid-i-as-og-baerum"),
        ("«0–24-samarbeid»: én dør inn!", "0-24-samarbeid-en-dor-inn"),
    ],
)
def test_suggest_id(title, expected):
    assert suggest_id(title) == expected


def new_args(root: Path) -> list[str]:
    return [
        "new",
        "--content",
        str(root),
        "--title",
        "Boveiledning for nye leietakere",
        "--kommune",
        "Bærum",
        "--theme",
        "bolig",
        "--target-group",
        "flyktninger",
        "--source",
        "testkilde",
        "--section",
        "2.2",
        "--lines",
        "18",
        "18",
    ]


def test_new_writes_a_skeleton_that_validates_and_refuses_to_overwrite(
    content_root, test_sources, runner
):
    result = runner.invoke(cli, new_args(content_root))
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == content_root / "grep" / "boveiledning-for-nye-leietakere.md"
    content = load_content(content_root, None, test_sources)
    assert set(content.cases) == {"boveiledning-for-nye-leietakere"}
    assert all(p.severity == "warning" for p in content.problems)
    assert any("maltekst" in p.message for p in content.problems)  # strict fails until written
    path.write_text(path.read_text() + "\nRedaktørens tekst.\n")
    again = runner.invoke(cli, new_args(content_root))
    assert again.exit_code == 1
    assert "finnes allerede" in again.output
    assert path.read_text().endswith("Redaktørens tekst.\n")


def test_new_without_terminal_needs_title_source_and_lines(content_root, runner):
    result = runner.invoke(cli, ["new", "--content", str(content_root)])
    assert result.exit_code == 2
    assert "oppgi --title, --source og --lines" in result.output


def test_registry_has_the_five_reports():
    sources, problems = load_sources(CONTENT_DIR / "sources")
    assert problems == []
    assert len(sources) == 5
    assert {f.path for s in sources.values() for f in s.files} == {
        "000_b2e3259338c46f55.txt",
        "001_9721b27851a48b6d.txt",
        "002_74f5ac91a7bbca78.txt",
        "003_069211716a594cab.txt",
        "004_55901672651bf447.txt",
    }


def test_registry_sha256_matches_the_report_files(seeds_dir):
    sources, _ = load_sources(CONTENT_DIR / "sources")
    for source in sources.values():
        for f in source.files:
            assert file_sha256(seeds_dir / f.path) == f.sha256, f.path


def test_committed_content_passes_strict_validation(seeds_dir):
    content = load_content(CONTENT_DIR, None, (seeds_dir,))
    assert [str(p) for p in content.problems] == []
    assert len(content.cases) >= 3


def test_bad_registry_entries_are_reported_with_the_fix(tmp_path):
    (tmp_path / "feil-id.yaml").write_text(
        "id: annen\ntitle: T\nfiles:\n  - path: a.txt\n  - path: b.pdf\n    sha256: AB\n"
        "    format: docx\n"
    )
    (tmp_path / "ugyldig.yaml").write_text("id: [ugyldig\n")
    sources, problems = load_sources(tmp_path)
    assert [(Path(p.file).name, p.field, p.message, p.fix) for p in problems] == [
        ("feil-id.yaml", "id", "id «annen» er ikke filnavnet «feil-id»", "bruk id: feil-id"),
        ("feil-id.yaml", "files[0]", "filen mangler path eller sha256", "oppgi path: og sha256:"),
        ("feil-id.yaml", "files[1].format", "ukjent format «docx»", "bruk pdf, html eller text"),
        ("ugyldig.yaml", "", problems[-1].message, "rett opp YAML-en"),
    ]
    assert problems[-1].message.startswith("ugyldig YAML")
    assert [f.sha256 for f in sources["annen"].files] == ["ab"]


def test_new_asks_in_a_terminal(content_root, test_sources, monkeypatch, runner):
    import kb.cli.content

    monkeypatch.setattr(kb.cli.content, "interactive", lambda: True)
    answers = "Boveiledning hver uke\ntestkilde\n18\n18\nbolig, bosetting\n"
    result = runner.invoke(cli, ["new", "--content", str(content_root)], input=answers)
    assert result.exit_code == 0, result.output
    assert "Tittel: " in result.output and "Første linje i kilden: " in result.output
    path = content_root / "grep" / "boveiledning-hver-uke.md"
    assert result.output.strip().endswith(str(path))
    case = load_content(content_root, None, test_sources).cases["boveiledning-hver-uke"]
    assert case.themes == ("bolig", "bosetting") and case.sources[0].lines == (18, 18)
