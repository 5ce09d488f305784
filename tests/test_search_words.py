"""The snippet fields' word tables (kb.search.words) give the snippets and «treff på» that the
scan of the texts gives: over the real index, on hostile texts, after a one-case update, and
not at all when they belong to another analysis (the scan answers instead)."""

from __future__ import annotations

import html
import json
import shutil

import pytest
from conftest import live_copy
from webtools import real_index

from indexer.build import update_case
from kb.search import snippets, words, wordstore
from kb.search.query import parse
from kb.search.searcher import open_searcher

QUERIES = ("bosetting av flyktninger", "bolig husvære", "flyktning busetjing", "barnefattigdom")
QUERIES += ("samordning tjenester 2015", "nav kommunen")
LONG = "bolig " * 497 + "busetjingsarbeid og flyktningar"  # a word cut at ALSO_CHARS
HOSTILE = (
    "",
    "   \t\n ",
    "İSTANBUL-bolig for flyktninger: lower() lengthens İ",
    "ΟΔΟΣ bolig ΣΟΦΙΑ: a capital sigma lowers by its neighbours",
    "ſtartlån, BOLIG og \u212abolig (long s, Kelvin sign)",
    "bolig\u0301 busetjing\u0308 e\u0301 flyktninge\u0300r: combining marks split words",
    "Bustad\u00a0og\u2003bolig\r\nfor flyktningar, 2.1 prosent (kap:3) 1,5 barn",
    "bolig" * 30 + " " + "flyktning" * 20 + " startlån",  # longer than the analysis caches
    "x" + "bolig" * 14000 + " bolig",  # a word longer than 65 535 characters
    "日本語 bolig 🏠 flyktninger ÆØÅ æøå Ærlig Øvre",
    "<b>bolig</b> & flyktninger > 2 <script>busetjing</script> &amp;",
    LONG,
    LONG.replace("bolig ", "hus ", 400) + "heimetenesta",
)


def terms_of(searcher, query: str) -> set[str]:
    """The terms a search for the query marks (the ranking's)."""
    plan = searcher.planner.plan(parse(query, searcher.analysis, 500))
    return set(searcher.engine.rank(plan.needs, searcher.engine.live.copy(), every=False).terms)


def same_as_scan(stored: dict, terms: set[str], analysis, marks) -> bool:
    """The snippet and the «også» words, from the tables and by the scan, compared."""
    scanned = (
        snippets.snippet(stored, terms, analysis),
        snippets.also_words(stored, terms, analysis),
    )
    tabled = snippets.snippet(stored, terms, analysis, marks)
    return scanned == (tabled, snippets.also_words(stored, terms, analysis, marks))


@pytest.fixture(scope="module")
def real():
    searcher = open_searcher(real_index())
    yield searcher
    searcher.close()


def test_tables_give_the_scans_snippets_over_the_real_index(real):
    reader = real._searcher.reader()
    stored = [reader.stored_fields(d) for d in range(reader.doc_count_all())]
    marks = [real.words.doc(d) for d in range(len(stored))]
    assert all(m is not None for m in marks)
    served = sum(m.spans(name, {"x"}) is not None for m in marks for name in words.FIELDS)
    assert served > 0.99 * len(marks) * len(words.FIELDS)  # the scan only for odd texts
    for query in QUERIES:
        terms = terms_of(real, query)
        for fields, m in zip(stored, marks, strict=True):
            assert same_as_scan(fields, terms, real.analysis, m), (query, fields["id"])


def test_a_pages_marks_equal_each_documents_own(real):
    """Words.page marks a page's documents together; every document of the real index, in
    pages of 20 and of 7 (shuffled), gets the words doc() marks for it alone."""
    size = real._searcher.reader().doc_count_all()
    order = list(range(size))
    order = order[::3] + order[1::3] + order[2::3]
    for query, width in ((QUERIES[0], 20), (QUERIES[1], 7), (QUERIES[4], 20)):
        terms = terms_of(real, query)
        for start in range(0, size, width):
            docs = order[start : start + width]
            for doc, together in zip(docs, real.words.page(docs), strict=True):
                alone = real.words.doc(doc)
                for name in words.FIELDS:
                    assert together.also(name, terms) == alone.also(name, terms)
                    assert together.spans(name, terms) == alone.spans(name, terms), (doc, name)


class Segment:
    """A segment of stored documents, as compute() reads one."""

    def __init__(self, docs: list[dict]):
        self.docs = docs

    def doc_count_all(self) -> int:
        return len(self.docs)

    def is_deleted(self, doc: int) -> bool:
        return False

    def stored_fields(self, doc: int) -> dict:
        return self.docs[doc]


