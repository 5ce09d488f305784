"""The index's versions: open one checked, notice on disk when it changes, open the next.

A rebuild swaps the index folder (another inode); a one-case update adds a generation in the
same folder. `IndexVersions` holds the version in use and finds the next; the subclass
(kb.search.searcher.Searcher) says what a version's tables are (`_tables`) and installs them
(`_install`).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from whoosh import index
from whoosh.analysis import StandardAnalyzer
from whoosh.query import Every

from kb.errors import IndexBroken, IndexMissing
from kb.search import schema as f

MISSING = "Søkeindeksen er ikke bygget ennå. Kjør `kb index`."
BROKEN = "Søkeindeksen i {folder} kan ikke leses ({why}). Kjør `kb index` på nytt for å bygge den."
META_FILE = "kb_meta.json"  # the build facts written by indexer.build
T = TypeVar("T")

log = logging.getLogger(__name__)


def broken(index_dir: Path, exc: Exception) -> IndexBroken:
    """The Norwegian «cannot be read» error for an index folder, with whoosh's reason."""
    why = f"{type(exc).__name__}: {exc}"[:200]
    return IndexBroken(BROKEN.format(folder=index_dir, why=why))


def read_checked(index_dir: Path, load: Callable[[], T]) -> T:
    """load() on an index folder; IndexMissing when there is no index, IndexBroken when whoosh
    cannot read it (it raises pickle, EOF, struct and index errors on damaged files)."""
    if not f.index_exists(index_dir):
        raise IndexMissing(MISSING)
    with warnings.catch_warnings():
        # Whoosh leaves a file open when a damaged index fails to load; it is closed below,
        # when the exception that holds it is gone.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return load()
        except IndexMissing as exc:
            failure = exc
        except (FileNotFoundError, index.EmptyIndexError):  # in the middle of a swap
            failure = IndexMissing(MISSING)
        except Exception as exc:
            failure = broken(index_dir, exc)
        failure.__context__ = None
        gc.collect()
    raise failure


def open_checked(index_dir: Path) -> tuple:
    """(index, analysis) of a folder whose segments and stored fields read back (see
    read_checked); for writers that do not need a whole Searcher."""

    def load() -> tuple:
        ix, analysis = f.open_index(index_dir)
        with ix.searcher() as searcher:
            for hit in searcher.search(Every(), limit=1):
                hit.fields()
        return ix, analysis

    return read_checked(Path(index_dir), load)


class IndexVersions:
    """The index version searches answer from, and the next one when the files change."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.RLock()
        self._reloading = threading.Lock()  # one reload at a time (refresh() or a search)
        # Set by a service whose own thread calls refresh(): it opens and warms the next version
        # as soon as the files change. A search that finds the files changed before that has
        # happened waits for it (or opens the version itself): see _current().
        self.background_refresh = False
        self._searcher = None
        self._refused: int | None = None  # the folder (inode) of a rebuilt index that failed

    def _install(self, version: tuple) -> None:
        """Answer from this version from now on (the subclass's)."""
        raise NotImplementedError

    def _tables(self, ix, searcher, analysis, updated: bool = False) -> tuple:
        """A version's tables (the subclass's)."""
        raise NotImplementedError

    def _open(self) -> None:
        """Open (or reopen after a rebuild) the index; checked first, then installed at once."""
        self._install(read_checked(self.index_dir, self._load))

    def _load(self) -> tuple:
        """The index's folder inode, index, searcher, build facts and tables, all checked."""
        ino = os.stat(self.index_dir).st_ino
        ix, analysis = f.open_index(self.index_dir)
        searcher = ix.searcher()
        try:
            self._checked_meta(ix, searcher)
            return ino, ix, analysis, searcher, self._tables(ix, searcher, analysis)
        except BaseException:
            searcher.close()
            raise

    def _broken(self, exc: Exception) -> IndexBroken:
        return broken(self.index_dir, exc)

    def _checked_meta(self, ix, searcher) -> dict:
        """The build facts, after checking them, the schema and a test query against the index."""
        meta_path = self.index_dir / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        if not isinstance(meta, dict):
            raise self._broken(ValueError(f"{META_FILE} har feil form"))
        if set(ix.schema.names()) != set(f.schema_with(StandardAnalyzer()).names()):
            raise self._broken(ValueError("indeksen har et annet skjema enn denne versjonen"))
        expected = meta.get("documents")  # as built; updates of single cases change it
        same = meta.get("generation") == ix.latest_generation()
        if same and expected is not None and searcher.doc_count_all() != expected:
            raise self._broken(
                ValueError(f"{searcher.doc_count_all()} dokumenter, ikke {expected}")
            )
        for hit in searcher.search(Every(), limit=1):  # the test query: postings and stored
            hit.fields()
        return meta

    def _fresh(self):
        """The current searcher: reopened after a rebuild, refreshed after an update.

        A rebuilt index that fails its checks is logged once and left alone; the searcher
        already open keeps answering. With `background_refresh` (the service: its own thread
        calls refresh()) a search has already waited in _current() for the version on disk.
        """
        if self.background_refresh or not self._reloading.acquire(blocking=False):
            return self._searcher
        try:
            version = self._next()
            if version is not None:
                self._install(version)
        finally:
            self._reloading.release()
        return self._searcher

    def _stale(self) -> bool:
        """Whether the index on disk is another version than the one in use (a stat, and
        after an update the name of the newest generation's file)."""
        try:
            ino = os.stat(self.index_dir).st_ino
        except OSError:  # in the middle of a swap
            return False
        if ino != self._ino:
            return ino != self._refused
        return self._ix.latest_generation() != self._searcher.reader().generation()

    def _current(self) -> None:
        """Before a search takes the lock: when the index on disk changed, wait for the version
        refresh() is preparing, or prepare it here. So no search answers from a version older
        than the files on disk, and a reader never sees results go back to the old index (each
        worker process checks the disk for itself). Without a change this costs a stat."""
        if self._searcher is None or not self._stale():
            return
        with self._reloading:
            version = self._next()
            if version is not None:
                self._install(version)

    def _next(self) -> tuple | None:
        """The index's next version, opened and checked but not installed (see _install), or
        None when the index did not change (or its rebuilt folder was refused)."""
        try:
            ino = os.stat(self.index_dir).st_ino
        except OSError:  # in the middle of a swap: keep answering from the old files
            return None
        if ino != self._ino and ino != self._refused:
            try:
                return read_checked(self.index_dir, self._load)
            except IndexMissing as exc:
                self._refused = ino
                log.error("%s Søker videre i den forrige indeksen.", exc)
        elif (
            ino == self._ino
            and self._ix.latest_generation() != self._searcher.reader().generation()
        ):
            # A fresh searcher, not refresh(): whoosh-reloaded 2.7.5's reader reuse brings back
            # the pre-update segment, so an updated case would be counted twice.
            searcher = self._ix.searcher()
            try:
                tables = self._tables(self._ix, searcher, self.analysis, updated=True)
            except Exception as exc:
                searcher.close()
                raise self._broken(exc) from None
            return ino, self._ix, self.analysis, searcher, tables
        return None

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._searcher.close()

    def version(self) -> tuple[int, int]:
        """The index version searches answer from now, (folder inode, generation): looked for
        on disk first, as a search does, so a swap or a one-case update shows at once."""
        if self.background_refresh:
            self._current()
        with self._lock:
            searcher = self._fresh()
            return self._ino, searcher.reader().generation()
