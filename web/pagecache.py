"""Rendered pages kept per process, each with everything it was rendered from.

A search page, its JSON twin and a case page are pure functions of the content, the request's
address and a few inputs that come from the index (the search result, «Lignende grep», the
case's version). A page is kept with those inputs and served again only while they are equal
to what the view finds now: after an index swap the searcher gives another result (or the
same one, and then the page is the same too), after a content change the whole cache empties.
What the view still does per request is what it needs to find the inputs (a cached search,
cached similar cases), not the rendering (~3-8 ms of CPU per page on the bundled content).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, request

T = TypeVar("T")
PAGES = 512  # per process: a page is ~20-60 kB (a search page in UTF-8): ~20-60 MB


class PageCache:
    """A bounded LRU of rendered bodies, each valid for one content and one set of inputs."""

    def __init__(self, size: int = PAGES):
        self.size = size
        self._pages: OrderedDict[tuple, tuple[object, object]] = OrderedDict()
        self._content: object = None
        self._lock = threading.Lock()

    def get(self, key: tuple, content: object, inputs: object) -> object | None:
        """The body kept for key, if it was rendered from this content and equal inputs."""
        with self._lock:
            if content is not self._content:
                return None
            entry = self._pages.get(key)
            if entry is None or entry[0] != inputs:
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, content: object, inputs: object, body: object) -> None:
        """Keep body for key; another content than the last one's empties the cache first."""
        with self._lock:
            if content is not self._content:
                self._pages.clear()
                self._content = content
            self._pages[key] = (inputs, body)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def page(
        self, key: tuple | None, content: object, inputs: object, render: Callable[[], T]
    ) -> T:
        """The body kept for key and these inputs, else render() (kept unless key is None).

        A kept body is named in g.kb_kept_body: served as it is, it is the same object each
        time, and web/compress.py finds its gzip by that identity instead of by its hash."""
        body = self.get(key, content, inputs) if key else None
        if body is None:
            body = render()
            if key:
                self.put(key, content, inputs, body)
        if key:
            g.kb_kept_body = body
        return body

    def clear(self) -> None:
        """Forget every page (the benchmarks measure rendering with this)."""
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def page_key(kind: str, *parts: object) -> tuple | None:
    """The cache key of this request's page, or None when pages are not cached here (the
    editor's preview with --watch shows the file's problems; the static export renders each
    page once). The scheme, host and application root are part of it: a page's links and
    site_url() (the configured address, or the request's host) come from them."""
    config = current_app.config
    if config.get("WATCH") or config.get("STATIC"):
        return None
    return (kind, request.scheme, request.host, request.script_root, *parts)


def search_inputs(result: dict) -> dict:
    """What a search page is rendered from: the result without its timing."""
    return {k: v for k, v in result.items() if k != "took_ms"}
