"""Rewrite the service's root-relative links into links that work in the exported folder.

The service links «/grep/x», «/sok?tema=bolig» and «/static/site.css?v=…». The export may be
hosted under any folder and opened from file://, so every such link becomes relative to the page
(«../../grep/x/»); a one-filter search goes to its list page, any other search to the export's
search page «sok/?…». Links the export has no file for are left as they are, and the link check
reports them.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import parse_qsl, urlsplit

from web.static_site.pages import LISTINGS, slug

ATTRIBUTE = re.compile(r'\b(href|src|action)="(/(?!/)[^"]*)"')
# A report's overview: its parts' line ranges (source.html), and the cited blocks' anchors.
PART = re.compile(
    r'<li data-first="(\d+)" data-last="(\d+)"><a href="/kilder/[a-z0-9-]+/del/(\d+)"'
)
BLOCK = re.compile(r'id="(L\d+-L\d+)"')
LINES = re.compile(r"^L(\d+)")
CANONICAL = re.compile(r'<link rel="canonical" href="[^"]*">')


class LinkMap:
    """The export's files by service path, and the rule that turns a service link into one."""

    def __init__(self, pages: dict[str, str], files: set[str]):
        self.pages = pages  # service path (with query for lists) → folder of its index.html
        self.files = files  # files written at their own path: «grep/x/siter.bib», «nytt.atom»
        self.reports: dict[str, tuple[set[str], list[tuple[int, int, int]]]] = {}
        self.targets: dict[str, str | None] = {}  # target() by link: most are on many pages

    def add_report(self, path: str, overview: str) -> None:
        """Learn a report overview's anchors and its parts' lines from its HTML."""
        parts = [(int(a), int(b), int(n)) for a, b, n in PART.findall(overview)]
        self.reports[path] = (set(BLOCK.findall(overview)), parts)
        self.targets.clear()

    def part_of(self, path: str, fragment: str) -> str | None:
        """«/kilder/x/del/3» for a line anchor the overview has no block for, else None.

        The service's overview sends such an anchor on with JavaScript; the export links the
        part itself, so the link works without it and the link check can follow it.
        """
        blocks, parts = self.reports.get(path, (set(), []))
        found = LINES.match(fragment)
        if not found or fragment in blocks:
            return None
        line = int(found.group(1))
        number = next((n for a, b, n in parts if a <= line <= b), None)
        return f"{path}/del/{number}" if number else None

    def target(self, url: str) -> str | None:
        """The export path («grep/x/», «sok/?q=a», «static/site.css?v=1») a link leads to."""
        if url not in self.targets:
            self.targets[url] = self._target(url)
        return self.targets[url]

    def _target(self, url: str) -> str | None:
        parts = urlsplit(url)
        path, query = parts.path, parts.query
        path = self.part_of(path, parts.fragment) or path
        if path == "/sok":
            found = self.listing(query)
            result = found if found is not None else "sok/" + (f"?{query}" if query else "")
        elif path.startswith("/static/"):
            result = path.lstrip("/") + (f"?{query}" if query else "")
        elif path in self.pages:
            folder = self.pages[path]
            result = f"{folder}/" if folder else ""
        elif path.lstrip("/") in self.files:
            result = path.lstrip("/")
        else:
            return None
        return result + (f"#{parts.fragment}" if parts.fragment else "")

    def listing(self, query: str) -> str | None:
        """The list page of a one-filter search («tema=bolig» → «tema/bolig/»), or None."""
        params = parse_qsl(query)
        if len(params) != 1 or params[0][0] not in (*LISTINGS, "fylke"):
            return None
        name, value = params[0]
        folder = f"{name}/{slug(value) if name == 'fylke' else value}"
        return f"{folder}/" if folder in self.pages.values() else None


def relative(target: str, folder: str) -> str:
    """target (an export path) as seen from a page in folder («» is the root)."""
    path, sep, rest = target.partition("?") if "?" in target else target.partition("#")
    rel = relpath(path or ".", folder or ".")
    rel = "./" if rel == "." else rel + ("/" if path.endswith("/") or not path else "")
    return rel + sep + rest


def relpath(path: str, start: str) -> str:
    """posixpath.relpath of two relative paths, without its two os.getcwd() calls.

    Both are taken from the same folder, so the common part of their absolute paths is that
    folder and what follows it, as posixpath.relpath computes it (tests/test_export.py compares
    the two); a path that climbs («..») is left to posixpath.relpath.
    """
    if ".." in path or ".." in start or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part and part != "."]
    at = [part for part in start.split("/") if part and part != "."]
    common = 0
    for a, b in zip(to, at, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def rewrite(page: str, folder: str, links: LinkMap, base: str = "") -> str:
    """The page's HTML with every service link made relative to folder (or absolute on base)."""

    def one(match: re.Match) -> str:
        attr, value = match.group(1), html.unescape(match.group(2))
        target = links.target(value)
        if target is None:
            return match.group(0)
        new = base + target if base else relative(target, folder)
        return f'{attr}="{html.escape(new)}"'

    return ATTRIBUTE.sub(one, page)


def canonical(page: str, address: str) -> str:
    """The page with its canonical link set to its address on the exported site."""
    link = f'<link rel="canonical" href="{html.escape(address)}">'
    return CANONICAL.sub(lambda _m: link, page, count=1)
