"""The site's addresses, written once: the index, the service, the export and the open data.

Every function returns a root-relative path as the Flask service serves it («/grep/x»).
The static export renders the service's pages at the same paths and makes these links
relative to each page (web/static_site/links.py).
"""

from __future__ import annotations

from urllib.parse import urlencode


def case_url(case_id: str) -> str:
    """A case page: «/grep/<id>»."""
    return f"/grep/{case_id}"


def source_url(
    source_id: str, lines: tuple[int, int] | None = None, pages: tuple[int, int] | None = None
) -> str:
    """A source page, at a line range («#L12-L14») or else a first page («#p55») when given."""
    if lines:
        return f"/kilder/{source_id}#L{lines[0]}-L{lines[1]}"
    if pages:
        return f"/kilder/{source_id}#p{pages[0]}"
    return f"/kilder/{source_id}"


def search_url(**params: str) -> str:
    """A search or filtered list: «/sok?tema=bolig»."""
    query = urlencode([(k, v) for k, v in params.items() if v])
    return "/sok?" + query if query else "/sok"


def theme_url(theme_id: str) -> str:
    """The cases of one theme."""
    return search_url(tema=theme_id)


def approach_url(approach_id: str) -> str:
    """The page of one of Menon's entry points («innganger»)."""
    return f"/innganger/{approach_id}"


def grant_url(grant_id: str) -> str:
    """A grant scheme's page: «/tilskudd/startlan»."""
    return f"/tilskudd/{grant_id}"


def absolute(site_url: str, path: str) -> str:
    """A path on the published site as a full address."""
    return site_url.rstrip("/") + path
