"""Extra words for the static search index: the parts of Norwegian compounds.

Neither lunr nor Pagefind splits compounds, so «fattigdom» would not find a page that only
says «barnefattigdom». The export adds the parts to a hidden element on each page.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.search.analysis import MIN_COMPOUND, NorwegianAnalysis, words

CLASS = "gg-sokeord"  # the hidden element's class; the link check and tests look for it


def compound_terms(texts: Iterable[str], analysis: NorwegianAnalysis) -> list[str]:
    """The compound parts found in the texts that are not already words of them, sorted."""
    seen: set[str] = set()
    for t in texts:
        seen.update(words(t))
    parts: set[str] = set()
    for word in seen:
        if len(word) >= MIN_COMPOUND:
            parts.update(analysis.compound_parts(word))
    return sorted(parts - seen)


def search_block(terms: list[str]) -> str:
    """A hidden block of extra search words, weighted below the page's own text."""
    if not terms:
        return ""
    words_ = " ".join(terms)  # labelled, since Pagefind may show it in a result's excerpt
    return f'<p class="{CLASS}" hidden data-pagefind-weight="0.5">Søkeord: {words_}</p>\n'
