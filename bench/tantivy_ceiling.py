"""tantivy (Rust) over the same analysed text as FTS5: the fast-engine ceiling of bench_search.

Optional: `pip install -e .[bench]`; without tantivy, bench_search leaves it out and says so.
The rows are bench_search's: (id, kind, stored text, then our analyzer's tokens per searched
field), so tantivy indexes the same terms, split on spaces. A query is the same expression as
FTS5's (fts_match), parsed by tantivy with our field weights; top 10 by its BM25 with the
stored text's first 200 characters, and the total.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

try:
    import tantivy
except ImportError:  # the optional extra `bench`
    tantivy = None

WEIGHTS = (3.0, 2.0, 1.5, 1.0)  # as bm25() in bench_search's FTS5 query: title … text
HEAP = 200_000_000  # the writer's memory budget in bytes


def available() -> bool:
    """True when the tantivy package is installed."""
    return tantivy is not None


def build_tantivy(rows: list[tuple], columns: tuple[str, ...], folder: Path):
    """(index, seconds to build it): one writer thread, as FTS5 and our writer use one core."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("stored", stored=True, indexed=False)
    for name in columns:
        builder.add_text_field(name, tokenizer_name="whitespace")
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(builder.build(), path=str(folder))
    started = time.perf_counter()
    writer = index.writer(heap_size=HEAP, num_threads=1)
    for doc_id, _kind, stored, *fields in rows:
        doc = tantivy.Document(id=doc_id, **dict(zip(columns, fields, strict=True)))
        doc.add_bytes("stored", stored.encode("utf-8"))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index, time.perf_counter() - started


def tantivy_search(
    index, columns: tuple[str, ...], expression: Callable[[str], str]
) -> Callable[[str], object]:
    """A search function: the query as FTS5's expression, top 10 with snippets, the total."""
    searcher = index.searcher()
    boosts = dict(zip(columns, WEIGHTS, strict=True))

    def run(query: str):
        match = expression(query)  # the parse is part of the query's cost, as for FTS5
        if match == '""':
            return [], 0
        parsed = index.parse_query(match, list(columns), field_boosts=boosts)
        found = searcher.search(parsed, 10, count=True)
        top = [
            (doc["id"][0], bytes(doc["stored"][0])[:800].decode("utf-8", "ignore")[:200])
            for doc in (searcher.doc(address) for _, address in found.hits)
        ]
        return top, found.count

    return run
