"""The build's analysis cache: the same index with and without it, invalidated by any change."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from whoosh import index

from indexer.analysis_cache import cache_path
from indexer.build import build_index, documents
from kb.content.loader import load_content
from kb.search import schema

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = (FIXTURES / "seeds",)
CASE = "grep/lillehammer-startlan.md"


def contents(index_dir: Path) -> dict:
    """Everything a search reads from an index: stored fields, postings, field lengths."""
    ix = index.open_dir(str(index_dir), schema=schema.schema_with(None))  # no analysis needed
    with ix.reader() as r:
        stored = list(r.all_stored_fields())
        postings = sorted(r.iter_postings())
        terms = [(t, r.term_info(*t)) for t in r.all_terms()]
        stats = [
            (t, i.weight(), i.doc_frequency(), i.min_length(), i.max_length()) for t, i in terms
        ]
        names = [n for n, fld in r.schema.items() if fld.scorable]
        lengths = [[r.doc_field_length(d, n) for n in names] for d in range(r.doc_count_all())]
    ours = sorted((index_dir / "outline").glob("*.json")) + [index_dir / "kb_analysis.json"]
    files = {p.name: p.read_bytes() for p in ours}  # the outlines and the analysis inputs
    return {"stored": stored, "postings": postings, "lengths": lengths, "terms": stats, **files}


def build(root: Path, live: Path, **options):
    return build_index(load_content(root, source_dirs=SEEDS), live, **options).write


@pytest.fixture
def root(corpus: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(corpus, copy)
    return copy


@pytest.fixture
def plain(root: Path, tmp_path: Path, monkeypatch) -> dict:
    """The index built with Whoosh's own writer.add_document, no cache, no workers."""
    from indexer import writer as feeding

    with monkeypatch.context() as patch:
        patch.setattr(feeding, "add_analysed", lambda w, fields, _: w.add_document(**fields))
        patch.setattr(feeding, "lengths_in_memory", lambda w: None)
        build(root, tmp_path / "plain" / "index", cache=False)
    return contents(tmp_path / "plain" / "index")


def test_a_cached_build_gives_the_index_whoosh_builds(root, tmp_path, plain):
    live = tmp_path / "index"
    first = build(root, live)
    assert first.analysed > 0 and first.cached == 0
    assert contents(live) == plain
    again = build(root, live)
    assert again.analysed == 0 and again.cached == first.analysed
    assert contents(live) == plain


def test_analysis_in_worker_processes_gives_the_same_index(root, tmp_path, plain):
    live = tmp_path / "index"
    assert build(root, live, workers=2).analysed > 0
    assert contents(live) == plain
    assert build(root, live, workers=2).analysed == 0
    assert contents(live) == plain


def test_a_changed_case_is_analysed_again_and_only_it(root, tmp_path):
    live = tmp_path / "index"
    build(root, live)
    path = root / CASE
    path.write_text(path.read_text("utf-8").replace("startlån", "startlån og bostøtte"), "utf-8")
    again = build(root, live)
    assert again.analysed == 1
    assert contents(live) == contents(rebuilt_without_cache(root, tmp_path))


def rebuilt_without_cache(root: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "uncached" / "index"
    build(root, folder, cache=False)
    return folder


def test_changed_analysis_inputs_invalidate_every_entry(root, tmp_path):
    live = tmp_path / "index"
    total = build(root, live).analysed
    synonyms = root / "vocabulary" / "synonymer.yaml"
    synonyms.write_text(
        synonyms.read_text("utf-8") + "\n  - [startlån, boliglån for unge]\n", "utf-8"
    )
    again = build(root, live)
    assert again.cached == 0 and again.analysed == total
    assert contents(live) == contents(rebuilt_without_cache(root, tmp_path))


def test_a_corrupt_cache_file_is_ignored_and_started_again(root, tmp_path, plain):
    live = tmp_path / "index"
    build(root, live)
    cache_path(live).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{cache_path(live)}{suffix}").unlink(missing_ok=True)
    after = build(root, live)
    assert after.cached == 0 and contents(live) == plain
    assert build(root, live).analysed == 0  # the new cache works


def test_a_damaged_entry_is_analysed_again(root, tmp_path, plain):
    live = tmp_path / "index"
    total = build(root, live).analysed
    with sqlite3.connect(cache_path(live)) as db:
        db.execute("UPDATE entries SET value = zeroblob(length(value)) WHERE rowid = 1")
    again = build(root, live)
    assert (again.analysed, again.cached) == (1, total - 1)
    assert contents(live) == plain


def test_the_cache_keeps_only_what_the_last_build_used(root, tmp_path):
    live = tmp_path / "index"
    build(root, live)
    (root / CASE).unlink()
    build(root, live)
    with sqlite3.connect(cache_path(live)) as db:
        (kept,) = db.execute("SELECT count(*) FROM entries").fetchone()
    assert kept == len(list(documents(*content_and_passages(root))))


def content_and_passages(root: Path):
    from indexer.build import collect_passages
    from indexer.progress import NullProgress

    content = load_content(root, source_dirs=SEEDS)
    return content, collect_passages(content, SEEDS, NullProgress(), [])


def test_a_cached_build_neither_extracts_nor_loads_wordfreq(root, tmp_path, monkeypatch):
    from indexer import sources
    from kb.search import lexicon

    live = tmp_path / "index"
    build(root, live)
    before = contents(live)
    lexicon.frequencies.cache_clear()
    monkeypatch.setattr(sources, "extract_document", lambda *a, **k: pytest.fail("extracted"))
    again = build(root, live)
    assert again.analysed == 0 and lexicon.frequencies.cache_info().misses == 0
    assert contents(live) == before
