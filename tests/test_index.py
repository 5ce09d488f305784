"""Building the index: schema, counts, the atomic swap, incremental updates and progress."""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
from pathlib import Path

import pytest
from whoosh import index

from indexer.analysis_cache import cache_path
from indexer.build import META_FILE, BuildStats, build_index, update_case
from indexer.progress import Progress, format_number
from kb import cite
from kb.content.loader import load_content
from kb.errors import IndexMissing
from kb.search import schema
from kb.search.analysis import ANALYSIS_FILE, NorwegianAnalysis
from kb.search.searcher import open_searcher

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = (FIXTURES / "seeds",)


def test_every_field_is_a_named_constant_with_a_comment(analysis):
    source = Path(schema.__file__).read_text(encoding="utf-8")
    declared = dict(re.findall(r'^[A-Z_]+ = "(\w+)"  # (.+)$', source, flags=re.M))
    assert set(schema.build_schema(analysis).names()) <= set(declared)


def test_index_holds_cases_and_passages_with_stored_facets(index_dir):
    ix = index.open_dir(str(index_dir))
    with ix.searcher() as s:
        kinds = [d[schema.KIND] for d in s.all_stored_fields()]
        case = s.document(id="lillehammer-startlan")
    assert kinds.count("case") == 3 and kinds.count("passage") >= 1
    assert case[schema.THEMES] == "bolig,bosetting" and case[schema.KOMMUNE] == "Lillehammer"
    assert case[schema.FYLKE] == "Innlandet" and case[schema.YEAR] == "2014"
    assert case[schema.EVIDENCE] == "erfaring" and case[schema.SOURCE] == "testkilde"
    assert (index_dir / META_FILE).exists()
    assert beside(index_dir) == ["index"]  # no temp folder left


def beside(index_dir: Path) -> list[str]:
    """What the index's parent folder holds, but for the build cache and the APA store (and
    their SQLite companions: -wal and -shm stay while another test's app has a store open)."""
    caches = {cache_path(index_dir), cite.store_path(index_dir)}
    caches |= {c.with_name(c.name + end) for c in caches for end in ("-wal", "-shm")}
    return sorted(p.name for p in index_dir.parent.iterdir() if p not in caches)


def copy_corpus(corpus: Path, tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(corpus, root)
    return root


def test_rebuild_swaps_while_a_searcher_is_open(corpus, tmp_path):
    root = copy_corpus(corpus, tmp_path)
    live = tmp_path / "index"
    build_index(load_content(root, source_dirs=SEEDS), live)
    searcher = open_searcher(live)
    raw = index.open_dir(str(live)).searcher()  # a plain Whoosh reader on the old files
    assert searcher.search("startlån")["total"] >= 1
    (root / "grep" / "bergen-bustad.md").unlink()
    build_index(load_content(root, source_dirs=SEEDS), live)
    assert raw.document(id="bergen-bustad")["title"].startswith("Kommunen hjelper")  # still reads
    assert searcher.search("", kind="case")["total"] == 2  # our Searcher reopened the new one
    assert beside(live) == ["content", "index"]
    raw.close()
    searcher.close()


def test_one_changed_case_is_updated_without_a_rebuild(corpus, tmp_path):
    root = copy_corpus(corpus, tmp_path)
    live = tmp_path / "index"
    build_index(load_content(root, source_dirs=SEEDS), live)
    searcher = open_searcher(live)
    before = searcher.search("")["total"]
    path = root / "grep" / "lillehammer-startlan.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Flyktninger kjøper bolig med startlån", "Flyktninger kjøper hus med startlån"
        ),
        encoding="utf-8",
    )
    assert update_case(live, path, root) == ("oppdatert", [])
    assert searcher.search("hus", kind="case")["hits"][0]["id"] == "lillehammer-startlan"
    assert searcher.search("")["total"] == before
    path.unlink()
    assert update_case(live, path, root) == ("slettet", [])
    assert searcher.search("startlån", kind="case")["total"] == 0
    searcher.close()


def test_an_invalid_case_leaves_the_index_as_it_was(corpus, tmp_path):
    root = copy_corpus(corpus, tmp_path)
    live = tmp_path / "index"
    build_index(load_content(root, source_dirs=SEEDS), live)
    path = root / "grep" / "bergen-bustad.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: ukjent", "status: kanskje"),
        encoding="utf-8",
    )
    action, problems = update_case(live, path, root)
    assert action == "uendret" and any("status" in str(p) for p in problems)
    assert open_searcher(live).search("", filters={"kommune": ["Bergen"]})["total"] == 1


def test_update_without_an_index_says_so(corpus, tmp_path):
    with pytest.raises(IndexMissing, match="kb index"):
        update_case(tmp_path / "index", corpus / "grep" / "bergen-bustad.md", corpus)


