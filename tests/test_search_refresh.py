"""After an update or a rebuild, Searcher.refresh() opens and warms the next version beside the
searches, which answer from the version in use until it is installed at once: no search waits
for the reload or the warm-up, and the results then equal a searcher opened from scratch."""

from __future__ import annotations

import threading

from conftest import live_copy

from indexer.build import update_case
from kb.search import planner
from kb.search import schema as f
from kb.search import searcher as searcher_module
from kb.search.searcher import SORTS, open_searcher

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


def test_searches_answer_from_the_old_version_while_the_next_one_warms(
    corpus, tmp_path, monkeypatch
):
    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.warm()
    assert searcher.search("hytte")["total"] == 0
    old_generation = searcher._searcher.reader().generation()
    updated(root, live)

    warming, release = threading.Event(), threading.Event()
    warmed = searcher_module._warmed

    def held(*args, **kwargs):  # the refresh stops once the next version is warm
        warmed(*args, **kwargs)
        warming.set()
        assert release.wait(60)

    monkeypatch.setattr(searcher_module, "_warmed", held)
    refresh = threading.Thread(target=searcher.refresh)
    refresh.start()
    try:
        assert warming.wait(60)
        during = searcher.search("hytte", limit=11)  # not remembered: limit 10 was asked
        assert refresh.is_alive()  # the search did not wait for the refresh
        assert during["total"] == 0
        assert searcher._searcher.reader().generation() == old_generation
    finally:
        release.set()
        refresh.join(60)
    assert CASE in ids(searcher.search("hytte", limit=12))
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


def test_with_background_refresh_a_search_never_reloads(corpus, tmp_path):
    """In `kb serve` a thread calls refresh(); the requests do not reload the index themselves
    (they would pay for it) but answer from the version in use until refresh() replaced it."""
    root, live, searcher = live_copy(corpus, tmp_path)
    searcher.background_refresh = True
    updated(root, live)
    assert searcher.search("hytte")["total"] == 0
    assert searcher.refresh() is True
    assert CASE in ids(searcher.search("hytte"))
    searcher.close()


def test_without_a_refresher_a_search_reloads_after_an_update(corpus, tmp_path):
    """`kb search` and the tests have no refresh thread: the search sees the update itself."""
    root, live, searcher = live_copy(corpus, tmp_path)
    assert searcher.search("hytte")["total"] == 0
    updated(root, live)
    assert CASE in ids(searcher.search("hytte"))
    searcher.close()
