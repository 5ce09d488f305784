"""kb validate: one fixture file per kind of problem, each with its exact message and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kb.cli import cli
from kb.content.loader import load_content

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"

EXPECTED = {
    "bad-status": ["9: status: ukjent status «ferdig» — bruk pågående | avsluttet | ukjent"],
    "bad-yaml": [
        "3: ugyldig YAML: anførselstegnet på linjen lukkes aldri"
        ' — legg til det avsluttende anførselstegnet (")'
    ],
    "contact-personal": [
        "20: contact.name: personopplysninger hører ikke hjemme her"
        " — oppgi bare rolle og organisasjon"
    ],
    "empty-section": ["31: body: avsnittet «## Resultater» er tomt — skriv hva kilden sier"],
    "id-mismatch": [
        "2: id: id «feil-navn» er ikke lik filnavnet «id-mismatch.md»"
        " — gi filen navnet feil-navn.md, eller sett id: id-mismatch"
    ],
    "kommune-unquoted-number": [
        "6: places[0].kommune: «0301» ble lest som tallet 193 (ledende null forsvinner),"
        ' ikke som tekst — sett verdien i anførselstegn: "0301"'
    ],
    "lines-past-end": [
        "18: sources[0].lines: linje 99 finnes ikke; testkilde.txt har 19 linjer"
        " — rett linjenumrene"
    ],
    "lines-reversed": ["18: sources[0].lines: siste (11) er før første (13) — bytt om tallene"],
    "missing-evidence": ["2: evidence: feltet «evidence» mangler — legg til evidence: …"],
    "missing-section": [
        "38: body: avsnittet «## Resultater» mangler — legg til «## Resultater» med innhold"
    ],
    "no-front-matter": [
        "1: filen mangler YAML-forside — start filen med en linje «---», feltene, og «---»"
    ],
    "period-reversed": ["8: period.end: slutt (2012) er før start (2014) — bytt om årene"],
    "quote-date": [
        "17: sources[0].section: «2012-05-01» ble lest som en dato, ikke som tekst"
        ' — sett verdien i anførselstegn: "2012-05-01"'
    ],
    "quote-not-in-lines": [
        "19: sources[0].quote: sitatet står ikke i linje 18–18; nærmest: «Boveiledere besøkte nye"
        " leietakere hjemme hver uke det første året.» — kopier sitatet ordrett fra kilden,"
        " eller rett lines"
    ],
    "quote-too-long": [
        "19: sources[0].quote: sitatet har 32 ord; høyst 25 er lov"
        " — kort ned sitatet, eller skriv med egne ord"
    ],
    "region-no": [
        "7: region: «NO» ble lest som usann (false), ikke som tekst"
        ' — sett verdien i anførselstegn: "NO"'
    ],
    "related-unknown": [
        "20: related: «finnes-ikke» er ikke et grep som finnes — rett id-en eller fjern lenken"
    ],
    "section-unquoted": [
        "17: sources[0].section: «2.10» ble lest som tallet 2.1, ikke som tekst"
        ' — sett verdien i anførselstegn: "2.10"'
    ],
    "themes-not-list": [
        "10: themes: forventet en liste, fikk tekst «bolig» — skriv themes: [bolig]"
    ],
    "unknown-field": ["15: approach: ukjent felt «approach» — mente du «approaches»?"],
    "unknown-kommune": [
        "6: places[0].kommune: «Lilehammer» er ikke en kommune — mente du «Lillehammer»?"
    ],
    "unknown-source": [
        "16: sources[0].source: «testkilden» er ikke en registrert kilde — mente du «testkilde»?"
    ],
    "unknown-theme": ["10: themes[0]: «bolg» er ikke en id i themes — mente du «bolig»?"],
}


def check(content_root: Path, sources, *names: str):
    """Copy fixture cases into the content root and load them."""
    for name in names:
        shutil.copy(CASES / f"{name}.md", content_root / "grep" / f"{name}.md")
    return load_content(content_root, None, sources)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_problem_has_its_exact_message(content_root, test_sources, name):
    content = check(content_root, test_sources, name)
    got = [str(p).split(f"{name}.md:", 1)[1] for p in content.problems]
    assert got == EXPECTED[name]


def test_valid_case_has_no_problems_and_is_loaded(content_root, test_sources):
    content = check(content_root, test_sources, "gyldig")
    assert content.problems == []
    case = content.cases["gyldig"]
    assert case.places[0].number == "3405" and case.places[0].fylke == "Innlandet"
    assert [h for h, _ in case.sections][:2] == ["Utfordringen", "Slik gjorde de det"]
    assert case.sources[0].lines == (11, 13)


def test_every_fixture_is_covered():
    names = {p.stem for p in CASES.glob("*.md")} - {"gyldig"}
    assert names == set(EXPECTED)


def test_one_bad_file_does_not_stop_the_others(content_root, test_sources):
    content = check(
        content_root, test_sources, "gyldig", "bad-yaml", "no-front-matter", "unknown-theme"
    )
    assert set(content.cases) == {"gyldig"}
    files = {Path(p.file).name for p in content.problems}
    assert files == {"bad-yaml.md", "no-front-matter.md", "unknown-theme.md"}


def test_duplicate_ids_in_two_folders(content_root, test_sources):
    (content_root / "grep" / "utkast").mkdir()
    shutil.copy(CASES / "gyldig.md", content_root / "grep" / "utkast" / "gyldig.md")
    content = check(content_root, test_sources, "gyldig")
    assert [p.message for p in content.problems] == [
        f"id «gyldig» brukes også av {content_root / 'grep' / 'gyldig.md'}"
    ]


def test_unverifiable_quote_is_a_warning_that_strict_fails(content_root, tmp_path, runner):
    shutil.copy(CASES / "gyldig.md", content_root / "grep" / "gyldig.md")
    args = ["validate", "--content", str(content_root), "--sources", str(tmp_path)]
    relaxed = runner.invoke(cli, args)
    strict = runner.invoke(cli, args + ["--strict"])
    assert relaxed.exit_code == 0, relaxed.output
    assert "sitatet kan ikke sjekkes: fant ikke testkilde.txt i kildemappene" in relaxed.output
    assert strict.exit_code == 1


def test_cli_exit_codes_and_json(content_root, test_sources, runner):
    shutil.copy(CASES / "gyldig.md", content_root / "grep" / "gyldig.md")
    base = ["validate", "--content", str(content_root), "--sources", str(test_sources[0])]
    assert runner.invoke(cli, base + ["--strict"]).exit_code == 0
    shutil.copy(CASES / "unknown-theme.md", content_root / "grep" / "unknown-theme.md")
    result = runner.invoke(cli, base + ["--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["cases"] == 1
    assert data["problems"][0]["line"] == 10 and data["problems"][0]["field"] == "themes[0]"
    assert runner.invoke(cli, ["validate", "--format", "xml"]).exit_code == 2
    assert runner.invoke(cli, ["validate", str(content_root / "nope.md")]).exit_code == 2


def test_validate_single_path_resolves_links_to_other_files(content_root, test_sources):
    shutil.copy(CASES / "gyldig.md", content_root / "grep" / "gyldig.md")
    text = (CASES / "gyldig.md").read_text().replace("id: gyldig", "id: lenker")
    text = text.replace("updated:", "related: [gyldig]\nupdated:")
    (content_root / "grep" / "lenker.md").write_text(text)
    content = load_content(content_root, [content_root / "grep" / "lenker.md"], test_sources)
    assert content.problems == [] and set(content.cases) == {"lenker"}
