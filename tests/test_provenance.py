"""Claim-level provenance (case format v2): markers, the editors' own section, dated facts."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from kb.content.loader import load_content
from kb.content.markers import blocks, marker_numbers

FIXTURES = Path(__file__).resolve().parent / "fixtures"

BODY = """## Utfordringen

Første avsnitt med kilde. [1]

Andre avsnitt uten kilde.

## Slik gjorde de det

- Et punkt med to kilder. [1, 2]
- Et punkt som peker for langt. [3]

## Resultater

Resultatet. [2]

## Redaksjonens vurdering

Vår vurdering trenger ingen kilde.
"""


def write_case(root: Path, body: str = BODY, extra: str = "") -> Path:
    """A case with two citations of the test source and the given body."""
    text = (FIXTURES / "cases" / "gyldig.md").read_text(encoding="utf-8")
    head, _, _ = text.partition("\n---\n")
    head = head.replace(
        "sources:\n", 'sources:\n  - source: testkilde\n    section: "1"\n    lines: [5, 6]\n', 1
    )
    path = root / "grep" / "gyldig.md"
    path.write_text(head + extra + "\n---\n" + body, encoding="utf-8")
    return path


def test_markers_are_read_from_paragraphs_and_list_items():
    found = [(b.section, b.line, marker_numbers(b.text)) for b in blocks(BODY, 10)]
    assert found == [
        ("Utfordringen", 12, [1]),
        ("Utfordringen", 14, []),
        ("Slik gjorde de det", 18, [1, 2]),
        ("Slik gjorde de det", 19, [3]),
        ("Resultater", 23, [2]),
        ("Redaksjonens vurdering", 27, []),
    ]


def test_unsourced_paragraph_and_dangling_marker_are_reported_with_their_line(
    content_root, test_sources
):
    path = write_case(content_root)
    content = load_content(content_root, source_dirs=test_sources)
    body_start = path.read_text(encoding="utf-8").split("\n").index("## Utfordringen") + 1
    shown = {(p.line - body_start, p.message) for p in content.problems if p.field == "body"}
    assert (4, "avsnitt i «## Utfordringen» uten kildemerke") in shown
    assert (9, "kildemerket [3] peker ikke på noen kilde (grepet har 2)") in shown
    assert not any("Redaksjonens vurdering" in m for _, m in shown)
    assert "gyldig" not in content.cases  # a marker that points nowhere is an error


def test_an_evaluated_case_needs_an_evidence_note_with_a_marker(content_root, test_sources):
    body = BODY.replace("Andre avsnitt uten kilde.", "Andre avsnitt. [2]").replace(" [3]", " [2]")
    path = write_case(content_root, body)
    path.write_text(path.read_text().replace("evidence: erfaring", "evidence: evaluert"))
    problems = load_content(content_root, source_dirs=test_sources).problems
    assert any(p.message == "evidensnivået «evaluert» krever evidence_note" for p in problems)
    path.write_text(path.read_text().replace("\n---\n", '\nevidence_note: "Målt. [1]"\n---\n', 1))
    assert load_content(content_root, source_dirs=test_sources).problems == []


def test_status_without_a_year_is_a_warning_and_with_a_year_is_fine(content_root, test_sources):
    body = BODY.replace("Andre avsnitt uten kilde.", "Andre avsnitt. [2]").replace(" [3]", " [2]")
    path = write_case(content_root, body)
    text = path.read_text()
    path.write_text(text.replace("status: {value: avsluttet, as_of: 2014}", "status: pågående"))
    [problem] = load_content(content_root, source_dirs=test_sources).problems
    assert problem.field == "status" and "mangler året" in problem.message
    path.write_text(text)
    assert load_content(content_root, source_dirs=test_sources).problems == []


def test_the_case_page_links_markers_and_sets_the_editors_section_apart(client):
    html = BeautifulSoup(client.get("/grep/lillehammer-startlan").data, "html.parser")
    ref = html.select_one(".case-section .source-ref a")
    assert ref["href"].startswith("/kilder/testkilde#L") and ref.get_text() == "1"
    assert "s." in ref["title"] or "kap." in ref["title"]
    assert html.select_one(".facts-as-of").get_text().startswith("Opplysningene er fra ")
    citations = html.select(".citations li")
    assert citations[0]["id"] == "kilde-1" and "linje" not in citations[0].get_text()


def test_the_committed_cases_use_markers_everywhere(seeds_dir):
    content = load_content(source_dirs=(seeds_dir,))
    assert len(content.cases) == 91
    unsourced = [p for p in content.problems if "kildemerke" in p.message]
    assert unsourced == []
    noted = [
        c for c in content.cases.values() if c.evidence in ("effekt", "evaluert", "resultater")
    ]
    assert noted and all(marker_numbers(c.evidence_note) for c in noted)
    assert all(c.as_of for c in content.cases.values())
    assert all(c.status == "ukjent" or c.status_as_of for c in content.cases.values())


def test_a_status_year_later_than_the_sources_is_an_error(content_root, test_sources):
    body = BODY.replace("Andre avsnitt uten kilde.", "Andre avsnitt. [2]").replace(" [3]", " [2]")
    path = write_case(content_root, body)
    text = path.read_text()
    path.write_text(text.replace("as_of: 2014}", "as_of: 2030}"))  # testkilde is from 2026
    problems = load_content(content_root, source_dirs=test_sources).problems
    assert [(p.field, p.message) for p in problems] == [
        ("status.as_of", "2030 er senere enn kildene grepet bygger på (nyeste: 2026)")
    ]
