"""Extraction of source documents into passages: real PDFs (fpdf2), HTML, text and the reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF

from indexer.sources import EXTRACTORS, extract_source
from kb.errors import ExtractionError

WORDS = (
    "kommunen samarbeider med staten om bolig og oppfølging for familier i regionen der "
    "tjenestene møtes jevnlig for å dele erfaringer og planlegge tiltak sammen med NAV"
).split()
HEAD = "Rapport om samordning i kommunene"
TOC_LINE = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$")


def sentence(k: int, n: int = 12) -> str:
    """A plain Norwegian sentence of n words, varied by k."""
    words = [WORDS[(k * 7 + i) % len(WORDS)] for i in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(k: int, sentences: int = 5) -> str:
    """A paragraph of several sentences."""
    return " ".join(sentence(k + i) for i in range(sentences))


def wrap(text: str, width: int = 80) -> list[str]:
    """Break text into lines of at most width characters."""
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + len(word) + 1 > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + [cur] if cur else lines


def write_pdf(path: Path, pages: list[list[str]], *, label_start: int | None = None) -> Path:
    """A real PDF: a running head and a page number on every page, the given lines between."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=11)
    for i, lines in enumerate(pages):
        pdf.add_page()
        if i == 0 and label_start is not None:
            pdf.set_page_label("D", None, label_start)
        pdf.set_xy(10, 10)
        pdf.cell(0, 6, HEAD)
        pdf.set_xy(10, 25)
        for line in lines:
            if line:
                pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(8)
        pdf.set_xy(10, 280)
        pdf.cell(0, 6, str(i + (label_start or 1)), align="C")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="session")
def report_pdf(tmp_path_factory) -> Path:
    """A four-page report with numbered headings, a line-break hyphen and page labels from 5."""
    page1 = ["1 Innledning", "", *wrap(paragraph(0)), "", *wrap(paragraph(5))]
    page1 += ["", "Mange familier er bosteds-", "løse og får hjelp fra Sør-", "Vest sitt kontor."]
    page2 = ["1.1 Bakgrunn og mål", "", *wrap(paragraph(10)), "", *wrap(paragraph(15))]
    page2 += ["", *wrap(paragraph(20))[:2]]  # a sentence cut by the page break …
    page3 = [*wrap(paragraph(20))[2:], "", "2 Funn", "", *wrap(paragraph(25))]  # … goes on here
    page4 = [*wrap(paragraph(30)), "", *wrap(paragraph(35))]
    path = tmp_path_factory.mktemp("pdf") / "rapport.pdf"
    return write_pdf(path, [page1, page2, page3, page4], label_start=5)


@pytest.fixture(scope="session")
def report_passages(report_pdf: Path):
    """The passages of the generated report."""
    return extract_source(report_pdf, "rapport", "abc123")


def test_registry_covers_the_formats():
    """One extractor per suffix: PDF, HTML and text/Markdown."""
    assert {".pdf", ".html", ".htm", ".txt", ".md", ".text"} <= set(EXTRACTORS)


def test_pdf_passages_carry_printed_page_labels(report_passages):
    """Page labels start at 5, so the first page is 5 and the last is 8."""
    pages = [p.pages for p in report_passages]
    assert all(p is not None and p[0] <= p[1] for p in pages)
    assert min(p[0] for p in pages) == 5
    assert max(p[1] for p in pages) == 8
    assert all(p.lines is None for p in report_passages)


def test_pdf_without_labels_falls_back_to_physical_pages(tmp_path):
    """Without page labels the physical page number is used."""
    pages = [["1 Innledning", "", *wrap(paragraph(k))] for k in (0, 40)]
    passages = extract_source(write_pdf(tmp_path / "u.pdf", pages), "u", "x")
    assert {p.pages for p in passages} >= {(1, 1)}
    assert max(p.pages[1] for p in passages) == 2


def test_pdf_drops_running_head_and_page_numbers(report_passages):
    """The head repeated on every page and the lone page numbers are not indexed."""
    for p in report_passages:
        assert HEAD not in p.text
        assert not any(re.fullmatch(r"\s*\d{1,3}\s*", line) for line in p.text.split("\n"))


def test_pdf_joins_line_break_hyphens_but_keeps_compounds(report_passages):
    """«bosteds-» + «løse» is one word; «Sør-» + «Vest» stays a hyphenated name."""
    text = " ".join(p.text for p in report_passages)
    assert "bostedsløse" in text and "bosteds-" not in text
    assert "Sør-Vest" in text


