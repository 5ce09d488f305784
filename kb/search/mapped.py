"""Whoosh's memory-mapped segment files read in place, not copied.

Whoosh opens a segment's compound file as one memory map and each file inside it as a
`BufferFile` over a slice of the map; whoosh-reloaded 2.7.5's BufferFile.__init__ then copies
the whole slice into a BytesIO for reading in sequence. At 10 000 cases and 50 000 passages
that is the 150 MB postings file and the 20 MB terms file copied by every new reader (one per
process, and another after each one-case update), in private memory of every worker.

install() replaces the copy with ViewReader, a reader over the same slice that copies only
the bytes each read asks for. Whoosh's other reads (get, get_array) use the slice already.
"""

from __future__ import annotations

import io
import pickle

from whoosh.filedb import structfile

FIRST_PICKLE_READ = 256  # bytes; a posting block's header pickle is a few dozen


class ViewReader(io.RawIOBase):
    """A read-only, seekable file over a buffer (a memoryview of the map), without a copy."""

    def __init__(self, buf):
        super().__init__()
        self._view = memoryview(buf).cast("B")
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int = -1) -> bytes:
        end = (
            len(self._view) if size is None or size < 0 else min(self._pos + size, len(self._view))
        )
        data = bytes(self._view[self._pos : end])
        self._pos = max(self._pos, end)
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        end = (
            len(self._view) if size is None or size < 0 else min(self._pos + size, len(self._view))
        )
        for start in range(self._pos, end, 4096):  # in pieces: no copy of the whole rest
            found = bytes(self._view[start : min(start + 4096, end)]).find(b"\n")
            if found >= 0:
                return self.read(start + found + 1 - self._pos)
        return self.read(end - self._pos)

    def load_pickle(self):
        """The pickled object here, read from a copy of the bytes around it: pickle.load on a
        Python file would call read() once per opcode."""
        size = FIRST_PICKLE_READ
        while True:
            chunk = io.BytesIO(bytes(self._view[self._pos : self._pos + size]))
            try:
                obj = pickle.load(chunk)
            except Exception:  # truncated: the pickle goes on past the copy
                if self._pos + size >= len(self._view):
                    raise
                size *= 16
                continue
            self._pos += chunk.tell()
            return obj

    def getvalue(self) -> bytes:
        return bytes(self._view)

    def close(self) -> None:
        self._view = memoryview(b"")  # the map's slice is the BufferFile's, not ours to release
        super().close()


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    """BufferFile.__init__ with a ViewReader in place of BytesIO(buf)."""
    self._buf = buf
    self._name = name
    self.file = ViewReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _read_pickle(self):
    """BufferFile.read_pickle from the buffer in place."""
    return self.file.load_pickle() if isinstance(self.file, ViewReader) else pickle.load(self.file)


def install() -> None:
    """Read Whoosh's buffer files in place (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
    structfile.BufferFile.read_pickle = _read_pickle
