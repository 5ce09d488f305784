"""After an update or a rebuild, Searcher.refresh() opens and warms the next version and installs
it at once; the searches after it pay for neither, and the results equal a searcher opened from
scratch. In the service (background_refresh) a search that finds the files changed first waits
for that version instead of answering from the old one, so results never go back."""

from __future__ import annotations

import threading

import numpy as np
from conftest import live_copy

from indexer.build import update_case
from kb.search import planner, warmup
from kb.search import schema as f
from kb.search import searcher as searcher_module
from kb.search.facets import SORTS
from kb.search.searcher import open_searcher

CASE = "lillehammer-startlan"
QUERIES = ("bolig", "startlån flyktninger", "bustad", "barnefattigdom", "boilg", "hytte")


def strip(result: dict) -> dict:
    """A result without its timing."""
    return {k: v for k, v in result.items() if k != "took_ms"}


def ids(result: dict) -> list[str]:
    return [h["id"] for h in result["hits"]]


def updated(root, live) -> None:
    """The case now says «hytte», a word no other document has."""
    path = root / "grep" / f"{CASE}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kjøper bolig med", "kjøper hytte med", 1), "utf-8")
    assert update_case(live, path, root) == ("oppdatert", [])


def test_a_search_waits_for_the_version_refresh_is_warming_not_the_old_one(
    corpus, tmp_path, monkeypatch
):
    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.background_refresh = True
    searcher.warm()
    assert searcher.search("hytte")["total"] == 0
    updated(root, live)

    warming, release = threading.Event(), threading.Event()
    warmed = warmup.warmed

    def held(*args, **kwargs):  # the refresh stops once the next version is warm
        warmed(*args, **kwargs)
        warming.set()
        assert release.wait(60)

    monkeypatch.setattr(warmup, "warmed", held)
    refresh = threading.Thread(target=searcher.refresh)
    refresh.start()
    during: list[dict] = []
    search = threading.Thread(target=lambda: during.append(searcher.search("hytte", limit=11)))
    try:
        assert warming.wait(60)
        search.start()
        search.join(1.0)
        assert search.is_alive() and during == []  # it waits: the old version would say 0
    finally:
        release.set()
        refresh.join(60)
        search.join(60)
    assert CASE in ids(during[0])
    fresh = open_searcher(live)
    for q in QUERIES:
        assert strip(searcher.search(q)) == strip(fresh.search(q)), q
    fresh.close(), searcher.close()


def test_after_refresh_the_next_search_reads_no_terms_again(corpus, tmp_path, monkeypatch):
    """refresh() has read the new segment's terms, the sort orders and one search's postings
    before the version answers: the next search (a typo: the dictionary and the stems) reads
    none of the terms."""
    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.warm()
    updated(root, live)
    assert searcher.refresh() is True
    assert searcher.planner._dictionary is not None
    assert set(searcher.engine._lexicons) == set(f.SEARCHED)
    assert set(searcher.facets._orders) == set(SORTS[1:])
    read = []
    words = planner.spelling_words
    monkeypatch.setattr(planner, "spelling_words", lambda sub: read.append(sub) or words(sub))
    result = searcher.search("hyte")  # «Mente du hytte?»
    assert read == [] and result["suggestion"] == "hytte"
    assert searcher.refresh() is False  # nothing changed since
    searcher.close()


def test_with_background_refresh_a_search_before_the_refresh_sees_the_update(corpus, tmp_path):
    """In `kb serve` a thread calls refresh(); a request that comes first opens the new version
    itself rather than answer from the old one (another worker may already show the new)."""
    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.background_refresh = True
    updated(root, live)
    assert CASE in ids(searcher.search("hytte"))
    assert searcher.refresh() is True  # not warmed yet: refresh() warms it
    assert searcher.refresh() is False
    assert CASE in ids(searcher.search("hytte"))
    searcher.close()


def test_without_a_refresher_a_search_reloads_after_an_update(corpus, tmp_path):
    """`kb search` and the tests have no refresh thread: the search sees the update itself.
    What the searches kept per reader (the planner's has_term answers, before the warm-up
    from the terms files; the engine's term scores, title-or-summary masks and clauses'
    matches) is the new reader's: the answers equal a searcher's opened from scratch, and so
    do the engine's stems after the warm-up."""
    root, live, searcher = live_copy(corpus, tmp_path)
    assert searcher.search("hytte")["total"] == 0
    for q in QUERIES:
        searcher.search(q)
    bolig = searcher.analysis.stem("bolig")
    kept = searcher.engine._scores[bolig]
    kept_head = searcher.engine.in_head(bolig)
    need = searcher.planner.plan(searcher_module.parse("bolig", searcher.analysis, 500)).needs[0]
    kept_match = searcher.engine.need_match(need)
    assert searcher.engine.in_head(bolig) is kept_head  # kept for the reader
    assert searcher.planner._has.get("hytt") is False
    updated(root, live)  # the case has «hytte» where it had «bolig»
    assert CASE in ids(searcher.search("hytte"))
    assert searcher.planner.has_term("hytt") and searcher.engine.term_scores("hytt").any()
    fresh = open_searcher(live)
    now = searcher.engine.term_scores(bolig)
    assert now is not kept and np.array_equal(now, fresh.engine.term_scores(bolig))
    now_head = searcher.engine.in_head(bolig)
    assert now_head is not kept_head and np.array_equal(now_head, fresh.engine.in_head(bolig))
    now_match, fresh_match = searcher.engine.need_match(need), fresh.engine.need_match(need)
    assert now_match is not kept_match and len(now_match.scores) != len(kept_match.scores)
    assert np.array_equal(now_match.scores, fresh_match.scores)
    for q in (*QUERIES, "hytte bolig"):
        assert strip(searcher.search(q)) == strip(fresh.search(q)), q
    searcher.warm()  # the planner now asks the engine's stems (patched after the update)
    assert searcher.engine.knows("hytt") is True and searcher.engine.knows("hytq") is False
    fresh.close(), searcher.close()


def test_a_warm_searcher_reads_no_stored_fields_on_its_first_page(corpus, tmp_path, monkeypatch):
    """warm() keeps the stored fields of the documents (cases first, up to half the cache) and
    forgets the results of its own searches: a visitor's first page reads no stored fields, a
    warm-up query is answered as a new one, and both equal a searcher opened from scratch."""
    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.warm()
    assert searcher._results == {}
    stored, fields = [], searcher._searcher.stored_fields
    monkeypatch.setattr(
        searcher._searcher, "stored_fields", lambda d: stored.append(d) or fields(d)
    )
    fresh = open_searcher(live)
    for q in ("bolig kommunen", warmup.WARM_QUERIES[1]):
        assert strip(searcher.search(q, limit=20)) == strip(fresh.search(q, limit=20)), q
    assert stored == []
    fresh.close(), searcher.close()
