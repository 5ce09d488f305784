"""Search the index: one long-lived Searcher per index folder, refreshed when the index changes."""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

from kb import settings
from kb.errors import QueryError
from kb.search import schema as f
from kb.search import warmup
from kb.search.engine import Engine
from kb.search.facets import SORTS, FacetTable
from kb.search.hits import to_hit
from kb.search.planner import Need, Planner
from kb.search.query import ParsedQuery, parse
from kb.search.ranking import Ranking
from kb.search.result import CACHED_RESULTS, NOTHING, ORDER, SOME_WORDS, result_key
from kb.search.similar import case_key_terms
from kb.search.tables import load as load_tables
from kb.search.tables import remove_unused as remove_unused_tables
from kb.search.versions import IndexVersions
from kb.search.warmup import CACHED_STORED, WARM_PAGE, WARM_QUERIES, WARM_QUERY
from kb.search.words import Words

MAX_LIMIT = 100


class Searcher(IndexVersions):
    """Keeps a Whoosh searcher open across calls; refreshes it when the index changes
    (kb.search.versions)."""

    def __init__(
        self, index_dir: Path, match: str = "ranked", config: settings.Config | None = None
    ):
        super().__init__(index_dir)
        self.max_query_chars = int((config or settings.defaults()).max_query_chars)
        self.match = match  # "ranked": all words first; "all": only all words, if any has them
        self._warm_ino = self._warm_gen = None  # the reader warm() last warmed
        self._results: OrderedDict[tuple, dict] = OrderedDict()
        self._stored: OrderedDict[int, dict] = OrderedDict()  # documents' stored fields
        self._segment_tables: dict = {}  # the arrays of the segments in use (kb.search.arrays)
        self._case_weights: dict = {}  # the case term weights of those segments (kb.search.similar)
        self._segment_words: dict = {}  # the word tables of those segments (kb.search.words)
        self._open()

    def _install(self, version: tuple) -> None:
        """Answer from this version from now on: (folder inode, index, analysis, searcher,
        tables); the previous searcher is closed."""
        ino, ix, analysis, searcher, tables = version
        with self._lock:
            old, self._searcher, self._ino, self._ix = self._searcher, searcher, ino, ix
            self.analysis, self.synonyms = analysis, analysis.synonyms
            self.facets, self.engine, self.planner, self.words = tables
            self._results.clear()  # another index version: every remembered result is stale
            self._stored.clear()
        if old is not None:
            old.close()

    def _tables(self, ix, searcher, analysis, updated: bool = False) -> tuple:
        """Per-reader tables: facets and sort orders, the ranking engine, the planner, the
        snippet fields' word tables.

        The arrays are memory-mapped from the index folder (kb.search.tables); the postings
        already read are kept for the segments the new reader still has, and after an update
        of the same index the terms tables are patched from the previous reader's.
        """
        reader = searcher.reader()
        tables = load_tables(reader, self.index_dir, self._segment_tables)
        if reader.generation() == ix.latest_generation():
            remove_unused_tables(self.index_dir, reader)  # of segments merged away
        with self._lock:  # the previous engine's caches are copied while no search uses them
            engine, planner = (self.engine, self.planner) if updated else (None, None)
            engine = Engine(searcher, tables, engine)
            return (
                FacetTable(tables),
                engine,
                Planner(reader, analysis, planner, engine.knows),
                Words(reader, self.index_dir, analysis.key, self._segment_words),
            )

    def warm(self) -> None:
        """Load what the first query would otherwise wait for: the spelling dictionary, each
        field's stems for fuzzy matching, the facet orders, the stored fields of the documents
        most hits are, and the warm-up searches."""
        with self._lock:
            self._fresh()
            tables = (self.facets, self.engine, self.planner)
            warmup.warmed(self.analysis, self._searcher, tables, hits=False)
            self._warm_gen = self._searcher.reader().generation()
            self._warm_ino = self._ino
            self._stored = warmup.stored_docs(self._searcher, self.facets)  # for this very reader
        self._warm_searches()

    def rehearse(self) -> None:
        """The warm-up searches again, their results forgotten: after a full collection
        (kb.cli.serve.settle), which has just walked every object the process holds, so a
        search that comes right after finds the search's code and data back in the
        processor's caches (docs/sok.md «Et søk til etter den fulle ryddingen»)."""
        self._warm_searches()

    def _warm_searches(self) -> None:
        """Search the warm-up queries once, a page of hits each, and forget their results (a
        visitor asking one of them is answered as if it were new)."""
        for query in WARM_QUERIES:
            self.search(query, limit=WARM_PAGE)
        self.search(WARM_QUERY, limit=WARM_PAGE, filters={f.KIND: ["case"]})
        with self._lock:
            self._results.clear()

    def refresh(self) -> bool:
        """Reopen after a rebuild or update and warm the new reader; True when it changed.

        The next version is opened and warmed beside the searches, which answer from the
        version in use meanwhile; then it replaces it at once. The searches after it pay for
        neither the reload nor the warm-up.
        """
        with self._reloading:
            version = self._next()
            if version is not None:
                warmup.warmed(*version[2:])
                with self._lock:
                    self._install(version)
                    self._warm_ino, self._warm_gen = self._ino, version[3].reader().generation()
                return True
        with self._lock:  # reloaded by a search, but not warmed yet
            now = (self._ino, self._searcher.reader().generation())
            changed = now != (self._warm_ino, self._warm_gen)
        if changed:
            self.warm()
        return changed

    def search(
        self,
        query: str,
        *,
        filters: dict[str, list[str]] | None = None,
        kind: str | None = None,
        limit: int = 10,
        page: int = 1,
        sort: str = "relevance",
        prefer: list[tuple[str, list[str]]] | None = None,
    ) -> dict:
        """Search cases and passages; an empty query with filters lists (browses) documents.

        `prefer` lists (facet field, values) in order of weight: documents with the first
        come first, then those with the second, …, each group in the `sort` order (used for
        «kommuner som ligner oss»: same size class, then same fylke).
        """
        started = time.perf_counter()
        limit, page = max(1, min(int(limit), MAX_LIMIT)), max(1, int(page))
        if sort not in SORTS:
            raise QueryError(f"Ukjent sortering «{sort}». Bruk en av: {', '.join(SORTS)}.")
        key = result_key(query, filters, kind, limit, page, sort, prefer)
        if self.background_refresh:
            self._current()  # outside the lock: refresh() takes it to install what it made
        with self._lock:
            self._fresh()  # clears the remembered results when the index changed
            if key in self._results:
                self._results.move_to_end(key)
                out = dict(self._results[key])
                out["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
                return out
            allowed = self._allowed(filters, kind)
            self._check_fields(dict(prefer or ()))
            parsed = parse(query, self.analysis, self.max_query_chars)
            out = {"query": parsed.text, "suggestion": None, "message": parsed.message}
            ranking = self._ranking(parsed, allowed, out, limit * page)
            version = self._searcher  # the result belongs to this reader
            if not parsed.clauses and sort == "relevance":
                sort = "newest"  # browsing: newest first unless asked otherwise
            out.update(self._page(ranking, limit, page, sort, prefer or []))
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

    def _ranking(self, parsed: ParsedQuery, allowed: np.ndarray, out: dict, shown: int) -> Ranking:
        """Rank for the query's clauses (a page needing `shown` matched documents), or list
        every allowed document when there are none."""
        if parsed.clauses:
            plan = self.planner.plan(parsed)
            out["suggestion"] = plan.suggestion
            ranking = self.rank(plan.needs, allowed, shown)
            if len(plan.needs) > 1 and not ranking.all_found:
                out["message"] = out["message"] or SOME_WORDS
            return ranking
        if parsed.message:  # only stop words: nothing to search for
            return Ranking(np.zeros(1), np.zeros(1, dtype=bool), "all")
        return Ranking(np.zeros(self.engine.size), allowed & self.engine.live, "all")

    def rank(self, needs: list[Need], allowed: np.ndarray, shown: int | None = None) -> Ranking:
        """Score the documents for the needs (see kb.search.engine)."""
        return self.engine.rank(needs, allowed, every=self.match == "all", shown=shown)

    def _page(self, ranking: Ranking, limit: int, page: int, sort: str, prefer: list) -> dict:
        """Total, hits of the page, page count and facet counts."""
        total = int(ranking.matched.sum())
        counts = {"case": 0, "passage": 0}
        if not total:
            empty = {"hits": [], "page": page, "pages": 0, "facets": self.facets.empty()}
            return {"total": 0, "match": ranking.mode, "counts": counts, **empty}
        facets = self.facets.count(ranking.matched)
        counts.update((kind, n) for kind, n in facets.get(f.KIND, ()))
        if sort == "relevance" and not prefer:
            docs = ranking.top(limit * page)
        else:
            docs = self._ordered(ranking, sort, prefer)
        shown = docs[(page - 1) * limit : page * limit]
        last = page == -(-total // limit)
        if sort == "relevance" and not prefer and len(shown) < limit and last:
            # A short last page goes on with documents that have some of the words, marked.
            extra = ranking.fill(limit - len(shown))
        else:
            extra = docs[:0]
        hits = self._hits(ranking, [*shown.tolist(), *extra.tolist()])
        for hit in hits[len(shown) :]:
            hit["partial"] = True
        return {
            "total": total,
            "match": ranking.mode,
            "counts": counts,
            "hits": hits,
            "page": page,
            "pages": -(-total // limit),
            "facets": facets,
        }

    def _ordered(self, ranking: Ranking, sort: str, prefer: list) -> np.ndarray:
        """Every matched document in the sort order, the preferred groups first."""
        matched = np.flatnonzero(ranking.matched)
        if sort == "relevance":
            docs = matched[np.argsort(-ranking.scores[matched], kind="stable")]
        else:
            docs = matched[np.argsort(self.facets.order(sort)[matched], kind="stable")]
        key = np.zeros(len(docs), dtype=np.int64)
        for weight, (name, values) in enumerate(reversed(prefer)):
            key += (1 << weight) * self.facets.mask(name, [str(v) for v in values])[docs]
        return docs[np.argsort(-key, kind="stable")]

    def _check_fields(self, fields: dict) -> None:
        """Raise QueryError for a field that is not a facet."""
        unknown = sorted(set(fields) - set(f.FACETS))
        if unknown:
            raise QueryError(
                f"Ukjent filter «{unknown[0]}». Gyldige filtre: {', '.join(f.FACETS)}."
            )

    def _hits(self, ranking: Ranking, docs: list[int]) -> list[dict]:
        """The hits of a page's documents, in order, with their scores in the ranking."""
        marks = self.words.page(docs)  # marked together: a few numpy calls per page
        terms = frozenset(ranking.terms)  # frozen once, not once per hit and field
        scores, whys = ranking.scores[docs].tolist(), ranking.whys(docs)
        page_of = zip(docs, scores, whys, marks, strict=True)
        return [self._hit(d, score, why, m, terms) for d, score, why, m in page_of]

    def _hit(self, doc: int, score: float, why: list, words, terms: frozenset[str]) -> dict:
        """One hit: stored fields, score, snippet and why it matched (why: its entry of
        Ranking.whys; words: the document's word tables, kb.search.words.DocWords, or None;
        terms: the ranking's)."""
        return to_hit(self._stored_fields(doc), score, terms, self.analysis, why, words)

    def _stored_fields(self, doc: int) -> dict:
        """A document's stored fields (kept for the current reader: unpickling costs)."""
        if doc in self._stored:
            self._stored.move_to_end(doc)
            return self._stored[doc]
        stored = self._stored[doc] = self._searcher.stored_fields(doc)
        if len(self._stored) > CACHED_STORED:
            self._stored.popitem(last=False)
        return stored

    def _allowed(self, filters: dict[str, list[str]] | None, kind: str | None) -> np.ndarray:
        """The documents the filters allow: any value within a field, every field."""
        filters = {k: list(v) for k, v in (filters or {}).items() if v}
        if kind:
            filters[f.KIND] = [kind]
        self._check_fields(filters)
        if kind and kind not in f.KINDS:
            raise QueryError(f"Ukjent type «{kind}». Bruk «case» eller «passage».")
        allowed = np.ones(self.engine.size, dtype=bool)
        for name, values in filters.items():
            allowed &= self.facets.mask(name, [str(v) for v in values])
        return allowed

    def more_like_this(self, case_id: str, limit: int = 5) -> list[dict]:
        """Cases like the given one (by the key terms of its text), best first.

        Without proximity: how close a case's twelve key terms stand in another case's text
        changed one of five cases in 10 of the 91 bundled lists, and was two thirds of a
        list's cost (the export's 2 000 case pages).
        """
        with self._lock:
            searcher = self._fresh()
            docnum = searcher.document_number(**{f.ID_FIELD: case_id})
            if docnum is None:
                return []
            reader = searcher.reader()
            key_terms = case_key_terms(reader, docnum, self.index_dir, self._case_weights)
            needs = [Need(((term,),)) for term in key_terms]
            allowed = self.facets.mask(f.KIND, ["case"])
            allowed[docnum] = False
            ranking = self.engine.rank(needs, allowed, every=False, near=False)
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


def open_searcher(index_dir: Path, config: settings.Config | None = None) -> Searcher:
    """A Searcher for the index in index_dir (raises IndexMissing when there is none)."""
    return Searcher(index_dir, config=config)