def test_a_changed_source_file_is_reported_and_the_rest_indexed(corpus, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "testkilde.txt").write_text("Endret innhold.\n", encoding="utf-8")
    stats = build_index(
        load_content(corpus, source_dirs=(seeds,)), tmp_path / "index", source_dirs=(seeds,)
    )
    assert stats.cases == 3 and stats.passages == 0
    assert any("sha256" in p and "testkilde" in p for p in stats.problems)


def test_sources_without_files_are_named_in_the_summary(corpus, tmp_path):
    empty = tmp_path / "tom"
    empty.mkdir()
    content = load_content(corpus, source_dirs=(empty,))
    content.ctx.source_dirs = (empty,)  # no ../shared/seeds either: a fresh clone elsewhere
    stats = build_index(content, tmp_path / "index", source_dirs=(empty,))
    assert stats.missing == ["testkilde"] and stats.problems == []
    assert stats.summary().endswith(
        "Fant ikke rapportfilene til 1 kilde (testkilde): avsnittene deres er ikke søkbare — "
        "oppgi mappen med --sources DIR eller KB_SOURCES"
    )


def test_summary_line_uses_norwegian_numbers():
    stats = BuildStats(cases=63, passages=1234, sources=5, seconds=12.34)
    assert stats.summary() == "Indekserte 63 grep og 1 234 avsnitt fra 5 kilder på 12,3 s"
    assert format_number(1234567.25, 2) == "1 234 567,25"


