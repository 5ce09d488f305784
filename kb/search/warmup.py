"""Warming a reader: what its first searches would otherwise wait for, read before a visitor
asks (the warm-up searches, the spelling and sort tables, the stored fields a Searcher keeps)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from kb.search import schema as f
from kb.search.facets import SORTS
from kb.search.hits import prepare, to_hit
from kb.search.query import parse

WARM_QUERY = "bosetting av flyktninger"  # several clauses: postings, phrases and proximity
# Searched once each, a page of hits, when a process warms: between them every path a search
# takes (phrase, hyphen, compound, old name, nynorsk, written apart, question, filters) has run
# once, so the first visitor's search is not the one that runs them first.
WARM_QUERIES = (
    WARM_QUERY,
    "NAV-veileder og psykisk helse",
    "boligsosialt arbeid i Fylkesmannen",
    "busetjing av einslege mindreårige",
    "hvordan få leietakere til å kjøpe egen bolig",
    "kommune programmet",
)
WARM_PAGE = 20  # hits per page, as the search page shows them
WARM_TYPO = "bosettnig"  # a typo: the corrector (rapidfuzz, imported on first use) and fuzzy
CACHED_STORED = 2048  # documents whose stored fields are kept, for one index version


def warmed(analysis, searcher, tables: tuple, hits: bool = True) -> None:
    """Read what a reader's first searches would wait for: the spelling dictionary, each
    field's stems, the typo corrector, the sort orders, where the synonyms' phrases stand and
    (`hits`) one search's postings, facets and stored fields. Only this thread uses the tables
    until they are installed."""
    facets, engine, planner = tables[:3]
    planner.dictionary()
    engine.lexicons()
    engine.links()  # the citation graph (kb.search.citations)
    planner.correct(WARM_TYPO)  # the first typo otherwise waits ~15 ms for rapidfuzz's import
    engine.near_terms(analysis.stem(WARM_TYPO))
    for sort in SORTS[1:]:
        facets.order(sort)
    for phrase in analysis.synonyms.by_phrase:  # where each synonym phrase stands: once, here
        if len(phrase) > 1:
            engine.phrase_mask(phrase)
    if hits:
        allowed = np.ones(engine.size, dtype=bool)
        ranking = engine.rank(planner.plan(parse(WARM_QUERY, analysis, 500)).needs, allowed, False)
        facets.count(ranking.matched)
        for doc in ranking.top(10):
            to_hit(searcher.stored_fields(int(doc)), 0.0, ranking.terms, analysis)


def stored_docs(searcher, facets) -> OrderedDict[int, dict]:
    """The stored fields of up to half of CACHED_STORED live documents, cases first, for a
    warm process: without them a process's first pages unpickle every hit's fields (~25 µs
    each), pages later do not."""
    live, cases = facets.tables.live, facets.mask(f.KIND, ["case"])
    docs, rest = np.flatnonzero(cases & live).tolist(), np.flatnonzero(~cases & live).tolist()
    out: OrderedDict[int, dict] = OrderedDict()
    for doc in (docs + rest)[: CACHED_STORED // 2][::-1]:  # cases last: evicted last
        out[doc] = searcher.stored_fields(doc)
        prepare(out[doc])  # and the hit's parsed data and normalised text, kept as well
    return out
