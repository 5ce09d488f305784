"""The search page's blocks, written in Python: the template search.html was, byte for byte.

A search page that is not kept (web/pagecache.py) is rendered per request; as a Jinja template
it took ~0.5 ms of CPU besides the hits and the facet boxes, in two dozen attribute look-ups
and calls per page. Here each value is escaped with markupsafe as Jinja escaped it, and
base.html around the blocks comes from web/shell.py. The markup is the template's, whitespace
included (test_search_page_equals_the_template renders both).
"""

from __future__ import annotations

from flask import current_app, url_for
from markupsafe import Markup

from web import shell
from web.model.browse import FACET_LABELS
from web.model.params import FILTERS
from web.templating import facet_boxes, hit_items, link, number
from web.templating import html_escape as escape  # str(markupsafe.escape(…)), cheaper

PARAM_OF = {name: param for param, name in FILTERS.items()}
SORT_LINKS = (("relevance", "relevans"), ("newest", "nyeste"), ("title", "tittel"))
STATIC_NOTE = (
    '<noscript><p class="notice">Søket trenger JavaScript i denne utgaven av nettstedet. Uten '
    "det kan du bla i grepene med temaene og filtrene.</p></noscript>"
)
HINT = (
    '<p id="q-hint" class="hint">For eksempel «bosetting av flyktninger», «startlån» eller '
    "«Statsforvalteren».</p>"
)


def render(page: dict) -> bytes:
    """The whole search page for the view's values (req, result, mine, mine_guess, heading,
    groups, max_page, facets, themes, label), in UTF-8."""
    req, static = page["req"], current_app.config.get("STATIC")
    title = f"Søk: {escape(req.q)}" if req.q else "Bla i grep"
    feeds = ""
    if not static:
        feeds = (
            '<link rel="alternate" type="application/atom+xml" title="Gode grep: grep i dette '
            f'søket" href="{escape(link("feeds.search_feed"))}{escape(req.query())}">'
        )
    return shell.render({"title": title, "feeds": feeds, "main": main(page, static)})


def main(page: dict, static) -> str:
    """The page's main block."""
    req, result = page["req"], page["result"]
    url = escape(link("search.results"))
    h1 = "Søk i gode grep" if req.q else "Bla i gode grep"
    out = [f'\n\n<h1 class="page-title">{h1}</h1>\n{search_form(req)}\n\n']
    out += [_kommune(page, url), "\n"]
    total, suggestion = result["total"], result.get("suggestion")
    if result.get("message") and total and result.get("match") != "some":
        out.append(f'<p class="notice">{escape(result["message"])}</p>')
    out.append("\n\n")
    if suggestion:
        href = f"{url}{escape(req.with_q(suggestion))}"
        text = f"«{escape(suggestion)}»"
        if total:
            out.append(
                f'\n<p class="suggestion">Vi fant ikke alle ordene i «{escape(req.q)}» og viser '
                f'treff for <a href="{href}">{text}</a>.</p>\n'
            )
        else:
            out.append(f'\n<p class="suggestion">Mente du <a href="{href}">{text}</a>?</p>\n')
    active = req.active()
    out += ["\n\n\n", _chips(req, active, url, page["label"]), "\n\n"]
    out.append(f'<div class="search-layout{"" if total else " search-layout-single"}">\n  ')
    if total:
        out.append(_filters(len(active), page["facets"]))
    out.append(
        '\n\n  <section class="results" id="treff" aria-labelledby="treff-title" tabindex="-1">'
        f'\n    <div class="results-head">\n      <h2 id="treff-title">{escape(page["heading"])}'
        "</h2>\n      "
    )
    if total > 1 and not static:
        out.append(_sort_links(req, url))
    out.append("\n    </div>\n\n    ")
    out.append(_status(req, result) if static else _feed_link(req))
    out.append("\n    ")
    if not total:
        out.append(_zero(page))
    out.append("\n\n    ")
    out += [_group(group, result, url) for group in page["groups"]]
    out.append("\n\n    ")
    if result["pages"] > 1 and not static:
        out.append(_pagination(req, result, min(result["pages"], page["max_page"]), url))
    out.append("\n  </section>\n</div>\n")
    if static:
        out.append(f'\n<script src="{escape(url_for("static", filename="sok-eksport.js"))}" defer>')
        out.append("</script>")
    out.append("\n")
    return "".join(out)


