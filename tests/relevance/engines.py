"""Our engine and three baselines over the same documents (cases and report passages), built once.

- ours: kb.search.Searcher over indexer.build's index (Norwegian analysis, synonyms, OCR repair).
- whoosh-standard: indexer.baseline (StandardAnalyzer; AND, then OR when AND finds nothing).
- whoosh-snowball: the same, with Whoosh's LanguageAnalyzer("no") (Snowball stemmer, stop words).
- fts5: SQLite FTS5, porter over unicode61 (æ/ø/å kept), Norwegian stop words dropped from the
  query, OR of the terms ranked by bm25 with our field boosts.

The baselines index the text as written (no OCR-repaired words). Every engine answers with
document keys: `case:<id>` or `passage:<source>:<first line>-<last line>`.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import TEXT
from whoosh.lang import stopwords_for_language

from indexer.baseline import BaselineSearcher, build_baseline
from indexer.build import build_index, collect_passages, documents
from indexer.progress import NullProgress
from kb.content.loader import load_content
from kb.content.model import Passage
from kb.search import schema as f
from kb.search.searcher import Searcher

ROOT = Path(__file__).resolve().parents[2]
TOP = 10
ENGINES = ("ours", "whoosh-standard", "whoosh-snowball", "fts5")
FTS_COLUMNS = (f.TITLE, f.SUMMARY, f.TAGS, f.TEXT_FIELD)
STOP_WORDS = frozenset(stopwords_for_language("no"))

Search = Callable[[str], list[str]]


@dataclass(frozen=True)
class Corpus:
    """The content, the report passages and the index documents, with a key for each document."""

    content: object
    passages: dict[str, list[Passage]]
    docs: list[dict]
    key_of: dict[str, str]  # index id -> document key


def passage_key(p: Passage) -> str:
    """`passage:<source>:<first>-<last>` (the index id when a passage has no lines)."""
    return f"passage:{p.source}:{p.lines[0]}-{p.lines[1]}" if p.lines else f"passage:{p.id}"


def load_corpus(seeds: Path) -> Corpus:
    """Read the cases and cut the reports into passages, as indexer.build does."""
    content = load_content(ROOT / "content", source_dirs=(seeds,))
    passages = collect_passages(content, (seeds,), NullProgress(), [])
    key_of = {case_id: f"case:{case_id}" for case_id in content.cases}
    key_of |= {p.id: passage_key(p) for ps in passages.values() for p in ps}
    return Corpus(content, passages, list(documents(content, passages)), key_of)


def our_searcher(corpus: Corpus, folder: Path) -> Searcher:
    """Our engine over the corpus in folder, built there unless a built index is there already."""
    if not (folder / "kb_analysis.json").exists():
        build_index(corpus.content, folder, passages=corpus.passages)
    return Searcher(folder)


def build_engines(corpus: Corpus, base: Path, depth: int = TOP) -> dict[str, Search]:
    """Build every engine's index under base; {name: query -> top `depth` document keys}."""
    build_index(corpus.content, base / "ours", passages=corpus.passages)
    build_baseline(corpus.docs, base / "standard")
    build_whoosh(corpus.docs, base / "snowball", lambda: LanguageAnalyzer("no"))
    db = build_fts(corpus.docs, base / "fts.db")
    ours = Searcher(base / "ours")
    standard, snowball = BaselineSearcher(base / "standard"), BaselineSearcher(base / "snowball")

    def keys(ids: list[str]) -> list[str]:
        return [corpus.key_of[i] for i in ids if i in corpus.key_of]

    return {
        "ours": lambda q: keys([h["id"] for h in ours.search(q, limit=depth)["hits"]]),
        "whoosh-standard": lambda q: keys(standard.search_ids(q, depth)),
        "whoosh-snowball": lambda q: keys(snowball.search_ids(q, depth)),
        "fts5": lambda q: keys(fts_ids(db, q, depth)),
    }


def rank_all(
    queries: list[str], seeds: Path, depth: int = TOP
) -> tuple[dict[str, dict[str, list[str]]], Corpus]:
    """{query: {engine: top `depth` keys}} from one build of every engine, and the corpus."""
    corpus = load_corpus(seeds)
    with tempfile.TemporaryDirectory() as tmp:
        engines = build_engines(corpus, Path(tmp), depth)
        tops = {q: {name: search(q) for name, search in engines.items()} for q in queries}
    return tops, corpus


def build_whoosh(docs: list[dict], folder: Path, make_analyzer: Callable) -> None:
    """A Whoosh index of the documents as written, every searched field with the analyzer."""
    schema = f.schema_with(make_analyzer())
    for name, boost in f.SEARCHED.items():
        schema.remove(name)
        schema.add(name, TEXT(analyzer=make_analyzer(), stored=True, field_boost=boost))
    folder.mkdir(parents=True, exist_ok=True)
    with index.create_in(str(folder), schema).writer(limitmb=256) as writer:
        for doc in docs:
            plain = {k: v for k, v in doc.items() if not k.startswith("_stored_")}
            plain[f.TEXT_FIELD] = written_text(doc)
            writer.add_document(**plain)


def written_text(doc: dict) -> str:
    """The text as written (a passage's index text also holds OCR-repaired words)."""
    return doc.get("_stored_" + f.TEXT_FIELD, doc[f.TEXT_FIELD])


def build_fts(docs: list[dict], path: Path) -> sqlite3.Connection:
    """An FTS5 table of the same documents (porter over unicode61, æ/ø/å kept)."""
    db = sqlite3.connect(path, check_same_thread=False)
    cols = ", ".join(FTS_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, {cols}, "
        "tokenize='porter unicode61 remove_diacritics 0')"
    )
    rows = []
    for d in docs:
        values = {**{c: d.get(c) or "" for c in FTS_COLUMNS}, f.TEXT_FIELD: written_text(d)}
        rows.append((d[f.ID_FIELD], *(values[c] for c in FTS_COLUMNS)))
    db.executemany(f"INSERT INTO docs VALUES (?, {', '.join('?' * len(FTS_COLUMNS))})", rows)
    db.commit()
    return db


def fts_ids(db: sqlite3.Connection, query: str, limit: int = TOP) -> list[str]:
    """Top ids for any of the query's words (stop words dropped), by bm25 with our boosts."""
    words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOP_WORDS]
    if not words:
        return []
    match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
    weights = ", ".join(str(f.SEARCHED[c]) for c in FTS_COLUMNS)
    rows = db.execute(
        f"SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 0, {weights}) LIMIT ?",
        (match, limit),
    ).fetchall()
    return [r[0] for r in rows]
