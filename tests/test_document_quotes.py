"""Quotes cited from PDF and HTML sources are checked against the text of the cited pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from kb.cli import cli
from kb.content.loader import load_content
from kb.content.sources import file_sha256

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"

PAGES = [  # printed pages 5, 6 and 7
    ["Innledning", "Rapporten handler om bosetting av flyktninger i kommunene."],
    ["Boligkontoret kjøpte tolv leiligheter til flyktningfamilier i 2019.", "Det virket godt."],
    ["Oppsummering", "Samarbeidet med Husbanken ble tettere."],
]
REAL = "Boligkontoret kjøpte tolv leiligheter til flyktningfamilier i 2019."


@pytest.fixture(autouse=True)
def _no_env_sources(monkeypatch):
    monkeypatch.delenv("KB_SOURCES", raising=False)


def write_pdf(path: Path) -> Path:
    """A three-page PDF whose pages are labelled 5, 6 and 7."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for i, lines in enumerate(PAGES):
        pdf.add_page()
        if i == 0:
            pdf.set_page_label("D", None, 5)
        pdf.set_xy(10, 25)
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def register(root: Path, sid: str, file: Path, fmt: str) -> None:
    (root / "sources" / f"{sid}.yaml").write_text(
        f"id: {sid}\ntitle: Testrapport i {fmt}\nlanguage: nb\nfiles:\n"
        f"  - path: {file.name}\n    sha256: {file_sha256(file)}\n    format: {fmt}\n",
        encoding="utf-8",
    )


@pytest.fixture
def documents(content_root: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The content root with a PDF source `pdfkilde` and an HTML source `htmlkilde`."""
    folder = tmp_path / "rapporter"
    folder.mkdir()
    register(content_root, "pdfkilde", write_pdf(folder / "rapport.pdf"), "pdf")
    html = folder / "side.html"
    html.write_text(
        "<html><body><nav>Meny</nav><main><h1>Bolig</h1>"
        "<p>Kommunen ansatte en boveileder for nye leietakere.</p></main></body></html>",
        encoding="utf-8",
    )
    register(content_root, "htmlkilde", html, "html")
    return content_root, folder


def cite(root: Path, case_id: str, source: str, quote: str, locator: str) -> Path:
    """The valid fixture case, citing the given source, locator and quote."""
    text = (CASES / "gyldig.md").read_text(encoding="utf-8").replace("id: gyldig", f"id: {case_id}")
    old = text[text.index("  - source: testkilde") : text.index("updated:")]
    new = f'  - source: {source}\n    section: "1"\n    {locator}\n    quote: "{quote}"\n'
    path = root / "grep" / f"{case_id}.md"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.fixture
def check(runner):
    """Run `kb check` on one case file of a content root, with the sources in folder."""

    def invoke(root: Path, folder: Path, path: Path):
        args = ["check", "--content", str(root), f"--sources={folder}", str(path)]
        return runner.invoke(cli, args)

    return invoke


def test_a_real_quote_on_its_pdf_page_passes(documents, check):
    root, folder = documents
    path = cite(root, "ekte", "pdfkilde", REAL, "pages: [6, 6]")
    result = check(root, folder, path)
    assert result.exit_code == 0, result.output
    path.unlink()  # the next case would look like a duplicate of this one
    spread = check(root, folder, cite(root, "spredt", "pdfkilde", REAL, "pages: [5, 7]"))
    assert spread.exit_code == 0, spread.output


def test_a_made_up_pdf_quote_fails_with_the_nearest_text(documents, check):
    root, folder = documents
    made_up = "Boligkontoret kjøpte tjue leiligheter til flyktningfamilier i 2019."
    result = check(root, folder, cite(root, "oppdiktet", "pdfkilde", made_up, "pages: [6, 6]"))
    assert result.exit_code == 1
    assert (
        "oppdiktet.md:19: sources[0].quote: sitatet står ikke på s. 6; nærmest: «" in result.output
    )
    assert "kjøpte tolv leiligheter" in result.output
    assert "— kopier sitatet ordrett fra kilden, eller rett pages" in result.output


def test_a_pdf_quote_on_the_wrong_page_fails(documents, check):
    root, folder = documents
    result = check(root, folder, cite(root, "feil-side", "pdfkilde", REAL, "pages: [7, 7]"))
    assert result.exit_code == 1
    assert "sitatet står ikke på s. 7" in result.output
    beyond = check(root, folder, cite(root, "utenfor", "pdfkilde", REAL, "pages: [40, 41]"))
    assert "sources[0].pages: fant ingen tekst på s. 40–41 i rapport.pdf" in beyond.output


def test_a_pdf_quote_without_pages_cannot_pass(documents, check):
    root, folder = documents
    result = check(root, folder, cite(root, "uten-sider", "pdfkilde", REAL, "lines: [1, 2]"))
    assert result.exit_code == 1
    assert "sitatet fra en PDF kan ikke sjekkes uten pages" in result.output


def test_html_quotes_are_checked_against_the_main_text(documents, check):
    root, folder = documents
    real = "Kommunen ansatte en boveileder for nye leietakere."
    ok = check(root, folder, cite(root, "html-ekte", "htmlkilde", real, "lines: [1, 1]"))
    assert ok.exit_code == 0, ok.output
    made_up = "Kommunen ansatte to boveiledere for nye leietakere."
    bad = check(root, folder, cite(root, "html-feil", "htmlkilde", made_up, "lines: [1, 1]"))
    assert bad.exit_code == 1
    assert "sitatet står ikke i nettsiden; nærmest: «Kommunen ansatte en boveileder" in bad.output


def test_validate_checks_document_quotes_too(documents, runner):
    root, folder = documents
    cite(root, "oppdiktet", "pdfkilde", "Dette står ingen steder.", "pages: [6, 6]")
    args = ["validate", "--content", str(root), f"--sources={folder}"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "sitatet står ikke på s. 6" in result.output


def test_without_a_text_provider_the_quote_is_not_passed_silently(documents):
    root, folder = documents
    cite(root, "ekte", "pdfkilde", REAL, "pages: [6, 6]")
    problems = load_content(root, None, (folder,)).problems
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "sitatet i PDF-filen er ikke sjekket her")
    ]
