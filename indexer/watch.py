"""`kb serve --watch`: watch content/grep (watchfiles) and re-index each changed case file alone."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles
from whoosh.index import LockError

from indexer.build import update_case
from kb.content.problems import Problem
from kb.errors import KbError

log = logging.getLogger(__name__)
READY_SECONDS = 10.0  # start() waits at most this long for the watch to be in place


@dataclass(frozen=True)
class Change:
    """What became of one changed case file: oppdatert, slettet, uendret (it has errors) or feil."""

    path: Path
    action: str
    problems: list[Problem] = field(default_factory=list)
    note: str = ""


def is_case_file(path: str | Path) -> bool:
    """A case file, not an editor's swap, backup or lock file (.x.md.swp, .#x.md, x.md~)."""
    name = Path(path).name
    return name.endswith(".md") and not name.startswith((".", "#"))


class CaseFilter(watchfiles.DefaultFilter):
    """watchfiles' default filter (no .git, __pycache__ …), narrowed to case files."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return super().__call__(change, path) and is_case_file(path)


class Watcher:
    """A daemon thread that re-indexes changed case files and then calls on_change.

    `debounce` (seconds) gathers the several events one save makes into one batch.
    """

    def __init__(
        self,
        content_root: Path,
        index_dir: Path,
        on_change: Callable[[list[Change]], None],
        debounce: float = 0.2,
        source_dirs: tuple[Path, ...] = (),
    ):
        self.content_root, self.index_dir = Path(content_root), Path(index_dir)
        self.folder = self.content_root / "grep"
        self.on_change, self.debounce, self.source_dirs = on_change, debounce, source_dirs
        self._stop, self._ready = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def handle(self, paths: Iterable[Path]) -> list[Change]:
        """Re-index the given changed case files; tell on_change about them."""
        changes = [self.update(Path(p)) for p in sorted(set(map(Path, paths)))]
        if changes:
            self.on_change(changes)
        return changes

    def update(self, path: Path) -> Change:
        """Re-index one file; a missing or locked index is reported, not raised."""
        try:
            action, problems = update_case(
                self.index_dir, path, self.content_root, self.source_dirs
            )
        except (KbError, LockError, OSError) as exc:
            return Change(path, "feil", [], f"søkeindeksen ble ikke oppdatert: {exc}")
        return Change(path, action, problems)

    def run(self) -> None:
        """Handle batches of changes until stopped; the first (empty) batch means ready."""
        batches = watchfiles.watch(
            self.folder,
            watch_filter=CaseFilter(),
            debounce=int(self.debounce * 1000),
            step=50,
            rust_timeout=100,
            yield_on_timeout=True,  # an empty batch each 0.1 s: the first one says "ready"
            stop_event=self._stop,
            raise_interrupt=False,
        )
        for batch in batches:
            self._ready.set()
            if not batch:
                continue
            try:
                self.handle(path for _, path in batch)
            except Exception:  # one failed batch (say, a broken vocabulary) must not end it
                log.exception("kb serve --watch: sjekken av endrede filer feilet")

    def start(self) -> None:
        """Start watching in a daemon thread; returns once changes from now on are seen."""
        self._thread = threading.Thread(target=self.run, name="kb-watch", daemon=True)
        self._thread.start()
        self._ready.wait(READY_SECONDS)

    def stop(self) -> None:
        """Stop watching and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
