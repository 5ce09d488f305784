"""Hostile input an editor or a report can bring: each is a file:line error, never a crash or stall.

The hostile files are built here (tests/hostile.py), never committed.
"""

from __future__ import annotations

import pytest
from hostile_files import case_with, hostile_cases

from kb.cli import cli
from kb.content.frontmatter import FrontMatterError, parse_front_matter
from kb.content.loader import load_content
from kb.content.safeyaml import BoundedYAMLError, safe_load

FRONT_MATTER_BOMBS = {
    "alias-bomb-7": (21, "YAML-aliaser (*navn) er ikke tillatt"),
    "alias-bomb-9": (21, "YAML-aliaser (*navn) er ikke tillatt"),
    "nested-600": (20, "YAML-en er nøstet mer enn 20 nivåer dypt"),
    "duplicate-keys": (20, "feltet «status» står to ganger"),
    "huge-front-matter": (2, "YAML-en er 200 kB, mer enn grensen på 64 kB"),
}


@pytest.mark.parametrize("name", sorted(FRONT_MATTER_BOMBS))
def test_front_matter_bomb_is_an_error_with_its_line(name):
    line, message = FRONT_MATTER_BOMBS[name]
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(hostile_cases()[name])
    assert (caught.value.line, caught.value.message) == (line, message)


def test_validate_reports_every_bomb_and_keeps_the_good_case(content_root, test_sources, runner):
    (content_root / "grep" / "gyldig.md").write_text(case_with(""), "utf-8")
    for name, text in hostile_cases().items():
        (content_root / "grep" / f"{name}.md").write_text(text, "utf-8")
    content = load_content(content_root, None, test_sources)
    assert set(content.cases) == {"gyldig"}
    got = {(p.file.rsplit("/", 1)[1], p.line, p.message) for p in content.problems}
    expected = {(f"{n}.md", line, msg) for n, (line, msg) in FRONT_MATTER_BOMBS.items()}
    assert got == expected
    args = ["validate", "--content", str(content_root), "--sources", str(test_sources[0])]
    result = runner.invoke(cli, args)
    assert (
        result.exit_code == 1
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    assert "alias-bomb-9.md:21: " in result.output


def test_impossible_date_is_an_error_with_its_line():
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(case_with("period_x: 2024-13-45"))
    assert caught.value.line == 20 and "«2024-13-45» er ikke en gyldig dato" in caught.value.message


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("a: &x [1]\nb: *x\n", 2, "YAML-aliaser (*navn) er ikke tillatt"),
        ("terms:\n  - id: a\n    id: b\n", 3, "feltet «id» står to ganger"),
        ("groups: " + "[" * 300 + "]" * 300 + "\n", 1, "YAML-en er nøstet mer enn 20 nivåer dypt"),
    ],
)
def test_registry_and_vocabulary_yaml_are_bounded(text, line, message):
    with pytest.raises(BoundedYAMLError) as caught:
        safe_load(text)
    assert caught.value.problem_mark.line + 1 == line and caught.value.problem == message


def test_vocabulary_file_with_an_alias_bomb_names_the_file(content_root, test_sources):
    from kb.content.vocab import load_vocabulary
    from kb.errors import ContentError

    path = content_root / "vocabulary" / "themes.yaml"
    path.write_text("terms:\n  - id: a\n    label: b\n" + hostile_alias(), "utf-8")
    with pytest.raises(ContentError, match="themes.yaml"):
        load_vocabulary(path)


def hostile_alias() -> str:
    from hostile_files import alias_bomb

    return alias_bomb(9) + "\n"


def test_source_registry_with_an_alias_is_a_problem(content_root):
    from kb.content.sources import load_source

    path = content_root / "sources" / "testkilde.yaml"
    before = path.read_text("utf-8")
    path.write_text(before + hostile_alias(), "utf-8")
    source, problems = load_source(path)
    alias_line = (
        before.count("\n")
        + 1
        + hostile_alias()
        .split("\n")
        .index(next(x for x in hostile_alias().split("\n") if "*" in x))
    )
    assert source is None and problems[0].line == alias_line
    assert "YAML-aliaser (*navn) er ikke tillatt" in problems[0].message


PDF_BOMBS = {
    "flate_bomb_pdf": "en strøm pakker seg ut til mer enn 64 MB",
    "text_operator_pdf": "en side har mer enn 20000 tegn",
    "operand_pdf": "en side har mer enn 100000 operasjoner",
}


