"""`kb serve --watch`: poll content/grep for changed case files and re-index each one alone."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.index import LockError

from indexer.build import update_case
from kb.content.problems import Problem
from kb.errors import KbError

log = logging.getLogger(__name__)
Stamp = dict[Path, tuple[int, int]]  # case file -> (mtime_ns, size)


@dataclass(frozen=True)
class Change:
    """What became of one changed case file: oppdatert, slettet, uendret (it has errors) or feil."""

    path: Path
    action: str
    problems: list[Problem] = field(default_factory=list)
    note: str = ""


def scan(folder: Path) -> Stamp:
    """Every case file under folder with its modification time and size (editor files skipped)."""
    out: Stamp = {}
    for path in folder.rglob("*.md"):
        if path.name.startswith((".", "#")):  # swap, backup and lock files of editors
            continue
        try:
            st = path.stat()
        except OSError:  # deleted between listing and stat, or a dangling lock link
            continue
        out[path] = (st.st_mtime_ns, st.st_size)
    return out


def changed(before: Stamp, after: Stamp) -> list[Path]:
    """The files added, changed or deleted between two scans."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class Watcher:
    """A daemon thread that re-indexes changed case files and then calls on_change."""

    def __init__(
        self,
        content_root: Path,
        index_dir: Path,
        on_change: Callable[[list[Change]], None],
        interval: float = 1.0,
    ):
        self.content_root, self.index_dir = Path(content_root), Path(index_dir)
        self.folder = self.content_root / "grep"
        self.on_change, self.interval = on_change, interval
        self._state = scan(self.folder)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> list[Change]:
        """Re-index the case files changed since the last poll; tell on_change about them."""
        state = scan(self.folder)
        paths, self._state = changed(self._state, state), state
        changes = [self.update(p) for p in paths]
        if changes:
            self.on_change(changes)
        return changes

    def update(self, path: Path) -> Change:
        """Re-index one file; a missing or locked index is reported, not raised."""
        try:
            action, problems = update_case(self.index_dir, path, self.content_root)
        except (KbError, LockError, OSError) as exc:
            return Change(path, "feil", [], f"søkeindeksen ble ikke oppdatert: {exc}")
        return Change(path, action, problems)

    def run(self) -> None:
        """Poll every interval until stopped."""
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # one failed poll (say, a broken vocabulary) must not end the preview
                log.exception("kb serve --watch: sjekken av endrede filer feilet")

    def start(self) -> None:
        """Start watching in a daemon thread."""
        self._thread = threading.Thread(target=self.run, name="kb-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
