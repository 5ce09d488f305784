"""MkDocs hook for `kb export`: every page's HTML goes through nh3 before the theme sees it.

Case bodies and source descriptions are untrusted Markdown: raw HTML, event handlers,
`javascript:` links and attributes added through attr_list are all removed here.
"""

from __future__ import annotations

import nh3

TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area"}  # no images: nothing loads from elsewhere
ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
ATTRIBUTES["*"] = {"id", "class", "title", "hidden", "lang"}
ATTRIBUTES["a"] = ATTRIBUTES.get("a", set()) | {"download"}
DATA_PREFIXES = {"data-pagefind-"}  # Pagefind's indexing hints on the generated markup


def clean(html: str) -> str:
    """Sanitised HTML: only known tags, attributes and URL schemes survive."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        generic_attribute_prefixes=DATA_PREFIXES,
        link_rel=None,  # target is never allowed, so rel=noopener has nothing to guard
    )


def searchable(page) -> bool:
    """False for pages kept out of the search (the listings set search.exclude)."""
    return not ((page.meta or {}).get("search") or {}).get("exclude")


def on_page_content(html: str, page, config, files) -> str:
    """MkDocs event: sanitise every page; mark the searchable ones for Pagefind."""
    html = clean(html)
    if not searchable(page):
        return html
    # keep the permalink sign «¶» out of Pagefind's headings and excerpts
    html = html.replace('<a class="headerlink"', '<a data-pagefind-ignore class="headerlink"')
    return f"<div data-pagefind-body>{html}</div>"