def test_pdf_numbered_headings_give_sections(report_passages):
    """Sections come from the heading numbers, with their titles."""
    found = {(p.section, p.section_title) for p in report_passages}
    assert {("1", "Innledning"), ("1.1", "Bakgrunn og mål"), ("2", "Funn")} <= found


def test_pdf_sentence_cut_by_page_break_is_joined(report_passages):
    """The paragraph cut at the foot of page 6 goes on at the top of page 7, in one passage."""
    cut = paragraph(20)
    holder = [p for p in report_passages if cut[:60] in p.text]
    assert len(holder) == 1 and cut in holder[0].text
    assert holder[0].pages == (6, 7)


def test_passages_never_cross_sections(report_passages):
    """A passage holds text of one section only; ordinals count up from 0."""
    assert [p.n for p in report_passages] == list(range(len(report_passages)))
    by_section = {}
    for p in report_passages:
        by_section.setdefault(p.section, []).append(p.n)
    for ns in by_section.values():
        assert ns == list(range(ns[0], ns[-1] + 1))
    assert all(p.source == "rapport" and p.sha256 == "abc123" for p in report_passages)


def test_encrypted_pdf_is_refused(tmp_path):
    """A password-protected PDF gives a Norwegian message naming the file and the fix."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 6, "Hemmelig")
    pdf.set_encryption(owner_password="eier", user_password="bruker")
    pdf.output(str(tmp_path / "laast.pdf"))
    with pytest.raises(ExtractionError, match=r"laast\.pdf: PDF-en er kryptert.*— lagre"):
        extract_source(tmp_path / "laast.pdf", "l", "x")


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4\n1 0 obj << /Type /Catalog", bytes(range(256)) * 40, b""],
    ids=["truncated", "random-bytes", "empty"],
)
def test_broken_pdf_is_refused(tmp_path, content):
    """Truncated, random or empty bytes named .pdf raise ExtractionError, never crash."""
    path = tmp_path / "brukket.pdf"
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=r"brukket\.pdf: .* — "):
        extract_source(path, "b", "x")


def test_truncated_real_pdf_is_refused(report_pdf, tmp_path):
    """The first half of a real PDF (no page tree, no trailer) is a clear error."""
    path = tmp_path / "halv.pdf"
    path.write_bytes(report_pdf.read_bytes()[: report_pdf.stat().st_size // 2])
    with pytest.raises(ExtractionError, match=r"halv\.pdf: "):
        extract_source(path, "h", "x")


def test_page_budget_stops_long_pdf(report_pdf):
    """More pages than max_pages is refused with the page count in the message."""
    with pytest.raises(ExtractionError, match=r"4 sider, mer enn grensen på 2"):
        extract_source(report_pdf, "r", "x", max_pages=2)


def test_time_budget_stops_extraction(report_pdf):
    """A spent time budget stops the extraction with a message saying so."""
    with pytest.raises(ExtractionError, match=r"mer enn 0 sekunder"):
        extract_source(report_pdf, "r", "x", max_seconds=0)


HTML = """<!doctype html><html><head><title>T</title><style>.x {{color: red}}</style>
<script>var hemmelig = "skript";</script></head><body>
<header>Toppfelt med logo</header><nav><a href="/">Meny lenke</a></nav>
<main><h1>Tiltak i kommunene</h1><p>{intro}</p>
<h2>2.1 Boligsosialt arbeid</h2><p>{body}</p><ul><li>Første punkt i listen</li></ul>
<aside>Relaterte saker</aside></main><footer>Bunntekst kontakt</footer></body></html>"""


def test_html_main_text_and_headings(tmp_path):
    """Chrome (nav, script, style, header, footer, aside) is dropped; h2 numbers make sections."""
    path = tmp_path / "side.html"
    path.write_text(HTML.format(intro=paragraph(1), body=paragraph(2, 9)), encoding="utf-8")
    passages = extract_source(path, "side", "x")
    text = " ".join(p.text for p in passages)
    for chrome in ("Toppfelt", "Meny lenke", "hemmelig", "color", "Relaterte", "Bunntekst"):
        assert chrome not in text
    assert ("2.1", "Boligsosialt arbeid") in {(p.section, p.section_title) for p in passages}
    assert "• Første punkt i listen" in text
    assert passages[0].section_title == "Tiltak i kommunene"


def test_html_bomb_is_refused(tmp_path):
    """Deeply nested tags are refused before a tree is built."""
    path = tmp_path / "bombe.html"
    path.write_text("<div>" * 5000 + "x" + "</div>" * 5000, encoding="utf-8")
    with pytest.raises(ExtractionError, match=r"bombe\.html: HTML-en er nøstet"):
        extract_source(path, "b", "x")


def test_oversized_html_is_refused_before_parsing(tmp_path):
    """An HTML file over the size limit is refused with its size and the limit."""
    path = tmp_path / "stor.html"
    path.write_text("<p>" + "ord " * 1_600_000 + "</p>", encoding="utf-8")
    with pytest.raises(ExtractionError, match=r"stor\.html: filen er 6\.4 MB, mer enn grensen"):
        extract_source(path, "s", "x")


def test_registered_format_overrides_suffix(tmp_path):
    """A file registered as html is read as HTML whatever its name ends with."""
    path = tmp_path / "side.dat"
    path.write_text(HTML.format(intro=paragraph(1), body=paragraph(2)), encoding="utf-8")
    passages = extract_source(path, "side", "x", "html")
    assert "Meny lenke" not in " ".join(p.text for p in passages)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nul.txt", b"tekst\x00mer tekst", "NUL-tegn"),
        ("latin1.txt", "Blåbær og søknad".encode("latin-1"), "ikke gyldig UTF-8"),
        ("tom.txt", b"  \n\n ", "filen er tom"),
        ("data.xlsx", b"PK\x03\x04", "ukjent filtype"),
    ],
)
def test_bad_text_files_are_refused(tmp_path, name, content, message):
    """Binary, wrongly encoded, empty or unknown files raise a clear ExtractionError."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=rf"{re.escape(name)}: .*{message}"):
        extract_source(path, "t", "x")