@pytest.mark.parametrize("builder", sorted(PDF_BOMBS))
def test_pdf_bomb_is_an_extraction_error_naming_the_file(builder, tmp_path):
    import hostile_files as hostile

    from indexer.extract.base import Budget
    from indexer.extract.pdf import extract_pdf
    from kb.errors import ExtractionError

    path = tmp_path / "bombe.pdf"
    path.write_bytes(getattr(hostile, builder)())
    assert path.stat().st_size < 2_000_000  # the test file stays small
    with pytest.raises(ExtractionError) as caught:
        extract_pdf(path, Budget(path))
    assert str(caught.value).startswith("bombe.pdf: PDF-en er for tung å lese: ")
    assert PDF_BOMBS[builder] in str(caught.value)


def test_deeply_nested_html_is_an_extraction_error(tmp_path):
    from hostile_files import nested_html

    from indexer.extract.base import Budget
    from indexer.extract.html import extract_html
    from kb.errors import ExtractionError

    path = tmp_path / "dyp.html"
    path.write_text(nested_html(20_000), "utf-8")
    with pytest.raises(ExtractionError, match=r"^dyp.html: HTML-en er nøstet 20002 nivåer dypt"):
        extract_html(path, Budget(path))


@pytest.mark.parametrize(
    "link, ok",
    [
        ("&#106;avascript:alert(1)", False),  # passed kb validate, then failed the export
        ("javascript:alert(1)", False),
        ("relative/page", False),
        ("/absolutt", False),
        ("side.md", False),
        ("https://www.regjeringen.no/no/id4/", True),
        ("mailto:post@kommune.no", True),
    ],
)
def test_validate_rejects_links_the_export_rejects(content_root, test_sources, link, ok):
    text = case_with("").replace("leide dyrt og flyttet ofte.", f"leide [dyrt]({link}) og flyttet.")
    (content_root / "grep" / "gyldig.md").write_text(text, "utf-8")
    content = load_content(content_root, None, test_sources)
    problems = [(p.line, p.message) for p in content.problems if p.field == "body"]
    assert problems == ([] if ok else [(26, f"lenken «{link}» er ikke en full nettadresse")])


def test_reference_style_links_are_checked_too(content_root, test_sources):
    text = case_with("").replace(
        "flyttet ofte. [1]", "flyttet [ofte][r]. [1]\n\n[r]: &#106;avascript:x"
    )
    (content_root / "grep" / "gyldig.md").write_text(text, "utf-8")
    content = load_content(content_root, None, test_sources)
    assert [p.line for p in content.problems if "lenken" in p.message] == [28]


def test_the_service_answers_with_every_bomb_in_its_live_content(corpus, index_dir, tmp_path):
    """Defects 1 and 3: a bomb in content/grep stalled or broke every dynamic page."""
    import shutil

    from webtools import make_app

    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    for name, text in hostile_cases().items():
        (root / "grep" / f"{name}.md").write_text(text, "utf-8")
    client = make_app(root, index_dir).test_client()
    pages = ["/", "/sok?q=bolig", "/grep/bergen-bustad", "/kart", "/foresla", "/api/grep.json"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert {c["id"] for c in client.get("/api/grep.json").get_json()["cases"]} == {
        p.stem for p in corpus.glob("grep/*.md")
    }


def test_a_text_report_with_a_200_000_character_token_is_indexed(content_root, tmp_path):
    """Defect 2: such a token in a registered text source raised MemoryError in the build."""
    import hashlib

    from hostile_files import long_token_text

    from indexer.build import build_index
    from kb.search.searcher import open_searcher

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    data = long_token_text().encode()
    (seeds / "lang.txt").write_bytes(data)
    (content_root / "sources" / "lang.yaml").write_text(
        "id: lang\ntitle: Lang rapport\nauthors: [Testforfatter]\npublisher: Gode grep\n"
        f"year: 2026\nlanguage: nb\nfiles:\n  - path: lang.txt\n"
        f"    sha256: {hashlib.sha256(data).hexdigest()}\n    format: text\n",
        "utf-8",
    )
    stats = build_index(load_content(content_root, None, (seeds,)), tmp_path / "index", (seeds,))
    assert stats.problems == [] and stats.sources >= 1
    hits = open_searcher(tmp_path / "index").search("innledning bolig", kind="passage")["hits"]
    assert any(h["id"].startswith("lang") for h in hits), hits
