"""Small helpers that write safe Markdown: escaped text, relative links, page paths."""

from __future__ import annotations

import posixpath
import re

import yaml

from kb.editor.new import suggest_id

# Characters that would start Markdown syntax inside a line of plain text.
_SPECIAL = re.compile(r"([\\`*_\[\]{}|#!])")
# The site's sections: URL folder -> the vocabulary (or register) behind it.
KINDS = {
    "grep": "grep",
    "kilder": "sources",
    "tema": "themes",
    "malgruppe": "target_groups",
    "fylke": "fylker",
    "innganger": "approaches",
}


def text(value: object) -> str:
    """Plain text made safe inside Markdown: no HTML tags, no Markdown syntax."""
    plain = " ".join(str(value).split())
    plain = plain.replace("<", "‹").replace(">", "›")  # titles reach <title> unescaped
    return _SPECIAL.sub(r"\\\1", plain)


def page(kind: str, ident: str = "") -> str:
    """The docs path of a page: «tema/bolig/index.md», «tema/index.md» or «index.md»."""
    parts = [p for p in (kind, ident) if p]
    return "/".join([*parts, "index.md"])


def link(src: str, dst: str, anchor: str = "") -> str:
    """A relative link from one docs path to another, which MkDocs checks and rewrites."""
    rel = posixpath.relpath(dst, posixpath.dirname(src) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def md_link(label: object, src: str, dst: str, anchor: str = "") -> str:
    """A Markdown link with escaped label text."""
    return f"[{text(label)}]({link(src, dst, anchor)})"


def slug(name: str) -> str:
    """A URL slug for a name such as a fylke: «Møre og Romsdal» -> «more-og-romsdal»."""
    return suggest_id(name, max_words=20)


def front_matter(meta: dict) -> str:
    """A YAML front-matter block for MkDocs page meta (never text a template shows raw)."""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True) + "---\n\n"


def bullet_list(items: list[str], empty: str) -> str:
    """Markdown list items, or an italic note when there are none."""
    return "\n".join(f"- {item}" for item in items) if items else f"*{empty}*"


def period_text(start: int | None, end: int | None) -> str:
    """«2015–2018», «fra 2015», «til 2018» or ""."""
    if start and end:
        return f"{start}–{end}" if start != end else str(start)
    if start:
        return f"fra {start}"
    return f"til {end}" if end else ""
