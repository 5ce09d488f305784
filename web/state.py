"""Per-process state: the content (reloaded when its files change) and one long-lived Searcher."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from werkzeug.routing import BaseConverter

from kb import history, settings
from kb.content.loader import Content, load_content
from kb.search.searcher import Searcher
from web.pagecache import PageCache

KEY = "gode_grep"
# How often at most the content folder is checked for changes. A lazy check on request, not a
# watchfiles thread: the stamp costs ~4 ms, and a thread per app would hold an inotify instance.
RELOAD_SECONDS = 2.0
SIMILAR_KEPT = 4096  # «Lignende grep» lists kept, for one index version (~1 kB each)
HISTORY_SECONDS = 60.0  # a commit need not touch a file's mtime: read the history again after
CONTENT_FOLDERS = ("grep", "sources", "vocabulary", "registers")


class SlugConverter(BaseConverter):
    """Ids of cases, sources and vocabulary terms: lower-case letters, digits and hyphens."""

    regex = r"[a-z0-9][a-z0-9-]{0,119}"


def content_stamp(root: Path) -> tuple:
    """Names, sizes and modification times of the content files: changes when any file does."""
    entries = []
    for folder in CONTENT_FOLDERS:
        for dirpath, _dirs, files in os.walk(root / folder):
            for name in files:
                st = os.stat(os.path.join(dirpath, name))
                entries.append((dirpath, name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(entries))


class Site:
    """What the views read: content, things derived from it, and the searcher."""

    def __init__(
        self,
        content_root: Path,
        index_dir: Path,
        source_dirs: tuple[Path, ...],
        config: settings.Config | None = None,
    ):
        self.content_root, self.index_dir, self.source_dirs = content_root, index_dir, source_dirs
        self.config = config or settings.defaults()
        self._lock = threading.Lock()
        self._content: Content | None = None
        self._stamp: tuple = ()
        self._checked = 0.0
        self._derived: dict[str, object] = {}
        self._searcher: Searcher | None = None
        self._similar: tuple[object, OrderedDict] = (None, OrderedDict())  # (version, lists)
        self._history: tuple[Content, float, dict | None] | None = None
        self._pinned = False
        self.pages = PageCache()  # rendered pages with what they were rendered from

    def pin(self, content: Content) -> None:
        """Serve this content and never reload it (the static export renders one version)."""
        self._content, self._pinned, self._derived = content, True, {}

    @classmethod
    def from_config(cls, config: settings.Config) -> Site:
        """A Site for the config's CONTENT_DIR, INDEX_DIR and SOURCES settings."""
        return cls(config.content_dir, config.index_dir, config.sources, config)

    def content(self) -> Content:
        """The loaded content; reloaded when a file changed (checked every few seconds)."""
        now = time.monotonic()
        if self._pinned or (self._content is not None and now - self._checked < RELOAD_SECONDS):
            return self._content
        # While one request reads a changed folder, the others keep the version they have:
        # a slow file (a large or hostile case) must not stall every request behind the lock.
        if not self._lock.acquire(blocking=self._content is None):
            return self._content
        try:
            if self._content is None or now - self._checked >= RELOAD_SECONDS:
                stamp = content_stamp(self.content_root)
                if self._content is None or stamp != self._stamp:
                    self._content = load_content(self.content_root, source_dirs=self.source_dirs)
                    self._stamp, self._derived = stamp, {}
                self._checked = now
            return self._content
        finally:
            self._lock.release()

    def reload(self) -> Content:
        """Read the content again now (the editor's preview calls this after a change)."""
        with self._lock:
            self._content = load_content(self.content_root, source_dirs=self.source_dirs)
            self._stamp, self._derived = content_stamp(self.content_root), {}
            self._checked, self._similar = time.monotonic(), (None, OrderedDict())
            return self._content

    def derived(self, name: str, build: Callable[[Content], object]):
        """build(content), computed once per version of the content."""
        content = self.content()
        key = f"{name}:{id(content)}"
        if key not in self._derived:
            self._derived[key] = build(content)
        return self._derived[key]

    def history(self) -> dict[str, tuple[history.Revision, ...]] | None:
        """The case files' commits (None: no history), read once per content and minute."""
        content, now = self.content(), time.monotonic()
        cached = self._history
        if cached is None or cached[0] is not content or now - cached[1] > HISTORY_SECONDS:
            cached = (content, now, history.folder_history(self.content_root / "grep"))
            self._history = cached
        return cached[2]

    def searcher(self) -> Searcher:
        """The process's Searcher (raises IndexMissing until the index is built)."""
        if self._searcher is None:
            with self._lock:
                if self._searcher is None:
                    self._searcher = Searcher(self.index_dir, config=self.config)
        return self._searcher

    def similar(self, case_id: str, limit: int) -> list[dict]:
        """More-like-this hits for a case, remembered for the index version they come from.

        The version is read before the list is made: a swap in between keeps the newer list
        under the older version, which no later request asks for.
        """
        searcher = self.searcher()
        version = searcher.version()
        kept_version, lists = self._similar
        if kept_version != version:  # another index: every kept list may have changed
            lists = OrderedDict()
            self._similar = (version, lists)
        key = (case_id, limit)
        with self._lock:
            found = lists.get(key)
            if found is not None:
                lists.move_to_end(key)
                return found
        found = searcher.more_like_this(case_id, limit)
        with self._lock:
            lists[key] = found
            while len(lists) > SIMILAR_KEPT:
                lists.popitem(last=False)
        return found


def site() -> Site:
    """The Site of the current app."""
    return current_app.extensions[KEY]
