"""Build the search index from content and report files, and update it one case at a time."""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index

from indexer import reuse
from indexer import writer as feeding
from indexer.analysis_cache import AnalysisCache, cache_path, namespace_for
from indexer.documents import case_doc, passage_doc, relative_path
from indexer.progress import NullProgress, Progress, format_number
from kb import settings
from kb.content.loader import Content, load_context, read_case
from kb.content.model import Passage, Source
from kb.content.sources import locate
from kb.errors import ExtractionError, IndexUnwritable
from kb.search import arrays as search_arrays
from kb.search import outline, schema, similar, wordstore
from kb.search import tables as search_tables
from kb.search.analysis import NorwegianAnalysis

META_FILE = "kb_meta.json"  # beside Whoosh's files: build facts (the analysis has its own file)
UNWRITABLE = (
    "Kan ikke skrive søkeindeksen i {folder}: {why}. Sjekk at mappen er skrivbar og at "
    "disken ikke er full, eller velg en annen mappe med --index eller KB_INDEX_DIR. "
    "Den forrige indeksen er ikke endret."
)
WHY_UNWRITABLE = {  # the usual reasons, in Norwegian; any other OSError gives its own text
    errno.EACCES: "ingen skrivetilgang til mappen",
    errno.EPERM: "mappen kan ikke endres (skrivebeskyttet eller låst)",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EFBIG: "filen ble større enn det systemet tillater (grensen for filstørrelse)",
    errno.ENOTDIR: "en del av stien er en fil, ikke en mappe",
}
WRITER_MB = 256


@dataclass
class BuildStats:
    """What a build indexed, how long it took, and the files it had to skip."""

    cases: int = 0
    passages: int = 0
    sources: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # sources whose files were not found
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage (bench/)
    write: feeding.WriteTimes | None = None  # analysis, writer and commit times, cache use

    def summary(self) -> str:
        """The closing line: «Indekserte 63 grep og 1 234 avsnitt fra 5 kilder på 12,3 s»."""
        line = (
            f"Indekserte {format_number(self.cases)} grep og "
            f"{format_number(self.passages)} avsnitt fra {format_number(self.sources)} "
            f"kilder på {format_number(self.seconds, 1)} s"
        )
        if self.missing:
            line += (
                f"\nFant ikke rapportfilene til {len(self.missing)} "
                f"{'kilde' if len(self.missing) == 1 else 'kilder'} "
                f"({', '.join(self.missing)}): avsnittene deres er ikke søkbare — "
                "oppgi mappen med --sources DIR eller KB_SOURCES"
            )
        return line


def source_passages(
    source: Source,
    dirs: tuple[Path, ...],
    problems: list[str],
    config: settings.Config | None = None,
    outlines: dict[str, tuple] | None = None,
    cache: AnalysisCache | None = None,
) -> list[Passage]:
    """The passages of one source's files; unreadable or changed files are reported and skipped.

    `outlines` (by source id) receives the reading outline of the first file that has one;
    `cache` gives the passages of a file extracted by an earlier build (same file, same code).
    """
    config = config or settings.defaults()
    out: list[Passage] = []
    for found in locate(source, dirs):
        if not found.sha_ok:
            problems.append(
                f"{found.path}: innholdet stemmer ikke med sha256 i "
                f"content/sources/{source.id}.yaml — filen er hoppet over; "
                f"registrer den nye versjonen"
            )
            continue
        try:
            passages, entries = reuse.extract(
                cache,
                found.path,
                source.id,
                found.file.sha256,
                found.file.format,
                max_pages=config.pdf_max_pages,
                max_seconds=config.pdf_max_seconds,
            )
            out += passages
            if outlines is not None and entries and source.id not in outlines:
                spans = [p.lines for p in passages if p.lines]
                outlines[source.id] = (found.file.sha256, entries, spans)
        except ExtractionError as exc:
            problems.append(f"{source.id}: {exc}")
    return out


def collect_passages(
    content: Content,
    dirs: tuple[Path, ...],
    progress: Progress,
    problems: list[str],
    missing: list[str] | None = None,
    config: settings.Config | None = None,
    outlines: dict[str, tuple] | None = None,
    cache: AnalysisCache | None = None,
) -> dict[str, list[Passage]]:
    """Extract every registered source that is found; passages by source id."""
    progress.stage("Leser kilder", len(content.sources))
    by_source: dict[str, list[Passage]] = {}
    for source in content.sources.values():
        if missing is not None and not locate(source, dirs):
            missing.append(source.id)
        passages = source_passages(source, dirs, problems, config, outlines, cache)
        if passages:
            by_source[source.id] = passages
        progress.advance()
    progress.finish()
    return by_source


def index_meta(content: Content, stats: BuildStats, analysis: NorwegianAnalysis) -> dict:
    """Build facts stored beside Whoosh's files."""
    return {
        "build": uuid.uuid4().hex,
        "built": time.time(),
        "analysis": analysis.key,
        "content_root": str(Path(content.ctx.root).resolve()),
        "stats": {"cases": stats.cases, "passages": stats.passages, "sources": stats.sources},
    }


