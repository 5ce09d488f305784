"""The JSON text of a search result, as jsonify() writes it, with the hits' locations encoded
once per list.

A hit's «locations» (every place in the reports a case or passage cites) are ~40 % of an
/api/sok body and the same, read-only list every time the document is a hit (the searcher
shares its parsed stored data between searches). Their text is kept by the list's identity,
with the list itself, so an id is never taken for another list's while it is kept; a document
whose data changes (an index swap or a one-case update) comes with a new list. The rest of
the body is encoded per request, and the whole is byte for byte jsonify()'s
(tests/test_search_cost.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask

KEPT = 4096  # encoded locations lists per app: ~1 kB of text each
MARK = "\x00locations\x00"  # stands for a hit's locations while the body is encoded
COMPACT = {"separators": (",", ":")}  # what jsonify() passes to dumps() outside debug mode


class Encoded:
    """The JSON text of read-only values, kept by identity (a bounded LRU)."""

    def __init__(self, size: int = KEPT):
        self.size = size
        self._kept: OrderedDict[int, tuple[object, str]] = OrderedDict()
        self._lock = threading.Lock()

    def text(self, value: object, dumps) -> str:
        """dumps(value), from what is kept for this very object when it is kept."""
        with self._lock:
            found = self._kept.get(id(value))
            if found is not None and found[0] is value:
                self._kept.move_to_end(id(value))
                return found[1]
        text = dumps(value)
        with self._lock:
            self._kept[id(value)] = (value, text)  # holding value keeps its id its own
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return text


def jsonify_text(app: Flask, data: dict) -> str:
    """jsonify(data).get_data(as_text=True) for a search result (a dict with "hits")."""
    provider = app.json
    if (provider.compact is None and app.debug) or provider.compact is False:
        return provider.response(data).get_data(as_text=True)  # indented: encoded whole

    def dumps(value) -> str:
        return provider.dumps(value, **COMPACT)

    hits = data.get("hits") or []
    shown = [{**hit, "locations": MARK} if "locations" in hit else hit for hit in hits]
    pieces = dumps({**data, "hits": shown}).split(dumps(MARK))
    kept = app.extensions.get("kb_encoded") or app.extensions.setdefault("kb_encoded", Encoded())
    texts = [kept.text(hit["locations"], dumps) for hit in hits if "locations" in hit]
    if len(pieces) != len(texts) + 1:  # the mark in some other text (a query, say)
        return f"{dumps(data)}\n"
    out = [pieces[0]]
    for text, piece in zip(texts, pieces[1:], strict=True):
        out += (text, piece)
    return "".join(out) + "\n"
