"""Shared fixtures: a tiny content root built from the real vocabularies and register."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five real reports; tests that need them skip on a clone without ../shared/seeds."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds finnes ikke her: testene på de ekte rapportene hoppes over")
    return SEEDS


def make_root(base: Path) -> Path:
    """A content root with the real vocabularies and register and the test source registry."""
    root = base / "content"
    shutil.copytree(CONTENT / "vocabulary", root / "vocabulary")
    shutil.copytree(CONTENT / "registers", root / "registers")
    shutil.copytree(FIXTURES / "sources", root / "sources")
    (root / "grep").mkdir()
    return root


@pytest.fixture(scope="session")
def analysis():
    """The Norwegian analysis of the bundled content, as `kb index` would build it."""
    from kb.search.analysis import NorwegianAnalysis

    return NorwegianAnalysis.from_content(CONTENT)


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """An empty content root (no cases) that knows the test source `testkilde`."""
    return make_root(tmp_path)


@pytest.fixture
def test_sources() -> tuple[Path, ...]:
    """The folder holding the test source's text file."""
    return (FIXTURES / "seeds",)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """A content root with three tiny cases (one nynorsk) and the text source `testkilde`."""
    root = make_root(tmp_path_factory.mktemp("corpus"))
    for case in sorted((FIXTURES / "search").glob("*.md")):
        shutil.copy(case, root / "grep" / case.name)
    return root


@pytest.fixture(scope="session")
def index_dir(corpus: Path, tmp_path_factory) -> Path:
    """A real search index built from `corpus` (read-only: copy it before changing it)."""
    from indexer.build import build_index
    from kb.content.loader import load_content

    folder = tmp_path_factory.mktemp("index") / "index"
    build_index(load_content(corpus, source_dirs=(FIXTURES / "seeds",)), folder)
    return folder


@pytest.fixture
def app(corpus: Path, index_dir: Path):
    """The web app on the small corpus and its index, in testing mode."""
    from webtools import make_app

    return make_app(corpus, index_dir)


@pytest.fixture
def runner():
    """A click test runner for the `kb` command (stdout and stderr kept apart)."""
    from click.testing import CliRunner

    return CliRunner()


@pytest.fixture
def client(app):
    """A Flask test client for the app."""
    return app.test_client()


def live_copy(corpus: Path, base: Path):
    """(content root, index folder, searcher) over a copy of the corpus that a test may edit."""
    from indexer.build import build_index
    from kb.content.loader import load_content
    from kb.search.searcher import open_searcher

    root = base / "content"
    shutil.copytree(corpus, root)
    live = base / "index"
    build_index(load_content(root, source_dirs=(FIXTURES / "seeds",)), live)
    return root, live, open_searcher(live)
