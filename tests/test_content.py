"""The committed content: enough cases, every named case story, every quote verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.content.loader import CONTENT_DIR, load_content
from kb.content.quotes import cited_text, quote_in
from kb.content.sources import locate, text_lines

CASE_STORIES = {  # Fafo 2015:08 chapter 4: the six case stories, by kommune
    "Lillehammer",
    "Kristiansund",
    "Bergen",
    "Hammerfest",
    "Bærum",
    "Kvinesdal",
}
BFV_KOMMUNER = {"Kinn", "Askøy", "Bjørnafjorden", "Haugesund", "Sola"}


@pytest.fixture(scope="module")
def content(seeds_dir):
    return load_content(CONTENT_DIR, None, (seeds_dir,))


def test_at_least_sixty_cases_without_problems(content):
    assert [str(p) for p in content.problems] == []
    assert len(content.cases) >= 60


def test_every_case_cites_a_registered_source_and_every_quote_is_in_its_lines(content, seeds_dir):
    verified = 0
    for case in content.cases.values():
        assert case.sources, case.id
        for ref in case.sources:
            source = content.sources[ref.source]
            assert ref.lines, f"{case.id}: {ref.source} uten lines"
            if not ref.quote:
                continue
            located = locate(source, (seeds_dir,))[0]
            assert located.sha_ok
            text = cited_text(text_lines(located.path), *ref.lines)
            assert quote_in(ref.quote, text), f"{case.id}: {ref.quote!r}"
            verified += 1
    assert verified >= len(content.cases)  # at least one verified quote per case on average


def test_each_named_case_story_and_project_kommune_has_a_case(content):
    fafo = {
        p.name
        for c in content.cases.values()
        for p in c.places
        if any(s.source == "fafo-2015-08" for s in c.sources)
    }
    bfv = {
        p.name
        for c in content.cases.values()
        for p in c.places
        if any(s.source == "husbanken-bfv-vestland-rogaland" for s in c.sources)
    }
    assert CASE_STORIES <= fafo
    assert BFV_KOMMUNER <= bfv


def test_anonymised_velferdspiloten_practices_name_no_kommune(content):
    """Report 001 keeps kommune practices anonymous: only the model case names the kommuner."""
    for case in content.cases.values():
        only_001 = {s.source for s in case.sources} == {"hiof-velferdspiloten"}
        if only_001 and case.id != "velferdspiloten-modell":
            assert case.places == (), case.id


def test_every_source_has_a_description_page(content):
    for source in content.sources.values():
        words = len(source.description.split())
        assert 200 <= words <= 800, f"{source.id}: {words} ord"


def test_every_case_has_substantive_sections(content):
    for case in content.cases.values():
        words = len(case.body.split())
        assert 200 <= words <= 1200, f"{case.id}: {words} ord"


def test_every_source_is_cited(content):
    cited = {s.source for c in content.cases.values() for s in c.sources}
    assert cited == set(content.sources)


def test_no_case_file_outside_grep_is_loaded():
    assert all(Path(p).suffix == ".md" for p in (CONTENT_DIR / "grep").iterdir())


def test_no_case_copies_long_runs_from_its_reports(content):
    from kb.editor.originality import copied_text

    copied = [str(p) for case in content.cases.values() for p in copied_text(case, content.ctx)]
    assert copied == []
