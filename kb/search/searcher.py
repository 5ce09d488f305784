"""Search the index: one long-lived Searcher per index folder, refreshed when the index changes."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import index

from kb import settings
from kb.errors import IndexMissing, QueryError
from kb.search import schema as f
from kb.search.engine import Engine, Ranking
from kb.search.facets import FacetTable
from kb.search.hits import to_hit
from kb.search.planner import Need, Planner
from kb.search.query import ParsedQuery, parse

SORTS = ("relevance", "newest", "title")
MAX_LIMIT = 100
ORDER = ("query", "total", "took_ms", "suggestion", "message", "hits", "page", "pages", "facets")
MISSING = "Søkeindeksen er ikke bygget ennå. Kjør `kb index`."
SOME_WORDS = "Ingen treff med alle ordene; viser treff som har noen av dem."
CACHED_RESULTS = 512  # whole results, per query, filters, page and sort, for one index version
NOTHING = "Ingen treff. Prøv færre ord, et annet ord for det samme, eller fjern filtre."


class Searcher:
    """Keeps a Whoosh searcher open across calls; refreshes it when the index changes."""

    def __init__(
        self, index_dir: Path, match: str = "ranked", config: settings.Config | None = None
    ):
        self.index_dir = Path(index_dir)
        self.max_query_chars = int((config or settings.defaults()).max_query_chars)
        self.match = match  # "ranked": all words first; "all": only all words, if any has them
        self._lock = threading.RLock()
        self._searcher = None
        self._results: OrderedDict[tuple, dict] = OrderedDict()
        self._open()

    def _open(self) -> None:
        """Open (or reopen after a rebuild) the index, its analysis and per-reader tables."""
        if not index.exists_in(str(self.index_dir)):
            raise IndexMissing(MISSING)
        try:
            ino = os.stat(self.index_dir).st_ino
            ix, analysis = f.open_index(self.index_dir)
        except (OSError, ValueError, index.EmptyIndexError):
            raise IndexMissing(MISSING) from None
        old, self._searcher, self._ino, self._ix = self._searcher, ix.searcher(), ino, ix
        self.analysis, self.synonyms = analysis, analysis.synonyms
        self._tables_for(self._searcher)
        if old is not None:
            old.close()

    def _tables_for(self, searcher) -> None:
        """Per-reader tables: facets and sort orders, the ranking engine, the planner."""
        self._results.clear()  # another index version: every remembered result is stale
        self.facets = FacetTable(searcher.reader())
        self.engine = Engine(searcher)
        self.planner = Planner(searcher.reader(), self.analysis)

    def _fresh(self):
        """The current searcher: reopened after a rebuild, refreshed after an update."""
        try:
            ino = os.stat(self.index_dir).st_ino
        except OSError:  # in the middle of a swap: keep answering from the old files
            return self._searcher
        if ino != self._ino:
            self._open()
        elif self._ix.latest_generation() != self._searcher.reader().generation():
            # A fresh searcher, not refresh(): whoosh-reloaded 2.7.5's reader reuse brings back
            # the pre-update segment, so an updated case would be counted twice.
            old, self._searcher = self._searcher, self._ix.searcher()
            self._tables_for(self._searcher)
            old.close()
        return self._searcher

    def close(self) -> None:
        """Release the index files."""
        with self._lock:
            self._searcher.close()

    def search(
        self,
        query: str,
        *,
        filters: dict[str, list[str]] | None = None,
        kind: str | None = None,
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
    ) -> dict:
        """Search cases and passages; an empty query with filters lists (browses) documents."""
        started = time.perf_counter()
        limit, page = max(1, min(int(limit), MAX_LIMIT)), max(1, int(page))
        if sort not in SORTS:
            raise QueryError(f"Ukjent sortering «{sort}». Bruk en av: {', '.join(SORTS)}.")
        key = _result_key(query, filters, kind, limit, page, sort)
        with self._lock:
            self._fresh()  # clears the remembered results when the index changed
            if key in self._results:
                self._results.move_to_end(key)
                out = dict(self._results[key])
                out["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
                return out
            allowed = self._allowed(filters, kind)
            parsed = parse(query, self.analysis, self.max_query_chars)
            out = {"query": parsed.text, "suggestion": None, "message": parsed.message}
            ranking = self._ranking(parsed, allowed, out)
            version = self._searcher  # the result belongs to this reader
            if not parsed.clauses and sort == "relevance":
                sort = "newest"  # browsing: newest first unless asked otherwise
            out.update(self._page(ranking, limit, page, sort))
        if not out["total"] and not out["message"]:
            out["message"] = NOTHING
        out["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        result = {k: out[k] for k in ORDER}
        with self._lock:
            if self._searcher is not version:  # the index changed meanwhile: do not keep it
                return dict(result)
            self._results[key] = result
            if len(self._results) > CACHED_RESULTS:
                self._results.popitem(last=False)
        return dict(result)

    def _ranking(self, parsed: ParsedQuery, allowed: np.ndarray, out: dict) -> Ranking:
        """Rank for the query's clauses, or list every allowed document when there are none."""
        if parsed.clauses:
            plan = self.planner.plan(parsed)
            out["suggestion"] = plan.suggestion
            ranking = self.rank(plan.needs, allowed)
            if len(plan.needs) > 1 and not ranking.all_found:
                out["message"] = out["message"] or SOME_WORDS
            return ranking
        if parsed.message:  # only stop words: nothing to search for
            return Ranking(np.zeros(1), np.zeros(1, dtype=bool), False, set())
        return Ranking(np.zeros(self.engine.size), allowed & self.engine.live, True, set())

    def rank(self, needs: list[Need], allowed: np.ndarray) -> Ranking:
        """Score the documents for the needs (see kb.search.engine)."""
        return self.engine.rank(needs, allowed, every=self.match == "all")

    def _page(self, ranking: Ranking, limit: int, page: int, sort: str) -> dict:
        """Total, hits of the page, page count and facet counts."""
        total = int(ranking.matched.sum())
        if not total:
            return {"total": 0, "hits": [], "page": page, "pages": 0, "facets": self.facets.empty()}
        if sort == "relevance":
            docs = ranking.top(limit * page)
        else:
            matched = np.flatnonzero(ranking.matched)
            docs = matched[np.argsort(self.facets.order(sort)[matched], kind="stable")]
        searcher = self._searcher
        hits = [
            to_hit(
                searcher.stored_fields(int(d)),
                float(ranking.scores[d]),
                ranking.terms,
                self.analysis,
            )
            for d in docs[(page - 1) * limit : page * limit]
        ]
        return {
            "total": total,
            "hits": hits,
            "page": page,
            "pages": -(-total // limit),
            "facets": self.facets.count(ranking.matched),
        }

    def _allowed(self, filters: dict[str, list[str]] | None, kind: str | None) -> np.ndarray:
        """The documents the filters allow: any value within a field, every field."""
        filters = {k: list(v) for k, v in (filters or {}).items() if v}
        if kind:
            filters[f.KIND] = [kind]
        unknown = sorted(set(filters) - set(f.FACETS))
        if unknown:
            raise QueryError(
                f"Ukjent filter «{unknown[0]}». Gyldige filtre: {', '.join(f.FACETS)}."
            )
        if kind and kind not in f.KINDS:
            raise QueryError(f"Ukjent type «{kind}». Bruk «case» eller «passage».")
        allowed = np.ones(self.engine.size, dtype=bool)
        for name, values in filters.items():
            allowed &= self.facets.mask(name, [str(v) for v in values])
        return allowed

    def more_like_this(self, case_id: str, limit: int = 5) -> list[dict]:
        """Cases like the given one (by the key terms of its text), best first."""
        with self._lock:
            searcher = self._fresh()
            docnum = searcher.document_number(**{f.ID_FIELD: case_id})
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            text = "\n".join(stored.get(k) or "" for k in (f.TITLE, f.SUMMARY, f.TEXT_FIELD))
            key_terms = searcher.key_terms_from_text(f.TEXT_FIELD, text, numterms=12)
            needs = [Need(((term,),)) for term, _ in key_terms]
            allowed = self.facets.mask(f.KIND, ["case"])
            allowed[docnum] = False
            ranking = self.engine.rank(needs, allowed, every=False)
            return [
                to_hit(
                    searcher.stored_fields(int(d)), float(ranking.scores[d]), set(), self.analysis
                )
                for d in ranking.top(limit)
            ]

    def suggest(self, query: str) -> str | None:
        """«Mente du …?»: the query with unknown words replaced by known ones, or None."""
        with self._lock:
            self._fresh()
            parsed = parse(query, self.analysis, self.max_query_chars)
            return self.planner.plan(parsed).suggestion if parsed.clauses else None


def _result_key(query, filters, kind, limit, page, sort) -> tuple:
    """The normalised request: spacing and the order of filter values do not matter."""
    chosen = tuple(sorted((k, tuple(sorted(map(str, v)))) for k, v in (filters or {}).items() if v))
    return (" ".join(str(query).split()), chosen, kind, limit, page, sort)


def open_searcher(index_dir: Path, config: settings.Config | None = None) -> Searcher:
    """A Searcher for the index in index_dir (raises IndexMissing when there is none)."""
    return Searcher(index_dir, config=config)
