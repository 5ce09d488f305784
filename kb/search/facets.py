"""Facet values per document (for filters and counts) and sort keys, as arrays per reader."""

from __future__ import annotations

import numpy as np

from kb.search import schema as f


class FacetTable:
    """For one reader: each facet field as (document, value) pairs, and the sort orders."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.values: dict[str, list[str]] = {}
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in f.FACETS:
            values, docs, ids = [], [], []
            for raw in reader.lexicon(name):
                posting = np.fromiter(reader.postings(name, raw).all_ids(), dtype=np.int64)
                docs.append(posting)
                ids.append(np.full(len(posting), len(values), dtype=np.int64))
                values.append(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
            self.values[name] = values
            self.pairs[name] = (
                (np.concatenate(docs), np.concatenate(ids))
                if docs
                else (np.zeros(0, np.int64), np.zeros(0, np.int64))
            )
        self._lower = {n: {v.lower(): i for i, v in enumerate(vs)} for n, vs in self.values.items()}
        self._orders: dict[str, np.ndarray] = {}
        self.reader = reader

    def mask(self, name: str, wanted: list[str]) -> np.ndarray:
        """Documents with any of the values (case does not matter: «oslo» finds «Oslo»)."""
        ids = [
            self._lower[name][v.strip().lower()]
            for v in wanted
            if v.strip().lower() in self._lower[name]
        ]
        docs, values = self.pairs[name]
        out = np.zeros(self.size, dtype=bool)
        out[docs[np.isin(values, ids)]] = True
        return out

    def count(self, matched: np.ndarray) -> dict[str, list[list]]:
        """{field: [[value, count], …]} over the matched documents, most common first."""
        out = {}
        for name, (docs, values) in self.pairs.items():
            counts = np.bincount(values[matched[docs]], minlength=len(self.values[name]))
            found = [(self.values[name][i], int(n)) for i, n in enumerate(counts) if n]
            if name == f.YEAR:
                found.sort(key=lambda kv: kv[0], reverse=True)
            else:
                found.sort(key=lambda kv: (-kv[1], kv[0]))
            out[name] = [list(kv) for kv in found]
        return out

    def empty(self) -> dict[str, list]:
        """Facets of an empty result."""
        return {name: [] for name in f.FACETS}

    def order(self, sort: str) -> np.ndarray:
        """Each document's rank in a browse order: "newest" or "title" (then passage order)."""
        if sort not in self._orders:
            date, title, order = (
                list(self.reader.column_reader(name)) for name in (f.DATE, f.SORT_TITLE, f.ORDER)
            )
            if sort == "newest":
                keys = sorted(range(self.size), key=lambda i: (_desc(date[i]), order[i], i))
            else:
                keys = sorted(range(self.size), key=lambda i: (title[i], order[i], i))
            rank = np.empty(self.size, dtype=np.int64)
            rank[np.asarray(keys, dtype=np.int64)] = np.arange(self.size)
            self._orders[sort] = rank
        return self._orders[sort]


def _desc(text) -> tuple:
    """A key that sorts text in descending order."""
    text = text.decode("utf-8") if isinstance(text, bytes) else str(text or "")
    return tuple(-ord(c) for c in text) + (1,)
