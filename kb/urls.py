"""The site's addresses, written once: the index, the service, the export and the open data.

Every function returns a root-relative path as the Flask service serves it («/grep/x»).
The static export is hosted under any folder, so it turns these same paths into relative
links with `export_target` (one rule: «/grep/x» is the page «grep/x/index.md»).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

# Search parameter → the export's listing folder for a one-filter search (the export has no
# server-side search, so «/sok?tema=bolig» is the page «tema/bolig/»).
EXPORT_LISTINGS = {"tema": "tema", "malgruppe": "malgruppe", "fylke": "fylke"}
# Service folder → the export's folder for the same pages.
EXPORT_FOLDERS = {"grep": "grep", "kilder": "kilder", "innganger": "innganger"}


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


def export_target(url: str, slug: Callable[[str], str]) -> tuple[str, str] | None:
    """The export's docs page and anchor for a service path, or None when it has none.

    slug turns a place name into the export's folder name («Møre og Romsdal» → «more-og-romsdal»).
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.path == "/sok":
        params = parse_qsl(parts.query)
        if len(params) != 1 or params[0][0] not in EXPORT_LISTINGS:
            return None
        param, value = params[0]
        ident = slug(value) if param == "fylke" else value
        return f"{EXPORT_LISTINGS[param]}/{ident}/index.md", parts.fragment
    if segments and segments[0] in EXPORT_FOLDERS:
        anchor = "" if segments[0] == "kilder" else parts.fragment  # no report text there yet
        return "/".join([EXPORT_FOLDERS[segments[0]], *segments[1:], "index.md"]), anchor
    return None
