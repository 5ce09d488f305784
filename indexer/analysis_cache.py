"""A build's cache beside the index: each document's analysis, by content hash, across builds.

One SQLite file in the index's parent folder (`.<index name>-cache.sqlite`). A document's key
hashes its text fields with a namespace, and the namespace hashes everything the analysis
depends on: the analysis inputs (their key), the code of the analysis and the schema, and the
Whoosh version. Change any of them and every key changes; the old entries are dropped after
the next build, which keeps only what it used (the cache is about one index's size, and never
above MAX_BYTES). A cache that cannot be read or written (corrupt, locked, read-only folder) is
ignored and, when possible, started again: the build goes on without it, never fails over it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path

import whoosh

FORMAT = "1"  # bump when what is cached changes shape
MAX_BYTES = 2 * 1024**3  # no more entries are stored beyond this
CODE = ("kb/search/analysis.py", "kb/search/compounds.py", "kb/search/schema.py")
ROOT = Path(__file__).resolve().parents[1]
SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, crc INTEGER, value BLOB, build TEXT);
CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, crc INTEGER, value BLOB, build TEXT);
"""  # entries: one document's analysis; blobs: analysis inputs, a source file's passages


def cache_path(index_dir: Path) -> Path:
    """Where the cache of an index folder lives (beside it; never inside: the swap replaces it)."""
    index_dir = Path(index_dir)
    return index_dir.parent / f".{index_dir.name}-cache.sqlite"


def code_fingerprint(files: Iterable[str] = CODE, extra: str = "") -> str:
    """A hash of the code that decides how text is analysed and indexed (or of other files)."""
    h = hashlib.sha256(f"{FORMAT}\0{whoosh.versionstring()}\0{extra}".encode())
    for name in files:
        h.update(f"\0{name}\0".encode())
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def namespace_for(analysis_key: str) -> str:
    """The namespace of the cache keys for an analysis (its inputs' key) and today's code."""
    return hashlib.sha256(f"{analysis_key}\0{code_fingerprint()}".encode()).hexdigest()[:32]


def document_key(namespace: str, names: tuple[str, ...], doc: dict) -> str:
    """A document's key: its text fields under a namespace."""
    h = hashlib.sha256(namespace.encode())
    for name in names:
        value = doc.get(name)
        if value is not None:
            h.update(f"\0{name}\0{value}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class AnalysisCache:
    """Packed analyses by document key, in one SQLite file; broken means empty, not fatal."""

    def __init__(self, path: Path, namespace: str, build: str = "", readonly: bool = False):
        """Open (or create) the cache; `readonly` for a worker process, which only looks up."""
        self.path, self.namespace, self.build = Path(path), namespace, build
        self.db: sqlite3.Connection | None = None
        self.stored = 0
        try:
            self.db = self._open_readonly() if readonly else self._connect()
        except (sqlite3.Error, OSError):
            self.db = None if readonly else self._start_again()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # workers read while the build writes
            db.executescript(SCHEMA)
            sql = "SELECT coalesce(sum(length(value)), 0) FROM entries"
            self.stored = int(db.execute(sql).fetchone()[0])
        except BaseException:
            db.close()
            raise
        return db

    def _open_readonly(self) -> sqlite3.Connection:
        return sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=5)

    def _start_again(self) -> sqlite3.Connection | None:
        """Remove an unreadable cache file and make an empty one (None when that fails too)."""
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return self._connect()
        except (sqlite3.Error, OSError):
            return None

    def readable(self) -> bool:
        """Whether the cache works (a broken one behaves as empty and stores nothing)."""
        return self.db is not None

    def _fail(self) -> None:
        if self.db is not None:
            self.db.close()
        self.db = None

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        """The packed analyses found for these keys (entries that fail their check are left)."""
        if self.db is None or not keys:
            return {}
        try:
            rows = self.db.execute(
                f"SELECT key, crc, value FROM entries WHERE key IN ({','.join('?' * len(keys))})",
                keys,
            ).fetchall()
        except sqlite3.Error:
            self._fail()
            return {}
        return {k: v for k, crc, v in rows if isinstance(v, bytes) and zlib.crc32(v) == crc}

    def keep(self, results: Iterable[tuple[str, bytes, bool]]) -> None:
        """Mark the found entries as used by this build and store the new ones."""
        if self.db is None:
            return
        used, new = [], []
        for key, packed, hit in results:
            if hit:
                used.append((self.build, key))
            elif self.stored + len(packed) <= MAX_BYTES:
                new.append((key, zlib.crc32(packed), packed, self.build))
                self.stored += len(packed)
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("UPDATE entries SET build = ? WHERE key = ?", used)
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", new)
        except sqlite3.Error:
            self._fail()

    def get_blob(self, key: str) -> bytes | None:
        """A stored blob (marked as used by this build), or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT crc, value FROM blobs WHERE key = ?", (key,)).fetchone()
            if row and isinstance(row[1], bytes) and zlib.crc32(row[1]) == row[0]:
                self.db.execute("UPDATE blobs SET build = ? WHERE key = ?", (self.build, key))
                return row[1]
        except sqlite3.Error:
            self._fail()
        return None

    def put_blob(self, key: str, value: bytes) -> None:
        """Store a blob for this build."""
        if self.db is None:
            return
        try:
            self.db.execute(
                "INSERT OR REPLACE INTO blobs VALUES (?, ?, ?, ?)",
                (key, zlib.crc32(value), value, self.build),
            )
        except sqlite3.Error:
            self._fail()

    def finish(self) -> None:
        """Drop what this build did not use, give back the space when much was dropped."""
        if self.db is None:
            return
        try:
            self.db.execute("DELETE FROM entries WHERE build != ?", (self.build,))
            self.db.execute("DELETE FROM blobs WHERE build != ?", (self.build,))
            free, pages = (
                self.db.execute(f"PRAGMA {p}").fetchone()[0]
                for p in ("freelist_count", "page_count")
            )
            if free > pages // 2:
                self.db.execute("VACUUM")
        except sqlite3.Error:
            pass
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._fail()
