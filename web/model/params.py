"""Search parameters as public URLs carry them (Norwegian names), checked and bounded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import NamedTuple
from urllib.parse import quote_plus

from markupsafe import escape

from kb.errors import QueryError
from kb.search.query import check_length

# URL parameter → index facet field; the order is the order of the facet boxes on the page.
FILTERS = {
    "tema": "themes",
    "malgruppe": "target_groups",
    "aktor": "actors",
    "fylke": "fylke",
    "kommune": "kommune",
    "storrelse": "size",
    "evidens": "evidence",
    "kilde": "source",
    "aar": "year",
    "inngang": "approaches",
    "tilskudd": "grants",
    "fase": "fase",
}
PARAMS = {name: param for param, name in FILTERS.items()}
FILTER_AT = {name: at for at, name in enumerate(FILTERS.values())}
KINDS = {"grep": "case", "rapport": "passage", "case": "case", "passage": "passage"}
KIND_PARAMS = {"case": "grep", "passage": "rapport"}
SORTS = {"relevans": "relevance", "nyeste": "newest", "tittel": "title"}
SORT_PARAMS = {v: k for k, v in SORTS.items()}
MY_KOMMUNE = "min_kommune"  # «Min kommune»: kept in the URL only, never stored
PRESELECTED = ("storrelse", "fylke")  # the filters «Min kommune» sets on the first visit
MAX_VALUE_CHARS = 120  # a filter value longer than this is no vocabulary id or place name
MAX_PAGE = 50
PAGE_NUMBER = re.compile(r"[0-9]{1,2}")  # ASCII only: str.isdigit() is true for «²», «٣», «３»
BAD_PAGE = "Sidenummeret «{value}» finnes ikke. Bruk et helt tall fra 1 til {last}."


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    """quote_plus of a URL parameter or value: facet values recur on every page."""
    return quote_plus(value)


@dataclass(frozen=True)
class SearchRequest:
    """One search as the URL gives it: query, filters by index field, kind, sort and page."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kind: str | None = None
    sort: str = "relevance"
    page: int = 1
    min_kommune: str = ""  # the reader's own kommune, as typed (see for_my_kommune)
    prefer: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, values) shown first
    chosen: bool = True  # False: «Min kommune» given, the URL names no size or fylke filter

    @property
    def browsing(self) -> bool:
        """True when there is no query text (a list by filters, or everything)."""
        return not self.q.strip()

    def search_kwargs(self, limit: int) -> dict:
        """Keyword arguments for Searcher.search."""
        return {
            "filters": {k: list(v) for k, v in self.filters.items()},
            "kind": self.kind,
            "limit": limit,
            "page": self.page,
            "sort": self.sort,
            "prefer": [(name, list(values)) for name, values in self.prefer] or None,
        }

    def active(self) -> list[tuple[str, str]]:
        """The active filters as (index field, value), kind included as field «kind»."""
        pairs = [(name, v) for name, values in self.filters.items() for v in values]
        return pairs + ([("kind", self.kind)] if self.kind else [])

    def has(self, name: str, value: str) -> bool:
        """Whether a facet value is an active filter."""
        if name == "kind":
            return self.kind == value
        return value in self.filters.get(name, ())

    def toggle(self, name: str, value: str) -> str:
        """The URL query that adds or removes one filter (and goes back to page 1)."""
        if name == "kind":
            return self._with_kind(None if self.kind == value else value)
        values = self.filters.get(name, ())
        values = tuple(v for v in values if v != value) if value in values else (*values, value)
        filters = {k: v for k, v in {**self.filters, name: values}.items() if v}
        return replace(self, filters=filters, page=1).query()

    def toggles(self, name: str, values: list[str]) -> list[str]:
        """[self.toggle(name, v) for v in values], encoding the rest of the query only once.

        A search page has ~80 facet links; building each from scratch was a third of its CPU.
        """
        if name not in PARAMS:  # «kind»: two values, the plain way
            return [self.toggle(name, v) for v in values]
        param = PARAMS[name]
        left, right, before, after = self.halves(name)
        own = self.filters.get(name, ())
        own_pairs = [f"{param}={_quoted(v)}" for v in own]
        out = []
        for value in values:
            if value not in own:
                out.append(left + _quoted(value) + right)
                continue
            mine = [pair for v, pair in zip(own, own_pairs, strict=True) if v != value]
            if not mine and self.min_kommune and param in PRESELECTED:
                mine = [f"{param}="]  # removed on purpose: do not pre-select it again
            pairs = before + mine + after
            out.append("?" + "&".join(pairs) if pairs else "?")
        return out

    def halves(self, name: str) -> tuple[str, str, list[str], list[str]]:
        """The URL query that adds a value to filter `name` is left + quote_plus(value) +
        right (a value not chosen yet: most of them); and the encoded parameters before and
        after the filter's own."""
        param = PARAMS[name]
        head, segments, tail = self._facet_segments
        at = FILTER_AT[name]
        before = head + [pair for seg in segments[:at] for pair in seg]
        after = [pair for seg in segments[at + 1 :] for pair in seg] + tail
        own = [f"{param}={_quoted(v)}" for v in self.filters.get(name, ())]
        left = "?" + "".join(f"{pair}&" for pair in before + own) + f"{param}="
        return left, "".join(f"&{pair}" for pair in after), before, after

    def link_halves(self, name: str) -> tuple[str, str]:
        """halves(name)[:2]: (left, right), from the encoded parameters before and after
        each filter, joined once per search (a page has a dozen facet boxes)."""
        befores, afters = self._around
        at, param = FILTER_AT[name], PARAMS[name]
        own = "".join(f"{param}={_quoted(v)}&" for v in self.filters.get(name, ()))
        return f"{befores[at]}{own}{param}=", afters[at]

    @cached_property
    def _around(self) -> tuple[list[str], list[str]]:
        """For each filter in FILTERS order: «?» and the encoded parameters before it, each
        followed by «&»; and those after it, each after an «&»."""
        head, segments, tail = self._facet_segments
        befores, text = [], "?" + "".join(f"{pair}&" for pair in head)
        for seg in segments:
            befores.append(text)
            text += "".join(f"{pair}&" for pair in seg)
        afters, text = [], "".join(f"&{pair}" for pair in tail)
        for seg in reversed(segments):
            afters.append(text)
            text = "".join(f"&{pair}" for pair in seg) + text
        return befores, afters[::-1]

    def _with_kind(self, kind: str | None) -> str:
        """replace(self, kind=kind, page=1).query(), from this search's encoded parameters:
        the kind goes after «Min kommune» and before the sort."""
        head, segments, tail = self._facet_segments
        rest = [pair for pair in tail if not pair.startswith("type=")]
        if kind:
            at = sum(pair.startswith(f"{MY_KOMMUNE}=") for pair in rest)
            rest.insert(at, f"type={KIND_PARAMS[kind]}")
        return "?" + "&".join(head + [pair for seg in segments for pair in seg] + rest)

    @cached_property
    def _facet_segments(self) -> tuple[list[str], list[list[str]], list[str]]:
        """This search's URL parameters on page 1, encoded: those before the filters, each
        filter's own (in FILTERS order, with its «removed on purpose» mark), those after."""
        pairs = list(self._pairs())
        if self.page > 1:
            pairs.pop()  # «side», always the last: replace(self, page=1)._pairs(), cheaper
        head = [f"{_quoted(k)}={_quoted(v)}" for k, v in pairs[:1] if k == "q"]
        segments = []
        for param, name in FILTERS.items():
            values = list(self.filters.get(name, ()))
            if self.min_kommune and param in PRESELECTED and name not in self.filters:
                values.append("")
            segments.append([f"{_quoted(param)}={_quoted(v)}" for v in values])
        tail = [
            f"{_quoted(k)}={_quoted(v)}" for k, v in pairs[len(head) + sum(map(len, segments)) :]
        ]
        return head, segments, tail

    def at_page(self, page: int) -> str:
        """The URL query of another page of the same search (the page number comes last)."""
        first = self._first_page
        if page <= 1:
            return first
        return f"{first}&side={page}" if len(first) > 1 else f"?side={page}"

    @cached_property
    def _first_page(self) -> str:
        """The URL query of page 1 of this search (replace(self, page=1).query()): the
        pagination has up to seven links."""
        head, segments, tail = self._facet_segments
        return "?" + "&".join(head + [pair for seg in segments for pair in seg] + tail)

    def sorted_by(self, sort: str) -> str:
        """The URL query of the same search in another order (page 1): replace(self, sort=sort,
        page=1).query() from this search's encoded parameters, where the sort comes last."""
        head, segments, tail = self._facet_segments
        rest = [pair for pair in tail if not pair.startswith("sort=")]
        if sort != "relevance":
            rest.append(f"sort={SORT_PARAMS[sort]}")
        return "?" + "&".join(head + [pair for seg in segments for pair in seg] + rest)

    def with_q(self, q: str) -> str:
        """The URL query of the same filters with another query text."""
        return replace(self, q=q, page=1).query()

    def cleared(self) -> str:
        """The URL query with the same text and no filters."""
        return SearchRequest(q=self.q, sort=self.sort, min_kommune=self.min_kommune).query()

    def forget_kommune(self) -> str:
        """The URL query of the same search without «Min kommune»."""
        return replace(self, min_kommune="", prefer=()).query()

    def query(self) -> str:
        """This search as a URL query string («?q=…&tema=…»): urlencode(self._pairs()), each
        name and value quoted as urlencode quotes it, through _quoted's memory."""
        return self._query

    @cached_property
    def _query(self) -> str:
        return "?" + "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in self._pairs())

    def _pairs(self, own: str | None = None):
        """The URL parameters in their order; (None, "") where filter `own` goes, if given."""
        if self.q:
            yield "q", self.q
        for param, name in FILTERS.items():
            if name == own:
                yield None, ""
                continue
            yield from ((param, v) for v in self.filters.get(name, ()))
            if self.min_kommune and param in PRESELECTED and name not in self.filters:
                yield param, ""  # removed on purpose: do not pre-select it again
        if self.min_kommune:
            yield MY_KOMMUNE, self.min_kommune
        if self.kind:
            yield "type", KIND_PARAMS[self.kind]
        if self.sort != "relevance":
            yield "sort", SORT_PARAMS[self.sort]
        if self.page > 1:
            yield "side", str(self.page)


