"""kb check: validate --strict plus near-duplicates, unused sources and strict quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.cli import cli
from kb.content.problems import ERROR, WARNING, Problem
from kb.editor.check import check, github_line

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_env_sources(monkeypatch):
    """Only the folders a test names are searched for report files."""
    monkeypatch.delenv("KB_SOURCES", raising=False)


def add_case(root: Path, case_id: str, folder: str = "grep", **changes: str) -> Path:
    """Write the valid fixture case under a new id, with text replacements (old=new)."""
    text = (CASES / "gyldig.md").read_text(encoding="utf-8").replace("id: gyldig", f"id: {case_id}")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    path = root / folder / f"{case_id}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def run(runner):
    """Invoke `kb check` on a content root."""

    def invoke(root: Path, sources: tuple[Path, ...], *args: str):
        base = ["check", "--content", str(root), *(f"--sources={s}" for s in sources)]
        return runner.invoke(cli, [*base, *args])

    return invoke


TITLE = "title: Flyktninger kjøper bolig med startlån"
SUMMARY = 'summary: "Kommunen brukte startlån slik at flyktningfamilier kunne eie egen bolig."'
QUOTE = 'quote: "Kommunen brukte startlån aktivt slik at flyktningfamilier kunne kjøpe egen bolig"'
OTHER = {  # a case about something else, citing other lines of the same source
    TITLE: "title: Boveiledere besøker nye leietakere hver uke",
    SUMMARY: 'summary: "Boveiledere fulgte opp nye leietakere i hjemmet det første året."',
    '"2.1"': '"2.2"',
    "lines: [11, 13]": "lines: [18, 18]",
    QUOTE: 'quote: "Boveiledere besøkte nye leietakere hjemme"',
}


def test_clean_content_passes(content_root, test_sources, run):
    add_case(content_root, "gyldig")
    add_case(content_root, "boveiledning", **OTHER)
    result = run(content_root, test_sources)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "2 grep sjekket; 0 feil, 0 advarsler" in result.stderr


def test_near_duplicate_title_is_reported_naming_both_files(content_root, test_sources, run):
    first = add_case(content_root, "gyldig")
    second = add_case(content_root, "startlan-flyktninger")
    content, problems = check(content_root, None, test_sources)
    assert len(content.cases) == 2
    assert problems == [
        Problem(
            str(first),
            3,
            "title",
            f"ligner på {second} (Flyktninger kjøper bolig med startlån): titlene er 100 % like",
            "slå grepene sammen, eller gjør forskjellen tydelig i tittel og sammendrag",
            WARNING,
        )
    ]
    assert run(content_root, test_sources).exit_code == 1


def test_distinct_cases_on_the_same_source_are_not_duplicates(content_root, test_sources):
    add_case(content_root, "gyldig")
    add_case(content_root, "boveiledning", **OTHER)
    _, problems = check(content_root, None, test_sources)
    assert problems == []


SIMILAR = {
    TITLE: "title: Startlån gjorde flyktninger til boligeiere",  # 76 % like
    SUMMARY: 'summary: "Flyktningfamilier fikk hjelp til å kjøpe bolig med startlån."',  # 70 %
}


def test_same_lines_and_similar_text_is_a_duplicate(content_root, test_sources):
    add_case(content_root, "gyldig")
    add_case(content_root, "boligeiere", **SIMILAR)
    _, problems = check(content_root, None, test_sources)
    assert [p.message.split(": ", 1)[1] for p in problems] == [
        "de siterer stort sett de samme linjene og teksten er 76 % lik"
    ]


def test_similar_text_on_other_lines_is_not_a_duplicate(content_root, test_sources):
    add_case(content_root, "gyldig")
    # [11, 13] and [12, 14] share 2 of 4 lines: a Jaccard of exactly 0.5 still counts
    add_case(content_root, "boligeiere", **SIMILAR, **{"lines: [11, 13]": "lines: [12, 14]"})
    _, problems = check(content_root, None, test_sources)
    assert len(problems) == 1
    other_lines = {
        "lines: [11, 13]": "lines: [14, 18]",
        QUOTE: 'quote: "Boligkontoret og flyktningtjenesten samarbeidet tett om dette"',
    }
    add_case(content_root, "boligeiere", **SIMILAR, **other_lines)
    _, problems = check(content_root, None, test_sources)
    assert [p.field for p in problems] == []


def test_template_text_is_never_a_duplicate(content_root, test_sources):
    template = {SUMMARY: 'summary: "SKRIV: En til tre setninger."'}
    add_case(content_root, "utkast-en", "utkast", **template)
    add_case(content_root, "utkast-to", "utkast", **template, **{TITLE: OTHER[TITLE]})
    _, problems = check(content_root, [content_root / "utkast"], test_sources)
    assert [(Path(p.file).name, p.field) for p in problems] == [
        ("utkast-en.md", "summary"),
        ("utkast-to.md", "summary"),
    ]
    assert all(p.message == "feltet har fortsatt maltekst" for p in problems)


def test_unresolved_related_and_vocabulary_ids_are_shown(content_root, test_sources, run):
    add_case(content_root, "gyldig", **{"themes: [bolig, bosetting]": "themes: [bolg]"})
    add_case(content_root, "lenker", **OTHER, **{"updated:": "related: [ukjent-grep]\nupdated:"})
    result = run(content_root, test_sources)
    assert result.exit_code == 1
    assert "themes[0]: «bolg» er ikke en id i themes — mente du «bolig»?" in result.stdout
    assert "related: «ukjent-grep» er ikke et grep som finnes" in result.stdout


def test_unused_source_is_a_warning_on_its_registry_file(content_root, test_sources):
    _, problems = check(content_root, None, test_sources)
    assert problems == [
        Problem(
            str(content_root / "sources" / "testkilde.yaml"),
            1,
            "id",
            "kilden «testkilde» siteres ikke av noe grep",
            "skriv et grep som bygger på den, eller fjern registreringen",
            WARNING,
        )
    ]


def test_unused_sources_only_when_the_whole_content_is_checked(content_root, test_sources):
    add_case(content_root, "gyldig", folder="utkast")
    _, problems = check(content_root, [content_root / "utkast"], test_sources)
    assert problems == []
    _, problems = check(content_root, [content_root], test_sources)
    assert [p.message for p in problems] == ["kilden «testkilde» siteres ikke av noe grep"]


def test_a_quote_that_cannot_be_verified_fails(content_root, tmp_path):
    add_case(content_root, "gyldig")
    content, problems = check(content_root, None, (tmp_path,))
    assert [(p.severity, p.field) for p in problems] == [(ERROR, "sources[0].quote")]
    assert "sitatet kan ikke sjekkes: fant ikke testkilde.txt" in problems[0].message
    assert [p.severity for p in content.problems] == [WARNING]  # validate alone only warns


def test_a_quote_not_in_the_cited_lines_fails(content_root, test_sources, run):
    add_case(content_root, "gyldig", **{"lines: [11, 13]": "lines: [17, 17]"})
    result = run(content_root, test_sources, "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["ok"] is False and data["cases"] == 0
    assert data["problems"][0]["message"].startswith("sitatet står ikke i linje 17–17")


def test_drafts_are_checked_against_published_cases(content_root, test_sources):
    add_case(content_root, "gyldig")
    draft = add_case(content_root, "gyldig", folder="utkast")
    _, problems = check(content_root, [content_root / "utkast"], test_sources)
    assert [(p.file, p.field) for p in problems] == [(str(draft), "id"), (str(draft), "title")]
    assert (
        problems[0].message
        == f"id «gyldig» brukes allerede av {content_root / 'grep' / 'gyldig.md'}"
    )
    _, whole = check(content_root, None, test_sources)
    assert whole == []  # drafts in utkast/ are not part of the published content


def test_github_annotations(content_root, test_sources, run):
    add_case(content_root, "gyldig", **{"themes: [bolig, bosetting]": "themes: [bolg]"})
    result = run(content_root, test_sources, "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        f"::error file={content_root / 'grep' / 'gyldig.md'},line=10,title=themes[0]::"
        "«bolg» er ikke en id i themes — mente du «bolig»?"
    )


def test_github_line_escapes_and_uses_repository_paths(tmp_path):
    problem = Problem(str(tmp_path / "a,b.md"), 0, "x:y", "50% ferdig\nneste linje", "", WARNING)
    assert github_line(problem, tmp_path) == (
        "::warning file=a%2Cb.md,line=1,title=x%3Ay::50%25 ferdig%0Aneste linje"
    )


def test_usage_errors_exit_2(content_root, run):
    assert run(content_root, (), str(content_root / "finnes-ikke.md")).exit_code == 2
    assert run(content_root, (), "--format", "xml").exit_code == 2


def test_real_content_passes(seeds_dir, runner):
    result = runner.invoke(cli, ["check", "--content", str(ROOT / "content")])
    assert result.exit_code == 0, result.output


def test_body_copied_from_the_report_is_flagged(content_root, test_sources):
    from kb.content.loader import load_content
    from kb.editor.originality import copied_text

    text = (CASES / "gyldig.md").read_text(encoding="utf-8")
    copied = (
        "Kommunen brukte startlån aktivt slik at flyktningfamilier kunne kjøpe egen bolig etter "
        "få år i kommunen. Boligkontoret og flyktningtjenesten samarbeidet tett om dette."
    )
    text = text.replace("Flyktningfamilier leide dyrt og flyttet ofte.", copied)
    (content_root / "grep" / "gyldig.md").write_text(text, encoding="utf-8")
    content = load_content(content_root, None, test_sources)
    [problem] = copied_text(content.cases["gyldig"], content.ctx)
    assert problem.severity == "warning" and problem.field == "body"
    assert problem.message.startswith("teksten gjentar 23 ord ordrett fra rapporten: «kommunen")
    own_words = text.replace(copied, "Familiene fikk hjelp fra to kontorer til å kjøpe bolig.")
    (content_root / "grep" / "gyldig.md").write_text(own_words, encoding="utf-8")
    content = load_content(content_root, None, test_sources)
    assert copied_text(content.cases["gyldig"], content.ctx) == []
