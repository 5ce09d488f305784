"""Search the index: one long-lived Searcher per index folder, refreshed when the index changes."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from whoosh import index
from whoosh.query import And, Every, Or, Query, Term
from whoosh.sorting import FieldFacet

from kb import schema as f
from kb import settings
from kb.errors import IndexMissing, QueryError
from kb.facets import FacetTable
from kb.hits import highlighter, to_hit
from kb.planner import Plan, Planner
from kb.query import parse
from kb.rerank import RERANK_DEPTH, rerank
from kb.synonyms import SynonymTable

META_FILE = "kb_meta.json"
SORTS = ("relevance", "newest", "title")
MAX_LIMIT = 100
ORDER = ("query", "total", "took_ms", "suggestion", "message", "hits", "page", "pages", "facets")
MISSING = "Søkeindeksen er ikke bygget ennå. Kjør `kb index`."
SOME_WORDS = "Ingen treff med alle ordene; viser treff som har noen av dem."
NOTHING = "Ingen treff. Prøv færre ord, et annet ord for det samme, eller fjern filtre."


class Searcher:
    """Keeps a Whoosh searcher open across calls; refreshes it when the index changes."""

    def __init__(self, index_dir: Path, match: str = "ranked"):
        self.index_dir = Path(index_dir)
        self.match = match  # "ranked" (all words first), "all" (only all words), "any"
        self._lock = threading.RLock()
        self._searcher = None
        self._open()

    def _open(self) -> None:
        """Open (or reopen after a rebuild) the index, its synonyms and per-reader tables."""
        if not index.exists_in(str(self.index_dir)):
            raise IndexMissing(MISSING)
        try:
            ino = os.stat(self.index_dir).st_ino
            ix = index.open_dir(str(self.index_dir))
        except (OSError, index.EmptyIndexError):
            raise IndexMissing(MISSING) from None
        old, self._searcher, self._ino, self._ix = self._searcher, ix.searcher(), ino, ix
        meta_path = self.index_dir / META_FILE
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        self.synonyms = SynonymTable.from_json(meta.get("synonyms", []))
        self._tables_for(self._searcher)
        if old is not None:
            old.close()

    def _tables_for(self, searcher) -> None:
        self.facets = FacetTable(searcher.reader())
        self.planner = Planner(searcher, self.synonyms)

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
        max_chars = int(settings.get("MAX_QUERY_CHARS"))
        with self._lock:
            searcher = self._fresh()
            fq = self._filter(searcher, filters, kind)
            parsed = parse(query, self.synonyms, max_chars)
            out = {"query": parsed.text, "suggestion": None, "message": parsed.message}
            if parsed.clauses:
                plan = self.planner.plan(parsed)
                out["suggestion"] = plan.suggestion
                results, ordered, all_found = self._ranked(searcher, plan, fq, limit * page, sort)
                if not all_found:
                    out["message"] = out["message"] or SOME_WORDS
            elif parsed.message:
                results, ordered = None, None
            else:
                ordered = None
                results = self._run(
                    searcher, Every(), fq, limit * page, "newest" if sort == "relevance" else sort
                )
            out.update(self._page(results, limit, page, bool(parsed.clauses), ordered))
        if not out["total"] and not out["message"]:
            out["message"] = NOTHING
        out["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return {key: out[key] for key in ORDER}

    def _ranked(self, searcher, plan: Plan, fq: Query | None, depth: int, sort: str):
        """Results, hits in rank order (None: as Whoosh ranked them), and if all words matched.

        Default: any word matches, and the top RERANK_DEPTH hits are rescored so that those
        with every word come first. match="all" asks for every word, then falls back to any.
        """
        if len(plan.queries) == 1:
            return self._run(searcher, plan.queries[0], fq, depth, sort), None, True
        if self.match == "all":
            results = self._run(searcher, And(plan.queries), fq, depth, sort)
            if not results.is_empty():
                return results, None, True
        results = self._run(searcher, Or(plan.queries), fq, max(depth, RERANK_DEPTH), sort)
        ordered, all_found = rerank(list(results[:RERANK_DEPTH]), plan.needs)
        if self.match != "ranked" or sort != "relevance":
            ordered = None
        return results, ordered, all_found

    def _run(self, searcher, q: Query, fq: Query | None, limit: int, sort: str):
        """Run one query with the filter and sort order."""
        sortedby = None
        if sort == "newest":
            sortedby = [FieldFacet(f.DATE, reverse=True), FieldFacet(f.ORDER)]
        elif sort == "title":
            sortedby = [FieldFacet(f.SORT_TITLE), FieldFacet(f.ORDER)]
        results = searcher.search(q, limit=limit, filter=fq, sortedby=sortedby, terms=True)
        results.highlighter = highlighter()
        return results

    def _page(self, results, limit: int, page: int, highlight: bool, ordered=None) -> dict:
        """Total, hits of the page, page count and facet counts."""
        if results is None:
            return {"total": 0, "hits": [], "page": 1, "pages": 0, "facets": self.facets.empty()}
        docs = results.docs()
        total = len(docs)
        start = (page - 1) * limit
        page_hits = (ordered if ordered and start < len(ordered) else results)[start : start + limit]
        hits = [to_hit(hit, highlight) for hit in page_hits]
        return {
            "total": total,
            "hits": hits,
            "page": page,
            "pages": -(-total // limit),
            "facets": self.facets.count(docs),
        }

    def _filter(
        self, searcher, filters: dict[str, list[str]] | None, kind: str | None
    ) -> Query | None:
        """The filter query: OR within a field, AND across fields."""
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
        parts = [
            Or([Term(name, self.facets.canonical(name, v)) for v in values])
            for name, values in filters.items()
        ]
        return And(parts) if parts else None

    def more_like_this(self, case_id: str, limit: int = 5) -> list[dict]:
        """Cases like the given one (by the key terms of its text), best first."""
        with self._lock:
            searcher = self._fresh()
            docnum = searcher.document_number(**{f.ID_FIELD: case_id})
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            text = "\n".join(stored.get(k) or "" for k in (f.TITLE, f.SUMMARY, f.TEXT_FIELD))
            results = searcher.more_like(
                docnum, f.TEXT_FIELD, text=text, top=limit, numterms=12, filter=Term(f.KIND, "case")
            )
            return [to_hit(hit, highlight=False) for hit in results]

    def suggest(self, query: str) -> str | None:
        """«Mente du …?»: the query with unknown words replaced by known ones, or None."""
        with self._lock:
            self._fresh()
            parsed = parse(query, self.synonyms, int(settings.get("MAX_QUERY_CHARS")))
            return self.planner.plan(parsed).suggestion if parsed.clauses else None


def open_searcher(index_dir: Path) -> Searcher:
    """A Searcher for the index in index_dir (raises IndexMissing when there is none)."""
    return Searcher(index_dir)