def search_form(req=None, big: bool = False, label_text: str | None = None) -> Markup:
    """The search box (home page, search page, «not found» page); on the result page it keeps
    the active filters and «Min kommune»."""
    q = req.q if req else ""
    out = [
        f'\n<form class="search-form{" search-form-big" if big else ""}" '
        f'action="{escape(link("search.results"))}" method="get" role="search">\n'
        f'  <label for="q" class="search-label">'
        f"{escape(label_text or 'Søk i gode grep og rapportene')}</label>\n"
        '  <div class="search-row">\n'
        f'    <input type="search" id="q" name="q" value="{escape(q)}" '
        f'maxlength="{escape(current_app.config["MAX_QUERY_CHARS"])}" autocomplete="off"'
        f"{'' if q else ' aria-describedby=' + chr(34) + 'q-hint' + chr(34)}>\n"
        '    <button type="submit">Søk</button>\n  </div>\n  '
        f"{'' if q else HINT}\n  "
    ]
    if req:
        out.append("\n    ")
        for name, value in req.active():
            if name == "kind":
                kind = "grep" if value == "case" else "rapport"
                out.append(
                    f'\n      <input type="hidden" name="type" value="{kind}">\n      \n    '
                )
            else:
                out.append(
                    f'\n      <input type="hidden" name="{escape(PARAM_OF[name])}" '
                    f'value="{escape(value)}">\n    '
                )
        out.append("\n    ")
        if req.min_kommune:
            out.append(
                '<input type="hidden" name="min_kommune" '
                f'value="{escape(req.min_kommune)}">\n      '
            )
            out += [
                f'<input type="hidden" name="{PARAM_OF[field]}" value="">'
                for field in ("size", "fylke")
                if not req.filters.get(field)
            ]
            out.append("\n    ")
        out.append("\n  ")
    out.append("\n</form>")
    return Markup("".join(out))


def _kommune(page: dict, url: str) -> str:
    """«Min kommune»: the kommune found, or the name not found (with a guess)."""
    req, mine = page["req"], page["mine"]
    home = escape(link("pages.home"))
    if mine:
        size = ""
        if mine.population:
            size = (
                f", {escape(number(mine.population))} innbyggere, "
                f"{escape(page['label']('size', mine.size_class))}"
            )
        return (
            '\n<div class="notice my-kommune">\n'
            f"  <p><strong>Min kommune: {escape(mine.name)}</strong> ({escape(mine.fylke)}{size})"
            ". Grep fra kommuner av samme størrelse vises først, deretter grep fra "
            f"{escape(mine.fylke)}.</p>\n"
            f'  <p><a href="{home}#min-kommune">Bytt kommune</a> · <a href="{url}'
            f'{escape(req.forget_kommune())}">Glem min kommune</a></p>\n</div>\n'
        )
    if not req.min_kommune:
        return ""
    guess = page["mine_guess"]
    if guess:
        href = escape(url_for("search.results", min_kommune=guess))
        guess = f' Mente du <a href="{href}">{escape(guess)}</a>?'
    return (
        f'\n<p class="notice">Fant ingen kommune som heter «{escape(req.min_kommune)}».'
        f'{guess or ""} <a href="{home}#min-kommune">Velg fra listen</a>.</p>\n'
    )


def _chips(req, active: list, url: str, label) -> str:
    """The active filters, each a link that removes it."""
    if not active:
        return ""
    chips = "".join(
        f'\n    <li><a class="chip chip-active" href="{url}{escape(req.toggle(name, value))}">'
        f'<span class="visually-hidden">Fjern filteret </span>{escape(FACET_LABELS[name])}: '
        f'{escape(label(name, value))} <span aria-hidden="true">✕</span></a></li>\n    '
        for name, value in active
    )
    return (
        '\n<div class="active-filters">\n  <h2 class="visually-hidden">Aktive filtre</h2>\n'
        f'  <p class="active-label">Filtre:</p>\n  <ul>\n    {chips}\n  </ul>\n'
        f'  <p><a href="{url}{escape(req.cleared())}">Fjern alle filtre</a></p>\n</div>\n'
    )


