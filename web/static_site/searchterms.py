"""What Pagefind indexes beyond a page's text: filters, result lines and compound parts.

Pagefind stems bokmål from the page's lang="nb" but does not split compounds, so «fattigdom»
would not find a page that only says «barnefattigdom». The export adds the parts to a hidden
paragraph at the end of the page body; the search page knows how many words that paragraph has
(meta «skjulte») and never shows an excerpt taken from it. The filters carry the service's
search parameters and values (tema=bolig, fylke=Innlandet …), so «/sok/?tema=bolig&q=…» works.
"""

from __future__ import annotations

import html

from kb.content import schema
from kb.content.loader import Content
from kb.content.model import Case
from kb.search.analysis import MIN_COMPOUND, NorwegianAnalysis, words
from web.model import browse
from web.model.params import FILTERS
from web.model.results import source_years

CLASS = "gg-sokeord"  # the hidden paragraph's class


def compound_parts(seen: set[str], analysis: NorwegianAnalysis) -> list[str]:
    """The compound parts of the words seen that are not already among them, sorted."""
    parts: set[str] = set()
    for word in seen:
        if len(word) >= MIN_COMPOUND:
            parts.update(analysis.compound_parts(word))
    return sorted(parts - seen)


def hidden_terms(case: Case, content: Content, analysis: NorwegianAnalysis) -> list[str]:
    """Words a case is found by that its own text may lack: compound parts, its places and
    the labels of its themes and target groups (the boxes that hold them are not indexed)."""
    texts = [case.title, case.summary, case.body]
    labels = [
        browse.label(content, vocabulary, term)
        for vocabulary, terms in (("themes", case.themes), ("target_groups", case.target_groups))
        for term in terms
    ]
    # The same words as words(" ".join(texts)): a word never spans the space between texts.
    own = set().union(*(words(t) for t in texts))
    extra = {w for name in (*case.kommuner, *case.fylker, *labels) for w in words(name)}
    return sorted(set(compound_parts(own, analysis)) | (extra - own))


def _tag(attr: str, name: str, value: str) -> str:
    return f'<span {attr}="{html.escape(f"{name}:{value}")}"></span>'


def case_filters(case: Case, content: Content) -> dict[str, list[str]]:
    """The case's values for each search parameter, as the service's facets hold them."""
    indexed = {fld.index: fld.index_value(case) for fld in schema.FIELDS if fld.index}
    out = {}
    for param, facet in FILTERS.items():
        value = indexed.get(facet)
        if value:
            out[param] = [v for v in str(value).split(",") if v]
    register = content.ctx.register  # the size classes of the case's kommuner, as the index
    found = [register.kommune(name) for name in case.kommuner] if register else []
    out["storrelse"] = sorted({k.size_class for k in found if k and k.size_class})
    return out


def case_block(case: Case, content: Content, analysis: NorwegianAnalysis) -> str:
    """The hidden block for a case page: filters, result line, summary and compound parts."""
    tags = [_tag("data-pagefind-filter", "type", "grep")]
    for param, values in case_filters(case, content).items():
        tags += [_tag("data-pagefind-filter", param, v) for v in values]
    place = ", ".join(case.kommuner) or ", ".join(case.fylker) or "Flere steder"
    line = f"{place} · Evidens: {browse.label(content, 'evidence', case.evidence)}"
    if sources := source_years(case, content):
        line += f" · Kilde: {sources}"
    tags.append(_tag("data-pagefind-meta", "linje", line))
    tags.append(_tag("data-pagefind-meta", "sammendrag", " ".join(case.summary.split())))
    terms = hidden_terms(case, content, analysis)
    tags.append(_tag("data-pagefind-meta", "skjulte", str(len(terms))))
    hidden = (
        f'<p class="{CLASS}" hidden data-pagefind-weight="0.5">{html.escape(" ".join(terms))}</p>'
        if terms
        else ""
    )
    return f"<div hidden>{''.join(tags)}</div>{hidden}"


def report_block(source_id: str, content: Content) -> str:
    """The hidden block for a report page: its filters and result line."""
    source = content.sources.get(source_id)
    line = source.title if source else source_id
    if source and source.year:
        line += f" ({source.year})"
    tags = [
        _tag("data-pagefind-filter", "type", "rapport"),
        _tag("data-pagefind-filter", "kilde", source_id),
        _tag("data-pagefind-meta", "linje", line),
    ]
    return f"<div hidden>{''.join(tags)}</div>"
