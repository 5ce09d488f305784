"""Printed pages: the registry's page maps, page_range, the citation warnings and fill_pages.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.cli import cli
from kb.content.loader import load_content
from kb.content.pages import PageMap, page_at, page_map_of, page_range, parse_pages_option
from kb.content.sources import load_sources

ROOT = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "fixtures" / "cases"
SCRIPT = ROOT / "content" / "sources" / "fill_pages.py"
REGISTRY, REGISTRY_PROBLEMS = load_sources(ROOT / "content" / "sources")

EXACT = PageMap(((1, 1), (10, 2), (20, 3)), exact=True)
TOC = PageMap(((5, 53), (30, 55), (60, 57), (90, 57), (95, 60)), exact=False, last_page=62)


def test_page_at_and_page_range_on_an_exact_map():
    assert [page_at(EXACT, n) for n in (1, 9, 10, 19, 20, 500)] == [1, 1, 2, 2, 3, 3]
    assert page_range(EXACT, (9, 9)) == (1, 1)
    assert page_range(EXACT, (9, 21)) == (1, 3)


def test_a_toc_map_gives_the_whole_possible_span():
    # a line in the section that starts on p. 55, while the next starts on p. 57: pp. 55–57
    assert page_range(TOC, (40, 45)) == (55, 57)
    assert page_range(TOC, (30, 30)) == (55, 57)
    assert page_range(TOC, (20, 40)) == (53, 57)
    assert page_range(TOC, (60, 61)) == (57, 57)  # the next section starts on the same page
    assert page_range(TOC, (96, 99)) == (60, 62)  # the last section runs to last_page
    assert page_range(TOC, (1, 8)) is None  # before the first section: unknown


def test_every_registered_report_has_a_valid_page_map():
    assert REGISTRY_PROBLEMS == []
    kinds = {sid: page_map_of(s).exact for sid, s in REGISTRY.items()}
    assert kinds == {
        "difi-2018-13": False,
        "fafo-2015-08": False,
        "hiof-velferdspiloten": True,
        "husbanken-bfv-vestland-rogaland": True,
        "menon-2025-omradesatsing": False,
    }


# Pages a person can check in the report files: the printed page numbers that survive alone on
# their line (001, 003), and section starts in the table of contents (000, 002, 004).
KNOWN_PAGES = [
    ("hiof-velferdspiloten", 244, 9, "9"),
    ("hiof-velferdspiloten", 400, 15, "15"),
    ("hiof-velferdspiloten", 1586, 59, "59"),
    *(
        ("husbanken-bfv-vestland-rogaland", line, page, str(page))
        for line, page in [(44, 5), (461, 11), (711, 15), (861, 17), (1385, 24), (1461, 25)]
        + [(1902, 31), (2817, 45)]
    ),
    ("difi-2018-13", 71, 2, "## Sammendrag"),
    ("difi-2018-13", 279, 11, "### **3.1.3 Hva hemmer og fremmer samhandling regionalt?**"),
    ("difi-2018-13", 787, 30, "## 5.2 Våre vurderinger og anbefalinger"),
    ("fafo-2015-08", 731, 55, "### **4.1 Lillehammer: bistand til kjøp av egen bolig**"),
    ("fafo-2015-08", 1015, 77, "## 5.2 Samordning mellom stat og kommune"),
    ("fafo-2015-08", 1230, 99, "## Referanser"),
    ("menon-2025-omradesatsing", 427, 21, "## **2.3 Involvering av statlige aktører**"),
    ("menon-2025-omradesatsing", 999, 50, "## 5.5 Våre anbefalinger"),
]


@pytest.mark.parametrize(("sid", "line", "page", "text"), KNOWN_PAGES)
def test_known_pages_of_the_reports(sid, line, page, text, request):
    assert page_at(page_map_of(REGISTRY[sid]), line) == page
    if not (ROOT.parent / "shared" / "seeds").is_dir():
        pytest.skip("../shared/seeds finnes ikke: linjene i rapportfilene sjekkes ikke")
    seeds = request.getfixturevalue("seeds_dir")
    lines = (seeds / REGISTRY[sid].files[0].path).read_text(encoding="utf-8").split("\n")
    assert lines[line - 1].strip() == text


def test_toc_anchors_sit_on_the_headings_the_toc_names(seeds_dir):
    for sid in ("difi-2018-13", "fafo-2015-08", "menon-2025-omradesatsing"):
        lines = (seeds_dir / REGISTRY[sid].files[0].path).read_text(encoding="utf-8").split("\n")
        toc = {}
        for row in lines[:80]:
            m = re.match(r"^(?:<b>)?(\d[\d.]*) .*\t(?:<b>)?(\d+)", row)
            if m:
                toc[m[1]] = int(m[2])
        for line, page in page_map_of(REGISTRY[sid]).anchors:
            number = re.sub(r"[#*]", "", lines[line - 1]).split()[0]
            assert lines[line - 1].startswith("#"), (sid, line)
            if number[0].isdigit():
                assert toc[number] == page, (sid, line, number)


def test_exact_maps_match_the_page_breaks_the_indexer_finds(seeds_dir):
    from indexer.extract.base import Budget
    from indexer.extract.text import extract_text

    for sid in ("hiof-velferdspiloten", "husbanken-bfv-vestland-rogaland"):
        path = seeds_dir / REGISTRY[sid].files[0].path
        starts = [
            (sl.line, sl.page) for sl in extract_text(path, Budget(path)).lines if sl.page_start
        ]
        assert tuple(starts) == page_map_of(REGISTRY[sid]).anchors


BAD_MAPS = [
    (
        "  exact: true\n  anchors: [[1, 1], [30, 2], [20, 3]]\n",
        "9: page_map.anchors[2]: linje 20 kommer etter linje 30"
        " — sorter ankrene etter linje, og ta med hver linje bare én gang",
    ),
    (
        "  exact: true\n  anchors:\n    - [1, 1]\n    - [30, 0]\n",
        "11: page_map.anchors[1]: «[30, 0]» er ikke [linje, side] — skriv f.eks. [244, 9]",
    ),
    (
        "  exact: false\n  anchors: [[1, 4], [9, 7]]\n",
        "7: page_map.last_page: kartet er omtrentlig og mangler last_page"
        " — skriv last_page: den trykte siden der filens siste linje står",
    ),
    (
        "  exact: ja\n  anchors: [[1, 4], [9, 3]]\n",
        "8: page_map.exact: exact mangler eller er ikke true/false"
        " — skriv exact: true når alle sideskift er kjent, ellers exact: false",
    ),
]


@pytest.mark.parametrize(("body", "expected"), BAD_MAPS)
def test_bad_page_maps_are_reported_at_their_line(tmp_path, body, expected):
    head = (ROOT / "tests" / "fixtures" / "sources" / "testkilde.yaml").read_text()
    (tmp_path / "testkilde.yaml").write_text(head.split("files:")[0] + "page_map:\n" + body)
    _, problems = load_sources(tmp_path)
    assert [str(p).split(".yaml:", 1)[1] for p in problems][:1] == [expected]


def test_parse_pages_option():
    assert parse_pages_option("20-22") == (20, 22)
    assert parse_pages_option("20–22") == (20, 22)
    assert parse_pages_option("7") == (7, 7)
    for bad in ("22-20", "s. 20", "0-1", "1-2-3"):
        with pytest.raises(ValueError):
            parse_pages_option(bad)


# The test source with an exact page map: lines 1–9 on p. 3, 10–15 on p. 4, 16– on p. 5.
PAGE_MAP = "page_map:\n  exact: true\n  anchors: [[1, 3], [10, 4], [16, 5]]\n"


@pytest.fixture
def paged_root(content_root: Path) -> Path:
    registry = content_root / "sources" / "testkilde.yaml"
    registry.write_text(registry.read_text() + PAGE_MAP)
    return content_root


def add_case(root: Path, case_id: str, *changes: tuple[str, str]) -> Path:
    text = (CASES / "gyldig.md").read_text(encoding="utf-8").replace("id: gyldig", f"id: {case_id}")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = root / "grep" / f"{case_id}.md"
    path.write_text(text, encoding="utf-8")
    return path


LINES = "    lines: [11, 13]\n"


def test_missing_and_wrong_pages_are_warnings_with_the_expected_pages(paged_root, test_sources):
    add_case(paged_root, "uten-sider")
    add_case(paged_root, "feil-sider", (LINES, LINES + "    pages: [3, 4]\n"))
    add_case(paged_root, "rette-sider", (LINES, LINES + "    pages: [4, 4]\n"))
    content = load_content(paged_root, None, test_sources)
    assert [(Path(p.file).stem, p.severity, str(p).split(".md:")[1]) for p in content.problems] == [
        (
            "feil-sider",
            "warning",
            "19: sources[0].pages: advarsel: s. 3–4 stemmer ikke med linje 11–13:"
            " sidekartet gir s. 4 — skriv pages: [4, 4]",
        ),
        (
            "uten-sider",
            "warning",
            "18: sources[0].pages: advarsel: mangler sider — bruk s. 4: skriv pages: [4, 4]",
        ),
    ]


def test_a_narrower_range_inside_a_toc_span_is_accepted(content_root, test_sources):
    registry = content_root / "sources" / "testkilde.yaml"
    registry.write_text(
        registry.read_text() + "page_map:\n  exact: false\n  last_page: 9\n"
        "  anchors: [[8, 5], [16, 7]]\n"
    )
    add_case(content_root, "smal", (LINES, LINES + "    pages: [6, 6]\n"))
    add_case(content_root, "utenfor", (LINES, LINES + "    pages: [7, 8]\n"))
    problems = [str(p) for p in load_content(content_root, None, test_sources).problems]
    assert len(problems) == 1
    assert "utenfor.md:19: sources[0].pages: advarsel: s. 7–8 stemmer ikke" in problems[0]
    assert "innholdsfortegnelsen gir s. 5–7 — skriv pages: [5, 7]" in problems[0]


FIXTURE_CASE = (
    "---\r\nid: fyll\r\nsources:\r\n"
    '  - source: testkilde\r\n    section: "2.1"\r\n    lines: [11, 13]   # startlån\r\n'
    '    quote: "Kommunen brukte startlån"\r\n'
    "  - {source: testkilde, lines: [18, 18]}\r\n"
    "  - lines: [16, 18]\r\n    source: testkilde\r\n"
    "  - source: testkilde\r\n    lines: [5, 6]\r\n    pages: [4, 4]\r\n"
    "  - source: testkilde\r\n    lines: [5, 6]\r\n    pages: [3, 3]\r\n"
    "---\r\nTekst æøå\r\n"
)


def run_script(root: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(SCRIPT), "--sources", str(root / "sources"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def test_fill_pages_inserts_only_the_missing_pages_and_keeps_every_other_byte(paged_root):
    case = paged_root / "grep" / "fyll.md"
    case.write_bytes(FIXTURE_CASE.encode("utf-8"))
    checked = run_script(paged_root, "--check", str(case))
    assert checked.returncode == 1
    assert case.read_bytes() == FIXTURE_CASE.encode("utf-8")  # --check writes nothing
    assert checked.stdout.splitlines() == [
        f"{case}:6: sources[0].pages: [4, 4] (testkilde)",
        f"{case}:8: sources[1].pages: lines står ikke alene på én linje som"
        " «lines: [første, siste]» — skriv pages: [5, 5] for hånd",
        f"{case}:9: sources[2].pages: [5, 5] (testkilde)",
        f"{case}:13: sources[3].pages: pages: [4, 4] stemmer ikke"
        " — sidekartet gir [3, 3]; rett det for hånd",
    ]
    written = run_script(paged_root, str(case))
    assert written.returncode == 1  # the disagreement and the flow mapping are left to an editor
    expected = FIXTURE_CASE.replace(
        "    lines: [11, 13]   # startlån\r\n",
        "    lines: [11, 13]   # startlån\r\n    pages: [4, 4]\r\n",
    ).replace("  - lines: [16, 18]\r\n", "  - lines: [16, 18]\r\n    pages: [5, 5]\r\n")
    assert case.read_bytes() == expected.encode("utf-8")
    assert "2 sitater fikk sider; 2 må rettes for hånd" in written.stderr
    again = run_script(paged_root, str(case))
    assert case.read_bytes() == expected.encode("utf-8")
    assert "0 sitater fikk sider" in again.stderr


def test_filled_cases_validate_without_page_warnings(paged_root, test_sources):
    case = add_case(paged_root, "fylles")
    assert run_script(paged_root, str(case)).returncode == 0
    assert "    lines: [11, 13]\n    pages: [4, 4]\n" in case.read_text()
    assert load_content(paged_root, None, test_sources).problems == []


def test_real_content_passes_once_fill_pages_has_run(seeds_dir, tmp_path):
    """Running fill_pages.py on a copy of the content leaves no problem at all."""
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    result = run_script(root, *map(str, sorted((root / "grep").glob("*.md"))))
    assert result.returncode == 0, result.stdout
    assert [str(p) for p in load_content(root, None, (seeds_dir,)).problems] == []


def test_new_takes_pages_or_fills_them_from_the_page_map(paged_root, test_sources, runner):
    base = ["new", "--content", str(paged_root), "--source", "testkilde", "--section", "2.2"]
    filled = runner.invoke(cli, [*base, "--title", "Boveiledning hver uke", "--lines", "18", "18"])
    given = runner.invoke(cli, [*base, "--title", "Oppsøkende boveiledning", "--pages", "5-5"])
    bad = runner.invoke(cli, [*base, "--title", "Noe annet", "--pages", "fem"])
    assert filled.exit_code == 0 and given.exit_code == 0, filled.output + given.output
    assert bad.exit_code == 2 and "«fem» er ikke sider" in bad.output
    cases = load_content(paged_root, None, test_sources).cases
    assert cases["boveiledning-hver-uke"].sources[0].pages == (5, 5)
    assert cases["oppsokende-boveiledning"].sources[0].pages == (5, 5)
    assert cases["oppsokende-boveiledning"].sources[0].lines is None