def build_index(
    content: Content,
    index_dir: Path,
    source_dirs: tuple[Path, ...] = (),
    progress: Progress | None = None,
    passages: dict[str, list[Passage]] | None = None,
    config: settings.Config | None = None,
    cache: bool = True,
    workers: int = 1,
) -> BuildStats:
    """Build the whole index in a temporary folder and rename it into place after commit.

    `passages` (by source id) skips extraction: for measuring, and for tests. `config` gives
    the extraction limits (KB_PDF_MAX_PAGES, KB_PDF_MAX_SECONDS); the defaults without it.
    `cache` reuses the analysis of unchanged documents from the last build (analysis_cache);
    `workers` > 1 analyses in that many processes.
    """
    started = time.monotonic()
    progress = progress or NullProgress()
    stats = BuildStats()
    build = uuid.uuid4().hex
    store = build_cache(index_dir, None, build) if cache else None
    try:
        analysis = reuse.analysis_for(content.ctx.root, store)  # synonyms checked before work
        if store:
            store.namespace = namespace_for(analysis.key)
        stats.stages["analyseoppsett"] = time.monotonic() - started
        dirs = tuple(dict.fromkeys(tuple(map(Path, source_dirs)) + content.ctx.source_dirs))
        outlines: dict[str, tuple] = {}
        if passages is None:
            passages = collect_passages(
                content, dirs, progress, stats.problems, stats.missing, config, outlines, store
            )
    except BaseException:
        if store:
            store.close()
        raise
    stats.stages["uttrekk"] = time.monotonic() - started - stats.stages["analyseoppsett"]
    stats.cases, stats.sources = len(content.cases), len(passages)
    stats.passages = sum(map(len, passages.values()))
    docs = documents(content, passages)
    meta = {**index_meta(content, stats, analysis), "build": build}
    total = stats.cases + stats.passages
    stats.write = write_index(
        docs, total, index_dir, progress, meta, analysis, outlines, store, workers
    )
    stats.seconds = time.monotonic() - started
    return stats


def build_cache(index_dir: Path, analysis: NorwegianAnalysis | None, build: str) -> AnalysisCache:
    """The build cache of an index folder, for one build (namespace set once the analysis is)."""
    try:
        Path(index_dir).parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # write_index says so; without the folder the cache is just empty
    namespace = namespace_for(analysis.key) if analysis else ""
    return AnalysisCache(cache_path(index_dir), namespace, build)


def documents(content: Content, by_source: dict[str, list[Passage]]) -> Iterator[dict]:
    """Every index document: the cases, then the passages source by source."""
    for case in content.cases.values():
        yield case_doc(case, content.ctx)
    for source_id, passages in by_source.items():
        for p in passages:
            yield passage_doc(p, content.sources[source_id])


def write_index(
    docs: Iterable[dict],
    total: int,
    index_dir: Path,
    progress: Progress,
    meta: dict,
    analysis: NorwegianAnalysis,
    outlines: dict[str, tuple] | None = None,
    cache: AnalysisCache | None = None,
    workers: int = 1,
) -> feeding.WriteTimes:
    """Write the documents, the analysis and the reports' outlines into a new index in a
    temporary folder, check it, swap it in. `cache` is closed (and pruned after success)."""
    index_dir = Path(index_dir)
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(index_dir)
        tmp = Path(
            tempfile.mkdtemp(prefix=f".{index_dir.name}.new-{os.getpid()}-", dir=index_dir.parent)
        )
    except OSError as exc:
        raise unwritable(index_dir, exc) from None
    try:
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes 0700; readers may be others
        times = fill_index(tmp, docs, total, progress, meta, analysis, cache, workers)
        for source_id, (sha, entries, spans) in (outlines or {}).items():
            outline.save(tmp, source_id, sha, entries, spans)
        check_index(tmp)
        swap_into_place(tmp, index_dir)
    except OSError as exc:
        discard(tmp, cache)
        raise unwritable(index_dir, exc) from None
    except BaseException:
        discard(tmp, cache)
        raise
    if cache:
        cache.finish()  # drops what this build did not use
    return times


def discard(tmp: Path, cache: AnalysisCache | None) -> None:
    """After a failed build: remove its folder, keep the cache as it was (without pruning)."""
    shutil.rmtree(tmp, ignore_errors=True)
    if cache:
        cache.close()