def _filters(chosen: int, facets: list) -> str:
    """The facet boxes in their «Filtrer» disclosure."""
    count = f" ({chosen} valgt)" if chosen else ""
    return (
        '\n  \n  <details class="filters">\n'
        f'    <summary id="filter-summary" class="filter-summary">Filtrer{count}</summary>\n'
        '    <aside class="facets" aria-labelledby="filter-title">\n'
        '    <h2 id="filter-title">Avgrens treffene</h2>\n'
        '    <a class="skip-inline" href="#treff">Hopp til treffene</a>\n'
        f"    {facet_boxes(facets)}\n    </aside>\n  </details>\n  "
    )


def _sort_links(req, url: str) -> str:
    links = []
    for i, (key, text) in enumerate(SORT_LINKS):
        if req.sort == key:
            link_html = f'<strong aria-current="true">{text}</strong>'
        else:
            link_html = f'<a href="{url}{escape(req.sorted_by(key))}">{text}</a>'
        dot = " · " if i < len(SORT_LINKS) - 1 else ""
        links.append(f"\n          {link_html}{dot}\n        ")
    return f'\n      <p class="sort">Sorter:\n        {"".join(links)}\n      </p>\n      '


def _status(req, result: dict) -> str:
    """The static export's note and its status line for the search in the browser."""
    more = ""
    if result["pages"] > 1:
        more = (
            f"Viser de {escape(current_app.config['PAGE_SIZE'])} første av "
            f"{escape(number(result['total']))}. Søk eller velg et filter for å se flere."
        )
    return f'{STATIC_NOTE}\n    <p class="small" id="sok-status" role="status">{more}</p>\n    '


def _feed_link(req) -> str:
    href = f"{escape(link('feeds.search_feed'))}{escape(req.query())}"
    return f'<p class="small feed-link"><a href="{href}">Følg nye grep i dette søket (Atom)</a></p>'


def _zero(page: dict) -> str:
    """The zero-result help (rare: still the template _zero.html)."""
    template = current_app.jinja_env.get_template("_zero.html")
    return template.render(req=page["req"], result=page["result"], themes=page["themes"])


def _group(group, result: dict, url: str) -> str:
    """A group of hits under its heading, and its «Vis alle N grep»."""
    head = f'<h3 class="hit-group">{escape(group.title)}</h3>' if group.title else ""
    start = ""
    if not group.title:
        start = f' start="{(result["page"] - 1) * current_app.config["PAGE_SIZE"] + 1}"'
    more = ""
    if group.more:
        more = (
            f'<p class="more"><a href="{url}{escape(group.more[0])}">Vis alle '
            f"{escape(number(group.more[1]))} grep</a></p>"
        )
    hits = hit_items(group.hits, "h4" if group.title else "h3")
    return (
        f'\n    {head}\n    <ol class="hits"{start}>\n      \n      {hits}\n    </ol>'
        f"\n    {more}\n    "
    )


def _pagination(req, result: dict, last: int, url: str) -> str:
    page = result["page"]
    out = [
        '\n    \n    <nav class="pagination" aria-label="Sider med treff">\n'
        f'      <p class="page-total">Side {page} av {last} ({escape(number(result["total"]))} '
        "treff)</p>\n      <ul>\n        "
    ]
    hidden = '<span class="visually-hidden"> side</span>'
    if page > 1:
        out.append(
            f'\n        <li><a href="{url}{escape(req.at_page(1))}">« Første{hidden}</a></li>'
            f'\n        <li><a href="{url}{escape(req.at_page(page - 1))}" rel="prev">‹ Forrige'
            f"{hidden}</a></li>\n        "
        )
    out.append("\n        ")
    for p in range(max(1, page - 2), min(last, page + 2) + 1):
        current = ' aria-current="page"' if p == page else ""
        out.append(
            f'\n        <li><a href="{url}{escape(req.at_page(p))}"{current}>'
            f'<span class="visually-hidden">Side </span>{p}</a></li>\n        '
        )
    out.append("\n        ")
    if page < last:
        out.append(
            f'\n        <li><a href="{url}{escape(req.at_page(page + 1))}" rel="next">Neste'
            f"{hidden} ›</a></li>"
            f'\n        <li><a href="{url}{escape(req.at_page(last))}">Siste{hidden} »</a></li>'
            "\n        "
        )
    out.append("\n      </ul>\n    </nav>\n    ")
    return "".join(out)
