"""Markdown to sanitised HTML: case bodies and source descriptions as pages show them."""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

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


def markdown_html(text: str, shift: int = 0) -> Markup:
    """Render Markdown and keep only safe tags; headings move down by `shift` levels."""
    html = markdown.markdown(text or "", extensions=list(EXTENSIONS), output_format="html")
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