def fill_index(
    folder: Path,
    docs: Iterable[dict],
    total: int,
    progress: Progress,
    meta: dict,
    analysis: NorwegianAnalysis,
    cache: AnalysisCache | None = None,
    workers: int = 1,
) -> feeding.WriteTimes:
    """Add every document to a new index in folder, commit, write the build facts and the
    analysis the index was built with."""
    ix = index.create_in(str(folder), schema.build_schema(analysis))
    writer = ix.writer(limitmb=WRITER_MB)
    progress.stage("Indekserer", total)
    cases: dict[int, dict[str, float]] = {}  # «Lignende grep»: the cases' term weights

    def keep_case(docnum: int, doc: dict, analysed: dict) -> None:
        if doc.get(schema.KIND) == "case":
            cases[docnum] = similar.case_weights(writer.schema, analysed)

    try:
        times = feeding.feed(writer, docs, cache, progress, workers, keep_case)
    except BaseException:
        writer.cancel()
        raise
    progress.finish()
    progress.stage("Lagrer indeksen", 1)
    started = time.perf_counter()
    writer.commit()
    times.commit = time.perf_counter() - started
    store_case_weights(folder, ix, cases)
    with ix.reader() as reader:  # the snippet fields' words (kb.search.wordstore)
        wordstore.store_new(folder, reader, analysis)
    progress.advance()
    progress.finish()
    # The searcher checks the document count of this generation against these two.
    added = times.analysed + times.cached
    meta = {**meta, "generation": ix.latest_generation(), "documents": added}
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    analysis.save(folder)
    return times


def store_case_weights(folder: Path, ix, cases: dict[int, dict[str, float]]) -> None:
    """Store the cases' term weights from the analysis just done (kb.search.similar), so the
    searcher does not analyse a case again for its «Lignende grep»."""
    with ix.reader() as reader:
        leaves = reader.leaf_readers()
        if len(leaves) == 1:  # a new index is one segment, numbered as the writer added
            similar.store(folder, leaves[0][0], similar.segment_weights(leaves[0][0], cases))


def unwritable(index_dir: Path, exc: OSError) -> IndexUnwritable:
    """The Norwegian «cannot write» error for an index folder and an OSError."""
    why = WHY_UNWRITABLE.get(exc.errno) or exc.strerror or type(exc).__name__
    return IndexUnwritable(UNWRITABLE.format(folder=index_dir, why=why))


def check_index(folder: Path) -> None:
    """Open the new index as the service will (metadata, schema, a test query); raises if bad.
    Opening stores the search arrays (kb.search.arrays); the citation graph, which the first
    search would otherwise join, is stored with them here."""
    from kb.search.searcher import Searcher

    searcher = Searcher(folder)
    try:
        searcher.engine.links()
    finally:
        searcher.close()


def current_umask() -> int:
    """The process's umask (read without changing it where the system tells it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_stale(index_dir: Path) -> None:
    """Remove the temporary folders that killed builds left beside index_dir."""
    for path in index_dir.parent.glob(f".{index_dir.name}.*-*"):
        kind, _, rest = path.name.removeprefix(f".{index_dir.name}.").partition("-")
        if kind == "old" or (kind == "new" and not build_running(rest.partition("-")[0])):
            shutil.rmtree(path, ignore_errors=True)


def build_running(pid: str) -> bool:
    """Whether the process that named a temporary folder still runs (False for old names)."""
    if not pid.isascii() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():  # another build in this process (the watcher's thread)
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def swap_into_place(new: Path, live: Path) -> None:
    """Rename a finished index over the live one; open readers keep their (unlinked) files."""
    old = live.with_name(f".{live.name}.old-{uuid.uuid4().hex[:8]}")
    if live.exists():
        os.rename(live, old)
    os.rename(new, live)
    shutil.rmtree(old, ignore_errors=True)


def update_case(
    index_dir: Path, path: Path, content_root: Path, source_dirs: tuple[Path, ...] = ()
) -> tuple[str, list]:
    """Re-index one changed or deleted case file: ("oppdatert"|"slettet"|"uendret", problems).

    Raises IndexMissing or IndexBroken when the live index is absent or cannot be read, and
    IndexUnwritable when it cannot be written.
    """
    from kb.search.versions import open_checked

    index_dir, path = Path(index_dir), Path(path)
    ix, analysis = open_checked(index_dir)  # the index's own analysis, not the content's
    ctx = load_context(content_root, source_dirs)
    relative = relative_path(path, content_root)
    case, problems = read_case(path, ctx) if path.exists() else (None, [])
    if case is None and path.exists():
        return "uendret", problems
    try:
        with ix.writer() as writer:
            writer.delete_by_term(schema.PATH, relative)
            if case is not None:
                writer.update_document(**case_doc(case, ctx))
    except OSError as exc:
        raise unwritable(index_dir, exc) from None
    with ix.reader() as reader:  # the new segment's search arrays, stored for the searchers
        search_arrays.store_new(index_dir, reader)
        search_tables.store_graph(index_dir, reader)  # spans segments: joined again
        search_tables.remove_unused(index_dir, reader)  # of segments merged away
        similar.store_new(index_dir, reader)
        similar.remove_unused(index_dir, reader)
        wordstore.store_new(index_dir, reader, analysis)  # with the forms the index was built with
        wordstore.remove_unused(index_dir, reader)
    return ("oppdatert" if case is not None else "slettet"), problems