def parse_request(args, max_chars: int) -> SearchRequest:
    """Read a MultiDict of URL parameters; unknown ones are ignored, bad sizes and malformed
    numbers raise QueryError (a 400).

    The number of parameters is bounded for every request in web/security.py; the query's
    length by kb.search.query, which the searcher uses too.
    """
    q = " ".join(" ".join(args.getlist("q")).split())
    check_length(q, max_chars)
    filters: dict[str, tuple[str, ...]] = {}
    for param, name in FILTERS.items():
        if param not in args:  # most: getlist raises and catches a KeyError for each
            continue
        values = [" ".join(v.split()) for v in args.getlist(param)]
        if any(len(v) > MAX_VALUE_CHARS for v in values):
            raise QueryError(f"Et filter ({param}) er for langt; bruk verdiene i filterlistene.")
        values = list(dict.fromkeys(v for v in values if v))
        if values:
            filters[name] = tuple(values)
    kind = KINDS.get(_first(args, "type"))
    sort = SORTS.get(_first(args, "sort"), "relevance")
    page = page_number(args.getlist("side") if "side" in args else [])
    mine = " ".join(_first(args, MY_KOMMUNE).split())[:MAX_VALUE_CHARS]
    chosen = not mine or any(p in args for p in PRESELECTED)
    return SearchRequest(q, filters, kind, sort, page, min_kommune=mine, chosen=chosen)


