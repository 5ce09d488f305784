"""Facet counts over the matched documents, from a per-reader table of each document's values."""

from __future__ import annotations

from collections import Counter
from itertools import chain

from kb import schema as f


class FacetTable:
    """For one reader: every document's values in each facet field, and their spellings."""

    def __init__(self, reader):
        size = reader.doc_count_all()
        self.values: dict[str, list[tuple[str, ...]]] = {}
        self.spellings: dict[str, dict[str, str]] = {}
        for name in f.FACETS:
            per_doc: list[tuple[str, ...]] = [()] * size
            spellings: dict[str, str] = {}
            for raw in reader.lexicon(name):
                value = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                spellings[value.lower()] = value
                for docnum in reader.postings(name, raw).all_ids():
                    per_doc[docnum] = (*per_doc[docnum], value)
            self.values[name], self.spellings[name] = per_doc, spellings

    def canonical(self, name: str, value: str) -> str:
        """The value as the index spells it (filters ignore case: «oslo» finds «Oslo»)."""
        value = str(value).strip()
        return self.spellings.get(name, {}).get(value.lower(), value)

    def count(self, docnums) -> dict[str, list[list]]:
        """{field: [[value, count], …]} over the given documents, most common first."""
        out = {}
        for name, per_doc in self.values.items():
            counts = Counter(chain.from_iterable(map(per_doc.__getitem__, docnums)))
            if name == f.YEAR:
                ordered = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
            else:
                ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            out[name] = [[value, n] for value, n in ordered]
        return out

    def empty(self) -> dict[str, list]:
        """Facets of an empty result."""
        return {name: [] for name in f.FACETS}
