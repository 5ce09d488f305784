"""The Whoosh side of a build: analyse documents (cached, optionally in worker processes),
add them to the writer, commit. The one module that knows Whoosh's writer internals.

Analysing the text fields (Norwegian tokens, compounds, stems) is most of the time
`writer.add_document` takes. Here it is a stage of its own: `analysed_fields` gives what
Whoosh's `field.index(value)` would, `add_analysed` adds a document with those results, and
the results are kept in an AnalysisCache keyed by the analysis and the text, so an unchanged
document is not analysed again in the next build.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.fields import TEXT, Schema
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.analysis_cache import AnalysisCache, document_key
from indexer.progress import Progress

BATCH = 128  # documents per task: a worker's share, and the cache's read/write unit


@dataclass
class WriteTimes:
    """Seconds per stage of writing an index (analysis runs in the workers when there are)."""

    analysis: float = 0.0  # cache look-ups and analysing the misses
    writer: float = 0.0  # adding the analysed documents to Whoosh's pool
    commit: float = 0.0  # Whoosh sorting the postings and writing the segment
    analysed: int = 0  # documents analysed in this build (cache misses)
    cached: int = 0  # documents whose analysis came from the cache
    workers: int = 1
    extra: dict[str, float] = field(default_factory=dict)


def text_fields(schema: Schema) -> tuple[str, ...]:
    """The fields whose analysis is cached: the analysed text fields."""
    return tuple(name for name, fld in schema.items() if isinstance(fld, TEXT))


def analysed_fields(schema: Schema, names: tuple[str, ...], doc: dict) -> dict[str, list]:
    """What Whoosh's field.index gives for each text field of a document."""
    return {
        name: list(schema[name].index(doc[name])) for name in names if doc.get(name) is not None
    }


def add_analysed(writer: SegmentWriter, fields: dict, analysed: dict[str, list]) -> None:
    """SegmentWriter.add_document (whoosh 2.7), with the text fields' analysis given."""
    writer._check_state()
    perdocwriter, schema, docnum = writer.perdocwriter, writer.schema, writer.docnum
    add_post = writer.pool.add
    lengths = getattr(writer, "kb_lengths", None)
    docboost = writer._doc_boost(fields)
    names = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(schema, names)
    perdocwriter.start_doc(docnum)
    try:
        for name in names:
            value = fields.get(name)
            if value is None:
                continue
            fld = schema[name]
            length = 0
            if fld.indexed:
                boost = writer._field_boost(fields, name, docboost)
                items = analysed[name] if name in analysed else fld.index(value)
                for tbytes, freq, weight, vbytes in items:
                    if fld.scorable:
                        length += freq
                    add_post((name, tbytes, docnum, weight * boost, vbytes))
                if length and lengths is not None:  # as Whoosh stores it: one byte
                    lengths.setdefault(name, {})[docnum] = byte_to_length(length_to_byte(length))
            if fld.separate_spelling() or fld.vector:  # none of ours; Whoosh's own path
                raise ValueError(f"{name}: spelling and vector fields are not supported")
            stored = fields.get(f"_stored_{name}", value)
            perdocwriter.add_field(name, fld, stored if fld.stored else None, length)
            if fld.column_type and stored is not None:
                perdocwriter.add_column_value(name, fld.column_type, fld.to_column_value(stored))
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


def lengths_in_memory(writer: SegmentWriter) -> None:
    """Let the commit read field lengths from memory, kept by add_analysed as it adds.

    Whoosh's commit asks the length of every posting's field from the per-document file it
    has just written (a column read per posting, about a fifth of the commit); the same byte
    values from a dict give the same segment.
    """
    table: dict[str, dict[int, int]] = {}
    writer.kb_lengths = table

    def doc_field_length(docnum: int, fieldname: str) -> int:
        return table.get(fieldname, {}).get(docnum, 0)

    def flush_segment() -> None:  # SegmentWriter._flush_segment (whoosh 2.7), lengths given
        writer.perdocwriter.close()
        lengths = type("Lengths", (), {"doc_field_length": staticmethod(doc_field_length)})
        writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
        writer.fieldwriter.close()

    writer._flush_segment = flush_segment


# State of one analysing process (the build's own, or a worker's): set by _start.
_schema: Schema | None = None
_names: tuple[str, ...] = ()
_namespace = ""
_reader: AnalysisCache | None = None


def _start(schema: Schema, namespace: str, cache_path: str | None) -> None:
    global _schema, _names, _namespace, _reader
    _schema, _names, _namespace = schema, text_fields(schema), namespace
    _reader = AnalysisCache(Path(cache_path), namespace, readonly=True) if cache_path else None


def _analyse_batch(docs: list[dict]) -> list[tuple[str, bytes, bool]]:
    """(key, packed analysis, found in the cache) of each document, in order."""
    keys = [document_key(_namespace, _names, doc) for doc in docs]
    found = _reader.get_many(keys) if _reader else {}
    out = []
    for key, doc in zip(keys, docs, strict=True):
        if key in found:
            out.append((key, found[key], True))
        else:
            packed = zlib.compress(marshal.dumps(analysed_fields(_schema, _names, doc)), 1)
            out.append((key, packed, False))
    return out


def unpack(packed: bytes) -> dict[str, list]:
    """The analysis of one document as _analyse_batch packed it."""
    return marshal.loads(zlib.decompress(packed))


def batches(docs: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """The documents in lists of `size`."""
    batch: list[dict] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def feed(
    writer: SegmentWriter,
    docs: Iterable[dict],
    cache: AnalysisCache | None,
    progress: Progress,
    workers: int = 1,
    added: Callable[[int, dict, dict], None] | None = None,
) -> WriteTimes:
    """Analyse (or find in the cache) and add every document; returns the stage times.

    With workers > 1 the analysis runs in that many processes while this one adds to the
    writer (Whoosh's writer itself is one process); results come back in document order.
    `added(docnum, document, analysis)` is called after each document is added.
    """
    times = WriteTimes(workers=workers)
    lengths_in_memory(writer)
    cache_path = str(cache.path) if cache and cache.readable() else None
    namespace = cache.namespace if cache else ""
    pending: deque[list[dict]] = deque()
    slots = threading.BoundedSemaphore(4 * workers)  # batches in flight: bounds memory

    def queued() -> Iterator[list[dict]]:
        for batch in batches(docs, BATCH):
            slots.acquire()
            pending.append(batch)
            yield batch

    pool = None
    if workers > 1:
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        pool = context.Pool(workers, _start, (writer.schema, namespace, cache_path))
        results = pool.imap(_analyse_batch, queued())
    else:
        _start(writer.schema, namespace, cache_path)
        results = map(_analyse_batch, queued())
    try:
        _add_results(writer, results, pending, slots, cache, progress, times, added)
    finally:
        if pool is not None:
            pool.terminate()
        elif _reader is not None:
            _reader.close()
    return times


def _add_results(
    writer, results, pending, slots, cache, progress, times: WriteTimes, added=None
) -> None:
    """Add each analysed batch to the writer and the misses to the cache."""
    started = time.perf_counter()
    for result in results:
        got = time.perf_counter()
        times.analysis += got - started
        batch = pending.popleft()
        slots.release()
        for doc, (_key, packed, hit) in zip(batch, result, strict=True):
            analysed = unpack(packed)
            add_analysed(writer, doc, analysed)
            if added is not None:
                added(writer.docnum - 1, doc, analysed)
            times.cached += hit
            times.analysed += not hit
            progress.advance()
        if cache:
            cache.keep(result)
        started = time.perf_counter()
        times.writer += started - got
