"""Atom feeds of cases (RFC 4287), written with the standard library: one entry per case.

By hand rather than with feedgen: the feed is a few elements, ElementTree escapes the text,
and the service gains no runtime dependency. Tests parse it with feedparser.
"""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from kb.content.model import Case

ATOM = "http://www.w3.org/2005/Atom"
MIMETYPE = "application/atom+xml"
MAX_ENTRIES = 100  # the searcher's largest page; the site has fewer cases than this


def newest_first(cases) -> list[Case]:
    """Cases by `updated`, newest first (then by title, so the order is stable)."""
    ordered = sorted(cases, key=lambda c: c.title)
    return sorted(ordered, key=lambda c: c.updated or dt.date.min, reverse=True)


def stamp(day: dt.date | None) -> str:
    """A date as an Atom timestamp (midnight UTC)."""
    return f"{(day or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"


def _add(parent, tag: str, text: str = "", **attrs) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text:
        node.text = text
    return node


def atom_feed(title: str, self_url: str, page_url: str, site_url: str, cases: list[Case]) -> bytes:
    """The feed: the cases in the order given, each with its `updated` date."""
    ET.register_namespace("", ATOM)
    site = site_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "nb"})
    _add(feed, "id", site + self_url)
    _add(feed, "title", title)
    _add(feed, "updated", stamp(max((c.updated for c in cases if c.updated), default=None)))
    _add(feed, "link", rel="self", href=site + self_url, type=MIMETYPE)
    _add(feed, "link", rel="alternate", href=site + page_url, type="text/html")
    _add(_add(feed, "author"), "name", "Gode grep")
    for case in cases[:MAX_ENTRIES]:
        entry = _add(feed, "entry")
        url = f"{site}/grep/{case.id}"
        _add(entry, "id", url)
        _add(entry, "title", case.title)
        _add(entry, "updated", stamp(case.updated))
        _add(entry, "link", rel="alternate", href=url, type="text/html")
        _add(entry, "summary", case.summary)
        for place in case.kommuner or case.fylker:
            _add(entry, "category", term=place)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
