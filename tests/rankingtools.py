"""A small real index of the test cases plus report passages with given texts, for ranking tests."""

from __future__ import annotations

from pathlib import Path

from indexer.build import build_index
from kb.content.loader import load_content
from kb.content.model import Passage
from kb.search.searcher import Searcher, open_searcher

SHA = "8b0cc11edac6f64f1f75a4d5c19270486c3317ed01010b02290c75f9bdc97f88"  # tests/fixtures/seeds


def passage(n: int, text: str) -> Passage:
    return Passage("testkilde", SHA, "3.1", "Funn", text, (20 + 3 * n, 21 + 3 * n), None, "", n)


def searcher_over(corpus: Path, folder: Path, texts: list[str]) -> Searcher:
    """A searcher over the corpus's cases and one passage of «testkilde» per text, in order."""
    passages = {"testkilde": [passage(n, t) for n, t in enumerate(texts)]}
    build_index(load_content(corpus), folder, passages=passages)
    return open_searcher(folder)


def ids(result: dict) -> list[str]:
    return [h["id"] for h in result["hits"]]
