"""Facet values per document (for filters and counts) and sort keys, as arrays per reader."""

from __future__ import annotations

import numpy as np

from kb.search import schema as f
from kb.search.tables import Tables


class FacetTable:
    """For one reader: each facet field as (document, value) pairs, and the sort orders."""

    def __init__(self, tables: Tables):
        self.size = tables.size
        self.values: dict[str, list[str]] = {n: v for n, (v, _, _) in tables.facets.items()}
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {
            n: (docs, ids) for n, (_, docs, ids) in tables.facets.items()
        }
        self._lower = {n: {v.lower(): i for i, v in enumerate(vs)} for n, vs in self.values.items()}
        self._orders: dict[str, np.ndarray] = {}
        self.tables = tables

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
            docs = np.arange(self.size)
            if sort == "newest":  # the latest date first, no date last
                first = -self.tables.keys[f.DATE][1]
            else:
                first = self.tables.keys[f.SORT_TITLE][1]
            keys = np.lexsort((docs, self.tables.order, first))  # the last key sorts first
            rank = np.empty(self.size, dtype=np.int64)
            rank[keys] = docs
            self._orders[sort] = rank
        return self._orders[sort]