def write_markdown(path: Path) -> Path:
    """A Markdown report with a TOC, numbered headings at mixed `#` depths and long sections."""
    lines = ["# Rapporten", "", "## Innhold", "", "1 Innledning .....\t3", "2 Funn .....\t5", ""]
    lines += ["## 1 Innledning", ""]
    for k in range(6):
        lines += [*wrap(paragraph(k * 3, 6)), ""]
    lines += ["#### 1.1 Kort delkapittel", "", sentence(3), ""]
    lines += ["# **2 Funn**", "", *wrap(paragraph(50, 4)), "", "12", "", *wrap(paragraph(60, 4))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_markdown_sections_sizes_and_line_numbers(tmp_path):
    """Sections by number (not `#` depth), 80–250 words, exact file lines, no TOC lines."""
    path = write_markdown(tmp_path / "rapport.md")
    file_lines = path.read_text(encoding="utf-8").split("\n")
    passages = extract_source(path, "md", "x")
    assert [p.section for p in passages if p.section] == ["1", "1", "1.1", "2"]
    for p in passages:
        start, end = p.lines
        assert p.text.split()[0] in " ".join(file_lines[start - 1 : end])
        assert p.text.split()[-1].rstrip(".") in " ".join(file_lines[start - 1 : end])
        assert not TOC_LINE.search(p.text) and ".....\t" not in p.text
        assert len(p.text.split()) <= 250
    assert all(len(p.text.split()) >= 80 for p in passages if p.section in ("1", "2"))
    assert len([p for p in passages if p.section == "1.1"][0].text.split()) == 12


# --- the five real reports ------------------------------------------------------------------

SEED_FILES = {
    "000": "000_b2e3259338c46f55.txt",
    "001": "001_9721b27851a48b6d.txt",
    "002": "002_74f5ac91a7bbca78.txt",
    "003": "003_069211716a594cab.txt",
    "004": "004_55901672651bf447.txt",
}


@pytest.fixture(scope="session")
def seed_passages(seeds_dir: Path) -> dict:
    """Every report's passages, extracted once per session."""
    return {k: extract_source(seeds_dir / f, k, "x") for k, f in SEED_FILES.items()}


def at_line(passages, line: int):
    """The passage whose line range holds a file line."""
    return next(p for p in passages if p.lines and p.lines[0] <= line <= p.lines[1])


@pytest.mark.seeds
def test_every_report_yields_located_passages(seed_passages):
    """Every report gives passages, each with its file lines; none over 250 words."""
    for passages in seed_passages.values():
        assert len(passages) > 40
        for p in passages:
            assert p.lines and 1 <= p.lines[0] <= p.lines[1]
            assert len(p.text.split()) <= 250


@pytest.mark.seeds
def test_report_passage_sizes(seed_passages):
    """A passage under 80 words ends its section or a sub-section (documented short ones)."""
    for passages in seed_passages.values():
        for p, nxt in zip(passages, passages[1:] + [None], strict=True):
            if len(p.text.split()) >= 80:
                continue
            ends_section = nxt is None or nxt.section_title != p.section_title
            ends_part = nxt is not None and "\n\n" in nxt.text[:120]
            assert ends_section or ends_part, (p.id, p.text[:80])
        short = sum(1 for p in passages if len(p.text.split()) < 80)
        assert short / len(passages) < 0.2


@pytest.mark.seeds
@pytest.mark.parametrize(
    ("report", "line", "section", "title"),
    [
        ("002", 733, "4.1", "Lillehammer: bistand til kjøp av egen bolig"),
        ("002", 797, "4.4", "Hammerfest: uformell praksis og flyktningtjenesten som «interne"),
        ("000", 219, "3.1.1", "Husbankens roller og oppgaver overfor kommunene"),
        ("000", 662, "3.4.2", "Endringer på barnevernsområdet"),
        ("003", 1420, "4", "Kartlegging av arbeidsprosesser i kommunene (fase 3-6)"),
        ("003", 2066, "5", "Kartlegging av arbeidsprosesser stat-kommune"),
        ("004", 911, "5.3", "Spredning av kunnskap og erfaringer til kommuner uten"),
        ("001", 206, "", "Samstyring"),
        ("001", 1575, "", "Velferdspilotens pavirkning pa kommunal politikk"),
    ],
)
def test_report_sections_are_recognised(seed_passages, report, line, section, title):
    """Known headings from the reading notes give section number and title."""
    p = at_line(seed_passages[report], line)
    assert p.section == section
    assert p.section_title.startswith(title)


@pytest.mark.seeds
def test_reports_have_no_page_number_or_toc_lines(seed_passages):
    """No passage holds a lone page number line or a table-of-contents line."""
    for passages in seed_passages.values():
        for p in passages:
            for line in p.text.split("\n"):
                assert not re.fullmatch(r"\s*\d{1,3}\s*", line), (p.id, line)
                assert not TOC_LINE.search(line), (p.id, line)


@pytest.mark.seeds
def test_report_002_hyphen_joins(seed_passages):
    """«bosteds-løse» (an old line-break hyphen) is joined; «Sør-Vest» in 003 is kept."""
    p = at_line(seed_passages["002"], 789)
    assert "bostedsløse" in p.text
    assert not any("bosteds-løse" in q.text for q in seed_passages["002"])
    assert any("Sør-Vest" in q.text for q in seed_passages["003"])
    assert any("kommune-stat" in q.text for q in seed_passages["003"])


@pytest.mark.seeds
def test_report_pages_are_reconstructed(seed_passages):
    """001 and 003 mark pages by a leading space: the surviving page numbers agree."""
    for report, line, page in [("001", 244, 9), ("001", 1586, 59), ("003", 1327, 24)]:
        p = at_line(seed_passages[report], line - 2)
        assert p.pages[0] <= page <= p.pages[1]
    assert seed_passages["003"][0].pages[0] == 5
    assert seed_passages["000"][0].pages is None


@pytest.mark.seeds
def test_report_003_footnotes_are_not_indexed(seed_passages):
    """Footnote text at the foot of 003's pages and glued note numbers are dropped."""
    text = " ".join(p.text for p in seed_passages["003"])
    assert "Kommunal- og moderniseringsminister Jan Tore Sanner" not in text
    assert "statsråder." in text and "statsråder2" not in text


@pytest.mark.seeds
def test_report_line_locators_hold_the_text(seeds_dir, seed_passages):
    """A passage's first and last words stand in the file lines it cites."""
    for report, passages in seed_passages.items():
        raw = (seeds_dir / SEED_FILES[report]).read_text(encoding="utf-8").split("\n")
        for p in passages:
            span = " ".join(raw[p.lines[0] - 1 : p.lines[1]])
            words = re.findall(r"\w+", p.text)
            assert words[0] in span and words[-1] in span, p.id
