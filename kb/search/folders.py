"""Folders of arrays stored beside the index, one per segment (or per reader): written whole
and renamed into place, memory-mapped by every process, dropped when no longer used.

kb.search.arrays, kb.search.graph, kb.search.words and kb.search.similar store theirs here.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def store_folder(folder: Path, write, what: str) -> None:
    """Write a segment's folder through write(tmp) into a temporary folder beside it, then
    rename it into place (the first process wins). A folder that cannot be written (a
    read-only index) is logged: the reader computes `what` itself."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError as exc:
        log.info("Kan ikke lagre %s i %s (%s).", what, folder.parent, exc.strerror)
        return
    try:
        write(tmp)
        os.chmod(tmp, 0o755)
        os.rename(tmp, folder)
    except OSError:  # another process stored them first, or the disk is full
        shutil.rmtree(tmp, ignore_errors=True)


def drop_unused(root: Path, used: set[str]) -> None:
    """Remove the segment folders in root whose names are not in used (merged away)."""
    try:
        stale = [p for p in root.iterdir() if p.name not in used and not p.name.startswith(".")]
    except OSError:
        return
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def mapped(path: Path) -> np.ndarray:
    """An array file memory-mapped, as a plain ndarray over the map: np.memmap's indexing
    runs Python code (__getitem__, __array_finalize__) on every slice and lookup."""
    return np.load(path, mmap_mode="r").view(np.ndarray)