def test_progress_is_plain_text_in_logs_and_a_bar_on_a_terminal(corpus, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    log, tty = io.StringIO(), Terminal()
    build_index(
        load_content(corpus, source_dirs=SEEDS), tmp_path / "a", progress=Progress(log, tty=False)
    )
    assert "Indekserer (" in log.getvalue() and "\r" not in log.getvalue()
    bar = Progress(tty, tty=True)
    bar.stage("Indekserer", 4)
    bar.advance(4)
    bar.finish()
    assert "\r" in tty.getvalue() and "█" * 30 in tty.getvalue() and "4/4" in tty.getvalue()
    assert tty.getvalue().endswith("\n")  # the bar's line is finished before the summary


def bench_module(name: str):
    """A script of bench/ imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_runs_on_a_tiny_synthetic_corpus(capsys):
    bench = bench_module("bench_search")
    args = ["--no-real", "--no-cli", "--cases", "5", "--passages", "10", "--rounds", "1"]
    assert bench.main([*args, "--random-starts", "2", "--pause-ms", "1"]) == 0
    out = capsys.readouterr().out
    assert "syntetisk (5 grep + 10 avsnitt)" in out and "vår/FTS5" in out
    assert "første gang p99" in out and "gjentatt    p99" in out
    assert "ny prosess, uten oppvarming, som `kb search` (3 prosesser)" in out
    assert "ny prosess, åpnet og varmet opp, som `kb serve`" in out and "+ varme opp " in out
    assert (
        "× samme søk der det ikke var først" in out
        and "etter oppdatering av ett grep, 6 søk" in out
    )
    assert "veggtid, gammel måte: " in out and "prosessortid, som tjenesten: refresh()" in out
    assert "største, prosessortid: " in out
    assert out.count("2 prosesser til, hver med et tilfeldig trukket første søk:") == 3
    assert "hvert søk (også det første) 1 ms etter det forrige" in out
    assert "første / samme søk i de andre prosessene: median " in out
    assert "gjentatt som tjenesten svarer (resultatbufferet på): p50 " in out
    assert "belastning " in out
    assert ("vår/tantivy" in out) == bench.tantivy_ceiling.available()


BENCH_DOCS = [  # id, title, text: the judged words in a few shapes
    ("a", "Kommunal bolig", "Leie til eie for barnefamilier i kommunen."),
    ("b", "Startlån", "Startlån og bostøtte gir bolig til flere."),
    ("c", "Barnefattigdom", "Fattigdom blant barn i kommunale boliger."),
    ("d", "Tjenestedesign", "Samarbeid mellom NAV og kommunen om bosetting av flyktninger."),
]


@pytest.mark.parametrize(
    "query", ["bolig", "kommunal bolig", '"leie til eie"', "barnefattigdom", "nav kommune"]
)
def test_tantivy_ceiling_finds_what_fts5_finds(query, analysis, tmp_path):
    """The ceiling indexes the same analysed terms and asks the same expression as FTS5."""
    pytest.importorskip("tantivy")
    bench = bench_module("bench_search")
    f = schema
    docs = [
        {f.ID_FIELD: i, f.KIND: "case", f.TITLE: t, f.SUMMARY: "", f.TAGS: "", f.TEXT_FIELD: x}
        for i, t, x in BENCH_DOCS
    ]
    rows = bench.analysed(docs, analysis)
    db, _ = bench.build_fts(rows, tmp_path / "fts.db")
    index, _ = bench.tantivy_ceiling.build_tantivy(rows, bench.FTS_COLUMNS, tmp_path / "tv")
    expression = lambda q: bench.fts_match(q, analysis)  # noqa: E731
    fts_top, (fts_total,) = bench.fts_search(db, analysis)(query)
    tv_top, tv_total = bench.tantivy_ceiling.tantivy_search(index, bench.FTS_COLUMNS, expression)(
        query
    )
    db.close()
    assert fts_total > 0 and tv_total == fts_total
    assert sorted(tv_top) == sorted(fts_top)  # ids and the stored text's first 200 characters


def test_the_index_stores_its_analysis_and_is_opened_with_it(index_dir, corpus):
    """The inputs are a file in the index; Whoosh's pickled schema only names them by key."""
    assert (index_dir / ANALYSIS_FILE).exists()
    stored = NorwegianAnalysis.load(index_dir)
    assert stored.key == NorwegianAnalysis.from_content(corpus).key
    assert "statsforvalteren" in stored.inputs.domain and stored.inputs.synonyms
    assert stored.compound_parts("barnefattigdom") == ["barn", "fattigdom"]
    pickled = index.open_dir(str(index_dir)).schema[schema.TEXT_FIELD].analyzer
    with pytest.raises(RuntimeError, match=stored.key):
        list(pickled("barnefattigdom"))
    ix, analysis = schema.open_index(index_dir)
    terms = [t.text for t in ix.schema[schema.TEXT_FIELD].analyzer("barnefattigdom")]
    assert analysis.key == stored.key and terms == ["barnefattigdom", "barn", "fattigdom"]


def add_own_words(root: Path) -> None:
    """A synonym group and a vocabulary word that only this content folder has, and a case
    that uses the word in a compound."""
    synonyms = root / "vocabulary" / "synonymer.yaml"
    synonyms.write_text(
        synonyms.read_text(encoding="utf-8") + "  - [qzxwv, startlån]\n", encoding="utf-8"
    )
    themes = root / "vocabulary" / "themes.yaml"
    themes.write_text(
        themes.read_text(encoding="utf-8")
        + "  - id: gnurk\n    label: Gnurk\n    description: Et ord bare denne kopien kjenner.\n",
        encoding="utf-8",
    )
    case = root / "grep" / "bergen-bustad.md"
    case.write_text(
        case.read_text(encoding="utf-8") + "\nKommunen kjøpte også ei gnurkbustad.\n",
        encoding="utf-8",
    )


def test_a_content_copy_is_indexed_with_its_own_vocabularies_and_synonyms(corpus, tmp_path):
    """Its compound words and synonyms come from the copy, not from the repository's content."""
    root = copy_corpus(corpus, tmp_path)
    add_own_words(root)
    build_index(load_content(root), tmp_path / "copy", passages={})
    build_index(load_content(corpus), tmp_path / "original", passages={})
    copy, original = open_searcher(tmp_path / "copy"), open_searcher(tmp_path / "original")
    assert copy.analysis.compound_parts("gnurkbustad") == ["gnurk", "bustad"]
    assert original.analysis.compound_parts("gnurkbustad") == []
    assert [h["id"] for h in copy.search("gnurk")["hits"]] == ["bergen-bustad"]
    startlan = {h["id"] for h in copy.search("startlån")["hits"]}
    assert startlan and {h["id"] for h in copy.search("qzxwv")["hits"]} == startlan
    assert original.search("qzxwv")["total"] == 0
    assert "qzxwv" not in {h["id"] for h in original.search("startlån")["hits"]}


def test_absurdly_long_words_are_indexed_whole_without_splitting(corpus, tmp_path):
    """`bolig` 1 000 times as one word, and a 2 000 000-letter word: the build goes on."""
    root = copy_corpus(corpus, tmp_path)
    case = root / "grep" / "bergen-bustad.md"
    text = case.read_text(encoding="utf-8")
    long_words = ["bolig" * 1000, "a" * 2_000_000, "bolig" * 20]
    case.write_text(text + "\n" + " og ".join(long_words) + "\n", "utf-8")
    stats = build_index(load_content(root), tmp_path / "index", passages={})
    assert stats.cases == 3 and stats.problems == []
    searcher = open_searcher(tmp_path / "index")
    assert "bergen-bustad" in {h["id"] for h in searcher.search("bustad")["hits"]}
    assert searcher.planner.has_term(searcher.analysis.stem("bolig" * 1000))
    assert searcher.search("bolig" * 20)["total"] == 1
    assert searcher.search("bolig" * 19 + "bolit")["total"] == 0  # too long to match fuzzily
