"""A page's shell: base.html rendered once, and per request only the page's own blocks.

render_template("search.html") rendered base.html around the page's blocks on every request:
the head, the header with its menu and the footer, two dozen template calls (links, static
file URLs, the canonical address) that give the same text for every search. render() gives
the same bytes with base.html rendered once per shell key: everything base.html reads outside
the page's blocks. That is the request's address (scheme, host, application root, path), its
endpoint (the menu marks the current page), the static files' versions (their ?v=<hash>),
base.html itself and whether the app renders the static export; the rest of the config is
fixed for the app, and base.html reads nothing the view passes in nor the content
(tests/test_search_page.py).
"""

from __future__ import annotations

from flask import current_app, request

PARENT = "base.html"
STATIC_FILES = ("site.css", "favicon.svg", "site.js")  # static_url() calls in base.html
SHELLS = 64  # shells kept per app: the Host header is the client's, so bounded
HOLE = "\x00hole:{}\x00"  # where a block of the page goes in the rendered shell


def render(blocks: dict[str, str]) -> bytes:
    """base.html with these blocks (name → its text), byte for byte as a template that
    extends base.html and sets them renders it, in UTF-8 (the response's body).

    The shell's pieces are kept encoded, so only the blocks are encoded per request: joining
    a search page's ~33 kB main block into the shell as text and encoding the whole took
    twice as long (~60 µs against ~30)."""
    pieces, names = shell(tuple(blocks))
    out = [pieces[0]]
    for name, piece in zip(names, pieces[1:], strict=True):
        out += (blocks[name].encode(), piece)
    return b"".join(out)


def shell(blocks: tuple[str, ...]) -> tuple[list[bytes], list[str]]:
    """base.html around these blocks, split where they go: (pieces in UTF-8, block names)."""
    app = current_app._get_current_object()
    parent = app.jinja_env.get_template(PARENT)  # a new one when auto-reload sees a change
    assets = app.extensions["kb_assets"]
    key = (
        blocks,
        parent,
        request.scheme,
        request.host,
        request.script_root,
        request.path,
        request.endpoint,
        tuple(assets.version(f) for f in STATIC_FILES),
        app.config.get("STATIC"),  # the export's footer: set once per app, but tests flip it
    )
    shells = app.extensions.setdefault("kb_shells", {})
    found = shells.get(key)
    if found is None:
        if len(shells) >= SHELLS:
            shells.clear()
        found = shells[key] = _render_shell(app, blocks)
    return found


def _render_shell(app, blocks: tuple[str, ...]) -> tuple[list[bytes], list[str]]:
    holes = "".join(f"{{% block {name} %}}{HOLE.format(name)}{{% endblock %}}" for name in blocks)
    context: dict = {}
    app.update_template_context(context)
    text = app.jinja_env.from_string(f'{{% extends "{PARENT}" %}}{holes}').render(context)
    if any(text.count(HOLE.format(name)) != 1 for name in blocks):
        raise ValueError(f"{blocks}: a block that {PARENT} does not render once")
    pieces, names, start = [], [], 0
    for at, name in sorted((text.index(HOLE.format(name)), name) for name in blocks):
        pieces.append(text[start:at])
        names.append(name)
        start = at + len(HOLE.format(name))
    pieces.append(text[start:])
    return [piece.encode() for piece in pieces], names
