"""Template filters and globals: labels, Norwegian dates, Markdown and snippets."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from flask import Flask, current_app, request, url_for
from markupsafe import Markup, escape

from kb import urls
from kb.content import schema
from web.model import browse, sourceview
from web.model.params import FILTERS
from web.model.render import markdown_html
from web.state import site

try:  # markupsafe's own escaping of a str, without the Markup that escape() wraps it in
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - markupsafe without its C speedups, or another layout

    def _escape_inner(s: str) -> str:
        return str(escape(s))


# A snippet as the searcher writes it: escaped text (&amp; &lt; &gt;) and whole <mark> pairs,
# nothing nh3 would change (it also rewrites NUL, CR and no-break spaces). Possessive, so a
# long text that fails at its end is not backtracked.
_TEXT = r"(?:[^<>&\x00\r\xa0]++|&(?:amp|lt|gt);)"
CLEAN_SNIPPET = re.compile(rf"(?:{_TEXT}|<mark>{_TEXT}*+</mark>)*+")


def html_escape(value) -> str:
    """str(escape(value)), the same bytes, ~1 µs cheaper for a plain str: a search page
    escapes ~170 values (tests/test_search_cost.py checks it against markupsafe)."""
    return _escape_inner(value) if value.__class__ is str else str(escape(value))


_esc = html_escape


def label(term_id: str, vocabulary: str) -> str:
    """{{ id|label('themes') }}: the Norwegian label of a vocabulary id."""
    return browse.label(site().content(), vocabulary, term_id)


def facet_label(value: str, name: str) -> str:
    """{{ value|facet_label('source') }}: a facet value as the page shows it."""
    return browse.facet_label(site().content(), name, value)


def snippet(html: str) -> Markup:
    """A hit's snippet: already escaped by the searcher; only <mark> is let through.

    A page has ~20 snippet parts; one that is already clean (CLEAN_SNIPPET) is left as it is,
    which is what nh3 gives back for it, without its ~17 µs.
    """
    return Markup(_clean(html or ""))


def _clean(html: str) -> str:
    """snippet(html) as a str (the hit items are joined as strs)."""
    if CLEAN_SNIPPET.fullmatch(html):
        return html
    return nh3.clean(html, tags={"mark"}, attributes={})


def number(n: int) -> str:
    """1234 → «1 234»."""
    return f"{n:,}".replace(",", "\u00a0")


def link(endpoint: str) -> str:
    """{{ link('pages.home') }}: url_for of a page without arguments, worked out once per
    application root (every page has a dozen of them in its header and footer)."""
    links = current_app.extensions.setdefault("kb_links", {})
    key = (request.script_root, endpoint)
    found = links.get(key)
    if found is None:
        found = links[key] = url_for(endpoint)
    return found


def static_url(filename: str) -> str:
    """{{ static_url('site.css') }}: url_for('static', …) with its ?v=<hash>, worked out once
    per application root and file version (every page links three static files)."""
    assets = current_app.extensions["kb_assets"]
    urls_known = current_app.extensions.setdefault("kb_static_urls", {})
    key = (request.script_root, filename, assets.version(filename))
    found = urls_known.get(key)
    if found is None:
        found = urls_known[key] = url_for("static", filename=filename)
    return found


def facet_items(links: list[str]) -> str:
    """The <li> items of facet links (each link's html, web/model/params.py facet_html), as one
    string: ~80 per page."""
    if not links:
        return ""
    return "<li>" + "</li>\n          <li>".join(links) + "</li>\n          "


FACET_BOX = (
    '\n      <section class="facet" aria-labelledby="facet-{name}">'
    '\n        <h3 id="facet-{name}">{title}</h3>\n        {hint}\n        {lists}'
    "\n      </section>\n    "
)
FACET_LIST = (
    "\n        {details}\n        <ul>\n          {items}\n        </ul>\n        {end}\n        "
)
FACET_MORE = (
    '<details>\n          <summary>Vis alle {count}<span class="visually-hidden"> under {title}'
    "</span></summary>"
)
APPROACHES_HINT = (
    '<p class="facet-hint">Spørsmålet grepet svarer på. <a href="{home}#innganger">'
    "Om de fem inngangene</a></p>"
)


def facet_boxes(facets: list) -> Markup:
    """The facet boxes of a search page (web/model/params.py facet_html: each link's html): the
    first six values, then the rest behind «Vis alle» (formerly a Jinja loop, byte for byte the
    same). The pieces are joined once: formatting each box around its links copied them four
    times (~11 kB a page)."""
    out: list[str] = []
    for name, links in facets:
        head, title = _box_head(name, link("pages.home") if name == "approaches" else "")
        out += (head, LIST_OPEN, *_items(links[:6]), LIST_CLOSE)
        if links[6:]:
            more = FACET_MORE.format(count=len(links), title=title)
            out += ("\n        \n        ", more, LIST_OPEN, *_items(links[6:]), LIST_CLOSE)
            out.append("</details>")
        out.append(BOX_CLOSE)
    return Markup("".join(out))


# FACET_BOX and FACET_LIST cut where a box's own text goes
LIST_OPEN = "\n        <ul>\n          "  # after FACET_LIST's {details}
LIST_CLOSE = "\n        </ul>\n        "  # before its {end}
BOX_CLOSE = "\n        \n      </section>\n    "  # FACET_LIST's end and FACET_BOX's after {lists}


def _items(links: list[str]) -> tuple[str, ...]:
    """facet_items(links) in pieces."""
    if not links:
        return ()
    return ("<li>", "</li>\n          <li>".join(links), "</li>\n          ")


@lru_cache(maxsize=64)
def _box_head(name: str, home: str) -> tuple[str, str]:
    """FACET_BOX up to its first list's <ul> (without it), and the box's escaped title."""
    title = escape(browse.FACET_LABELS[name])
    hint = APPROACHES_HINT.format(home=escape(home)) if name == "approaches" else ""
    head = FACET_BOX.format(name=escape(name), title=title, hint=hint, lists="\x00")
    return head[: head.index("\x00")] + "\n        ", title


BADGES = (
    '<p class="badge badge-passage">Fra rapport</p>',  # any kind but a case
    '<p class="badge badge-case">Grep</p>',
)


def hit_items(hits: list[dict], h: str) -> Markup:
    """The <li> items of a group of dressed hits (web/model/results.py), h their heading tag.

    A Jinja loop did this before, byte for byte the same (test_hit_items_equal_the_jinja_loop);
    ~20 hits a page, half a dozen escaped values each.
    """
    return Markup("".join([_hit_item(hit, h) for hit in hits]))


def _hit_item(hit: dict, h: str) -> str:
    kind = hit["kind"]
    parts = "".join(
        [
            f'<span class="snippet-part"><span class="snippet-section">I «{_esc(part.section)}»:'
            f"</span> {_clean(part.html)}</span>"
            if part.section
            else f'<span class="snippet-part">{_clean(part.html)}</span>'
            for part in hit["parts"]
        ]
    )
    why = (hit.get("why") or {}).get("text")
    why = f'<p class="why">{_esc(why[:1].upper())}{_esc(why[1:])}</p>' if why else ""
    return (
        f'\n      <li class="hit hit-{_esc(kind)}">\n        \n        {BADGES[kind == "case"]}'
        f'\n        <{h} class="hit-title"><a href="{_esc(hit["url"])}">{_esc(hit["title"])}'
        f'</a></{h}>\n        <p class="meta">{_esc(hit["meta"])}</p>\n        \n        '
        f'<p class="snippet">{parts}</p>\n        {why}\n      </li>\n      '
    )


def register(app: Flask) -> None:
    """Install filters and globals."""
    app.add_template_filter(label)
    app.add_template_global(link)
    app.add_template_global(static_url)
    app.add_template_filter(facet_boxes)
    app.add_template_filter(hit_items)
    app.add_template_filter(facet_label)
    app.add_template_filter(snippet)
    app.add_template_filter(number)
    app.add_template_filter(browse.norwegian_date, "date_nb")
    app.add_template_filter(schema.reader_locator, "locator")
    app.add_template_global(sourceview.place_in_report)
    app.add_template_global(sourceview.cited_places)
    app.add_template_filter(markdown_html, "markdown")
    app.add_template_global(browse.FACET_LABELS, "FACET_LABELS")
    app.add_template_global(browse.STATUS_TEXT, "STATUS_TEXT")
    app.add_template_global(schema.BY_NAME, "CASE_FIELDS")
    app.add_template_global(urls, "urls")
    app.add_template_global({v: k for k, v in FILTERS.items()}, "params_by_field")