def _first(args, name: str) -> str:
    """args.get(name, ""): MultiDict.get raises and catches an HTTP exception for a missing
    name, which most are."""
    if name not in args:  # getlist raises and catches a KeyError for a missing name
        return ""
    values = args.getlist(name)
    return values[0] if values else ""


def page_number(values: list[str]) -> int:
    """The page (side=…), 1 when not given; QueryError unless every value is 1 to MAX_PAGE."""
    for value in values:
        if PAGE_NUMBER.fullmatch(value) is None or not 1 <= int(value) <= MAX_PAGE:
            raise QueryError(BAD_PAGE.format(value=value[:20], last=MAX_PAGE))
    return int(values[0]) if values else 1


def for_my_kommune(req: SearchRequest, register) -> tuple[SearchRequest, object | None]:
    """The request with «Min kommune» resolved, and the kommune (None when unknown).

    Cases from kommuner of the same size class come first, then those from the same fylke.
    On the first visit (no size or fylke in the URL) both are also selected as filters.
    """
    mine = register.kommune(req.min_kommune) if req.min_kommune and register else None
    if mine is None:
        return req, None
    prefer = tuple((n, (v,)) for n, v in (("size", mine.size_class), ("fylke", mine.fylke)) if v)
    req = replace(req, min_kommune=mine.name, prefer=prefer)
    if not req.chosen:
        filters = {**req.filters, **{n: v for n, v in prefer}}
        req = replace(req, filters=filters, chosen=True, page=1)
    return req, mine


class FacetLink(NamedTuple):
    """One value in a facet box: its text, count, the URL query that toggles it, if active,
    and the link's HTML as the page shows it (built here: a page has ~80 of them; a named
    tuple, as a frozen dataclass took twice as long to make)."""

    value: str
    text: str
    count: int
    href: str
    active: bool
    html: str = ""


