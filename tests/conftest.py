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


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """An empty content root (no cases) that knows the test source `testkilde`."""
    return make_root(tmp_path)


@pytest.fixture
def test_sources() -> tuple[Path, ...]:
    """The folder holding the test source's text file."""
    return (FIXTURES / "seeds",)