def test_tables_give_the_scans_snippets_on_hostile_texts(analysis):
    docs = [{"title": t, "summary": t[::-1], "text": t * 2, "repaired": t} for t in HOSTILE]
    docs.append({"title": LONG, "text": LONG.upper()})
    arrays, vocabulary = wordstore.compute(Segment(docs), analysis)
    segment = words.SegmentWords(arrays, vocabulary)
    flags = arrays["flags"].reshape(len(docs), -1)
    assert not flags[2:4].any()  # İ and Σ: scanned
    assert flags[4:].all()  # the others come from the tables
    assert (arrays["also"][:, 1] >= 0).sum() >= 3  # and three have a word cut at ALSO_CHARS
    queries = ("bolig flyktninger", "busetjing startlån", "heimetenesta 2.1", "prosent 1,5")
    for query in (*queries, "Øvre ærlig", "kap:3 bustad"):
        terms = {form for word in query.split() for form in analysis.forms(word)}
        for doc, fields in enumerate(docs):
            marks = words.DocWords(segment, doc)
            assert same_as_scan(fields, terms, analysis, marks), (query, doc)


class Renamed:
    """An analysis by which a word gives a form it does not start with (as a synonym would):
    the scan, which looks for the forms' first letters, never marks it."""

    def __init__(self, analysis):
        self.analysis = analysis

    def forms(self, word: str) -> frozenset[str]:
        extra = {"bolig"} if word.lower() == "husvære" else set()
        return self.analysis.forms(word) | extra


@pytest.mark.parametrize("text", ["<b>bolig</b> & <i>x</i> > bolig", "bolig og bolig", "bolig"])
def test_fragments_are_escaped_as_piece_by_piece(text):
    spans = [m.span() for m in snippets.WORD.finditer(text) if m.group() == "bolig"]
    fragment, _ = snippets._fragment(text, spans, 0)
    expected = ""
    pos = 0
    for a, b in spans:
        expected += html.escape(text[pos:a], quote=False)
        expected += f"<mark>{html.escape(text[a:b], quote=False)}</mark>"
        pos = b
    assert fragment == expected + html.escape(text[pos:], quote=False)


def test_a_text_whose_word_gives_a_form_it_does_not_start_with_is_scanned(analysis):
    renamed, docs = Renamed(analysis), [{"text": "Husvære og bolig"}, {"text": "bolig"}]
    arrays, vocabulary = wordstore.compute(Segment(docs), renamed)
    assert arrays["flags"].reshape(2, -1)[:, 0].tolist() == [0, words.EXACT]
    segment = words.SegmentWords(arrays, vocabulary)
    for doc, fields in enumerate(docs):
        assert same_as_scan(fields, {"bolig"}, renamed, words.DocWords(segment, doc))


def test_a_one_case_update_stores_the_new_segments_tables(corpus, tmp_path):
    root, live, searcher = live_copy(corpus, tmp_path)
    path = root / "grep" / "lillehammer-startlan.md"
    text = path.read_text(encoding="utf-8")
    for old, word in (("bolig", "husvære"), ("husvære", "hytte")):
        path.write_text(text.replace("kjøper bolig med", f"kjøper {word} med"), encoding="utf-8")
        assert update_case(live, path, root) == ("oppdatert", [])
        hit = searcher.search(word, kind="case")["hits"][0]
        assert f"<mark>{word}</mark>" in hit["snippet"]
        assert not searcher.search(old, kind="case")["total"] or old == "bolig"
    reader = searcher._searcher.reader()
    folders = {f"{sub.segment().segment_id()}-{words.FORMAT}" for sub, _ in reader.leaf_readers()}
    assert {p.name for p in (live / words.WORDS_DIR).iterdir()} == folders  # merged: removed
    for folder in folders:
        meta = json.loads((live / words.WORDS_DIR / folder / "meta.json").read_text("utf-8"))
        assert meta["analysis"] == searcher.analysis.key  # the index's, not the content's
    term_sets = [terms_of(searcher, q) for q in ("hytte", "bolig flyktninger", "startlån")]
    for d in range(reader.doc_count_all()):
        if not reader.is_deleted(d):
            stored, marks = reader.stored_fields(d), searcher.words.doc(d)
            assert marks is not None
            for terms in term_sets:
                assert same_as_scan(stored, terms, searcher.analysis, marks)
    searcher.close()


def test_tables_of_another_analysis_or_none_leave_the_scan(index_dir, tmp_path):
    queries = ("bolig", "startlån flyktninger", "bustad", "barnefattigdom")
    with _opened(index_dir) as searcher:
        expected = [strip(searcher.search(q)) for q in queries]
        assert searcher.words.doc(0) is not None
    other = tmp_path / "other"
    shutil.copytree(index_dir, other)
    for meta in (other / words.WORDS_DIR).glob("*/meta.json"):
        data = json.loads(meta.read_text("utf-8"))
        meta.write_text(json.dumps({**data, "analysis": "another"}), "utf-8")
    with _opened(other) as searcher:
        assert searcher.words.doc(0) is None  # a rebuild with other vocabularies: not used
        assert [strip(searcher.search(q)) for q in queries] == expected
    shutil.rmtree(other / words.WORDS_DIR)  # an index built before the tables
    with _opened(other) as searcher:
        assert searcher.words.doc(0) is None
        assert [strip(searcher.search(q)) for q in queries] == expected


class _opened:
    """A searcher over a folder, closed after the block."""

    def __init__(self, folder):
        self.searcher = open_searcher(folder)

    def __enter__(self):
        return self.searcher

    def __exit__(self, *exc):
        self.searcher.close()


def strip(result: dict) -> dict:
    """A result without its timing."""
    return {k: v for k, v in result.items() if k != "took_ms"}
