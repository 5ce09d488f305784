"""Build steps whose results the build cache keeps besides the documents' analysis: the
analysis inputs (so wordfreq's list is not loaded when the vocabularies have not changed) and
each source file's passages and outline. Keys hash the inputs and the code that reads them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from indexer.analysis_cache import ROOT, AnalysisCache, code_fingerprint
from kb.content.model import Passage
from kb.search.analysis import AnalysisInputs, NorwegianAnalysis, fingerprint

INPUT_CODE = (
    "kb/search/analysis.py",
    "kb/search/synonyms.py",
    "kb/search/lexicon.py",
    "kb/content/vocab.py",
)


@lru_cache(maxsize=1)
def extraction_code() -> str:
    """A hash of the extraction code: every module of indexer/, the lexicon and the model."""
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "indexer").rglob("*.py"))
    files += ["kb/search/lexicon.py", "kb/content/model.py"]
    return code_fingerprint(files, metadata.version("wordfreq"))


def analysis_for(content_root: Path, cache: AnalysisCache | None) -> NorwegianAnalysis:
    """The analysis of a content folder, its inputs from the cache when nothing changed."""
    if cache is None or not cache.readable():
        return NorwegianAnalysis.from_content(content_root)
    h = hashlib.sha256(code_fingerprint(INPUT_CODE, metadata.version("wordfreq")).encode())
    folder = Path(content_root) / "vocabulary"
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
        h.update(path.read_bytes())
    key = "inputs:" + h.hexdigest()
    blob = cache.get_blob(key)
    if blob is not None:
        try:
            text = blob.decode("utf-8")
            return NorwegianAnalysis(AnalysisInputs.from_json(json.loads(text)), fingerprint(text))
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # a damaged entry: read the inputs again
    analysis = NorwegianAnalysis.from_content(content_root)
    cache.put_blob(key, analysis.inputs.to_text().encode("utf-8"))
    return analysis


def extraction_key(path: Path, source_id: str, sha256: str, fmt: str | None, limits: tuple) -> str:
    """The key of one source file's extraction."""
    facts = [extraction_code(), source_id, sha256, fmt, Path(path).suffix.lower(), *limits]
    return "passages:" + hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def load_extraction(cache: AnalysisCache, key: str) -> tuple[list[Passage], list[dict]] | None:
    """The passages and outline entries stored under key, or None."""
    blob = cache.get_blob(key)
    if blob is None:
        return None
    try:
        rows, entries = json.loads(blob.decode("utf-8"))
        passages = [
            Passage(**{**r, "lines": _pair(r["lines"]), "pages": _pair(r["pages"])}) for r in rows
        ]
    except (ValueError, KeyError, TypeError):
        return None
    return passages, entries


def save_extraction(cache: AnalysisCache, key: str, passages: list[Passage], entries) -> None:
    """Store one source file's passages and outline entries."""
    rows = [dataclasses.asdict(p) for p in passages]
    cache.put_blob(key, json.dumps([rows, entries], ensure_ascii=False).encode("utf-8"))


def _pair(value) -> tuple | None:
    return tuple(value) if value is not None else None


def extract(
    cache: AnalysisCache | None,
    path: Path,
    source_id: str,
    sha256: str,
    fmt: str | None,
    *,
    max_pages: int,
    max_seconds: float,
) -> tuple[list[Passage], list[dict]]:
    """indexer.sources.extract_document, from the cache when the file and the code are the same."""
    from indexer.sources import extract_document

    limits = {"max_pages": max_pages, "max_seconds": max_seconds}
    if cache is None or not cache.readable():
        return extract_document(path, source_id, sha256, fmt, **limits)
    key = extraction_key(path, source_id, sha256, fmt, (max_pages, max_seconds))
    found = load_extraction(cache, key)
    if found is None:
        found = extract_document(path, source_id, sha256, fmt, **limits)
        save_extraction(cache, key, *found)
    return found