FACET_ORDER = (("kind", "type"), *((name, param) for param, name in FILTERS.items()))
ACTIVE_LINK = (  # the same markup as _link() gives for an active value
    '<a class="facet-link is-active" href="{href}" aria-current="true">'
    '<span class="check" aria-hidden="true">✓</span> {text} <span class="count">'
    '<span class="visually-hidden">, </span>{count}'
    '<span class="visually-hidden"> treff, valgt – velg for å fjerne</span></span></a>'
)


def _link(href_html: str, text_html: str, count: int) -> str:
    """A facet value's link that is not active (most of them), in one f-string."""
    return (
        f'<a class="facet-link" href="{href_html}">{text_html} <span class="count">'
        f'<span class="visually-hidden">, </span>{count}<span class="visually-hidden"> treff'
        "</span></span></a>"
    )


def facet_blocks(
    req: SearchRequest, facets: dict, label, base: str = ""
) -> list[tuple[str, list[FacetLink]]]:
    """The facet boxes of a result page: (index field, links), type first, empty ones left out.

    label(name, value) gives the text a value shows; base is the search page's path, which
    each link's html starts with.
    """
    blocks, base_html = [], str(escape(base))
    for name, _param in FACET_ORDER:
        values = facets.get(name) or []
        if values:
            blocks.append((name, _links(req, name, values, label, base_html)))
    return blocks


def _links(req: SearchRequest, name: str, values: list, label, base_html: str) -> list[FacetLink]:
    """One facet box's links. A value not chosen yet (most of them) is its quoted self between
    two halves made once per box; its html one f-string around its escaped text (kept per
    text: the counts differ from search to search, so nothing is kept per count)."""
    if name == "kind":
        left = right = right_html = head = ""
        own: tuple = ()
    else:
        left, right, _before, _after = req.halves(name)
        # escape(href) without its cost: the query is quote_plus'ed, so «&» is the only
        # character in it that HTML escapes (test_facet_link_html_is_escaped)
        head = f'<a class="facet-link" href="{base_html}{left.replace("&", "&amp;")}'
        right_html = right.replace("&", "&amp;")
        own = req.filters.get(name, ())
    links = []
    for v, n in values:
        text = label(name, v)
        if name != "kind" and v not in own:
            q, middle = _value_parts(v, text)
            html = f"{head}{q}{right_html}{middle}{n}{LINK_END}"  # _link(…), the same bytes
            links.append(FacetLink(v, text, n, left + q + right, False, html))
            continue
        href = req.toggles(name, [v])[0]
        href_html = base_html + href.replace("&", "&amp;")
        active = req.has(name, v)
        if active:
            html = ACTIVE_LINK.format(href=href_html, text=_escaped(text), count=n)
        else:
            html = _link(href_html, _escaped(text), n)
        links.append(FacetLink(v, text, n, href, active, html))
    return links


LINK_END = '<span class="visually-hidden"> treff</span></span></a>'  # after a link's count


def facet_html(req: SearchRequest, facets: dict, label, base: str = "") -> list[tuple[str, list]]:
    """facet_blocks() as the page shows it: (index field, each link's html).

    A box with no chosen value (almost all) is written straight from its values, without a
    FacetLink each: a page has ~80 (test_facet_html_equals_the_facet_blocks)."""
    blocks, base_html = [], str(escape(base))
    for name, _param in FACET_ORDER:
        values = facets.get(name)
        if not values:
            continue
        if name == "kind" or name in req.filters:
            links = [link.html for link in _links(req, name, values, label, base_html)]
        else:
            left, right = req.link_halves(name)
            head = f'<a class="facet-link" href="{base_html}{left.replace("&", "&amp;")}'
            right_html = right.replace("&", "&amp;")
            parts = [(_value_parts(v, label(name, v)), n) for v, n in values]
            links = [f"{head}{q}{right_html}{middle}{n}{LINK_END}" for (q, middle), n in parts]
        blocks.append((name, links))
    return blocks


@lru_cache(maxsize=4096)
def _value_parts(value: str, text: str) -> tuple[str, str]:
    """A facet value's quoted self, and its link's html from the end of the href to the count:
    the same on every page for a value and its text (kept: a few hundred recur)."""
    return _quoted(value), (
        f'">{_escaped(text)} <span class="count"><span class="visually-hidden">, </span>'
    )


@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    """A facet value's text, HTML-escaped: the same few hundred recur on every page."""
    return str(escape(text))


def run_search(searcher, req: SearchRequest, page_size: int) -> dict:
    """Run the request; the result has the `kb search --json` shape, hits in relevance order."""
    return searcher.search(req.q, **req.search_kwargs(page_size))
