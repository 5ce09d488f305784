"""The yardstick: a plain Whoosh index of the same documents (StandardAnalyzer, no Norwegian).

Used by tests/relevance and bench/ to show what the Norwegian handling adds. Same fields,
boosts and AND-then-OR query logic as ours; the analysis, the query expansion and the
OCR-repaired reading (a Norwegian repair) are what it lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from whoosh import index
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import TEXT
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.query import Term

from kb.search import schema as f


def baseline_schema():
    """Our schema with every searched field analysed by Whoosh's StandardAnalyzer."""
    schema = f.schema_with(StandardAnalyzer())
    for name, boost in f.SEARCHED.items():
        schema.remove(name)
        schema.add(name, TEXT(analyzer=StandardAnalyzer(), stored=True, field_boost=boost))
    return schema


def build_baseline(docs: Iterable[dict], index_dir: Path) -> int:
    """Index the documents plainly into index_dir; returns how many."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), baseline_schema())
    count = 0
    with ix.writer(limitmb=256) as writer:
        for doc in docs:
            plain = {k: v for k, v in doc.items() if not k.startswith("_stored_")}
            plain[f.TEXT_FIELD] = doc.get("_stored_" + f.TEXT_FIELD, doc[f.TEXT_FIELD])
            writer.add_document(**plain)  # the text as written: no OCR-repaired words
            count += 1
    return count


class BaselineSearcher:
    """Whoosh's own query parser over the same fields: AND first, OR when AND finds nothing."""

    def __init__(self, index_dir: Path):
        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        fields = list(f.SEARCHED)
        self.parsers = [
            MultifieldParser(fields, self.ix.schema, group=g) for g in (AndGroup, OrGroup)
        ]

    def search_ids(self, query: str, limit: int = 10, kind: str | None = None) -> list[str]:
        """The ids of the top hits (of one kind, if given)."""
        allow = Term(f.KIND, kind) if kind else None
        for parser in self.parsers:
            results = self.searcher.search(parser.parse(query), limit=limit, filter=allow)
            if not results.is_empty():
                return [hit[f.ID_FIELD] for hit in results]
        return []

    def close(self) -> None:
        """Release the index files."""
        self.searcher.close()
