"""Markdown to sanitised HTML: case bodies and source descriptions as pages show them."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup, escape

from kb.content.markers import MARKER

EXTENSIONS = ("tables", "sane_lists")
TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
RENDERED_TEXTS = 4096  # a case page renders ~6 sections: 2/3 of its CPU before this cache
_converters = threading.local()  # one Markdown per thread: building one is a third of a call


def _markdown(text: str) -> str:
    """markdown.markdown(text) with this thread's converter, reset before each text."""
    md = getattr(_converters, "md", None)
    if md is None:
        md = _converters.md = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
    return md.reset().convert(text)


@lru_cache(maxsize=RENDERED_TEXTS)
def markdown_html(text: str, shift: int = 0) -> Markup:
    """Render Markdown and keep only safe tags; headings move down by `shift` levels.

    Remembered per (text, shift): the result depends on nothing else, and a changed file
    gives another text.
    """
    html = _markdown(text or "")
    for level in range(4, 0, -1) if shift else ():
        html = html.replace(f"<h{level}>", f"<h{min(level + shift, 5)}>")
        html = html.replace(f"</h{level}>", f"</h{min(level + shift, 5)}>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def link_markers(html: Markup, href: Callable[[int], tuple[str, str] | None]) -> Markup:
    """Turn the source markers «[1]» / «[1, 3]» of rendered case text into links.

    href(n) gives (url, title) for citation n, or None for a marker that points nowhere
    (then the marker stays as plain text). Runs on sanitised HTML; only digits are matched,
    so nothing from the text reaches an attribute.
    """

    def one(n: int) -> str:
        target = href(n)
        if target is None:
            return str(n)
        url, title = target
        return f'<a href="{escape(url)}" title="{escape(title)}">{n}</a>'

    def replace(m: re.Match) -> str:
        numbers = [int(n) for n in m.group(1).split(",")]
        links = ", ".join(one(n) for n in numbers)
        return f'<sup class="source-ref">[{links}]</sup>'

    return Markup(MARKER.sub(replace, str(html)))
