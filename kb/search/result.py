"""A search's result as the public JSON gives it: its keys in order, the messages it may carry,
and the normalised request a Searcher keeps it under (CACHED_RESULTS per index version)."""

from __future__ import annotations

ORDER = (
    "query",
    "total",
    "match",
    "counts",
    "took_ms",
    "suggestion",
    "message",
    "hits",
    "page",
    "pages",
    "facets",
)
SOME_WORDS = "Ingen treff på alle ordene — viser treff på noen av dem."
CACHED_RESULTS = 512  # whole results, per query, filters, page and sort, for one index version
NOTHING = "Ingen treff. Prøv færre ord, et annet ord for det samme, eller fjern filtre."


def result_key(query, filters, kind, limit, page, sort, prefer=None) -> tuple:
    """The normalised request: spacing and the order of filter values do not matter."""
    chosen = tuple(sorted((k, tuple(sorted(map(str, v)))) for k, v in (filters or {}).items() if v))
    preferred = tuple((k, tuple(map(str, v))) for k, v in (prefer or ()))
    return (" ".join(str(query).split()), chosen, kind, limit, page, sort, preferred)
