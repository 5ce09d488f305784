"""HTML: the main text (main/article first), chrome dropped, h1–h6 kept as Markdown headings."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from indexer.extract.base import Budget, RawDoc, SourceLine, fail
from indexer.extract.text import read_text

DROP = (
    "nav",
    "script",
    "style",
    "header",
    "footer",
    "aside",
    "noscript",
    "form",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
)
HEADINGS = {f"h{i}": i for i in range(1, 7)}
BLOCKS = {
    "p",
    "li",
    "dd",
    "dt",
    "blockquote",
    "pre",
    "td",
    "th",
    "caption",
    "figcaption",
    "div",
    "section",
    "article",
    "main",
    "body",
    "address",
    "summary",
} | set(HEADINGS)
MAX_DEPTH = 400
MAX_BYTES = 5_000_000  # a report page is far smaller; parsing costs about 5 s per MB
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _DepthProbe(HTMLParser):
    """Measures tag nesting cheaply before BeautifulSoup builds a tree."""

    def __init__(self) -> None:
        """Start at depth 0."""
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """One level deeper (void elements such as <br> have no end tag)."""
        if tag not in VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        """One level up."""
        self.depth = max(0, self.depth - 1)


def _check_depth(path: Path, text: str) -> None:
    """Refuse an HTML bomb of nested tags."""
    probe = _DepthProbe()
    probe.feed(text)
    probe.close()
    if probe.deepest > MAX_DEPTH:
        raise fail(
            path,
            f"HTML-en er nøstet {probe.deepest} nivåer dypt (grense {MAX_DEPTH})",
            "sjekk at filen er en vanlig nettside, eller lagre siden som PDF eller tekst",
        )


def _block_of(node: NavigableString) -> Tag | None:
    """The nearest block-level ancestor of a text node."""
    for parent in node.parents:
        if parent.name in BLOCKS:
            return parent
    return None


def _root(soup: BeautifulSoup) -> Tag:
    """The part of the page holding the main text."""
    for tag in soup.find_all(DROP):
        tag.decompose()
    return soup.find("main") or soup.find("article") or soup.body or soup


def extract_html(path: Path, budget: Budget) -> RawDoc:
    """Read an HTML page into Markdown-like lines: headings as `#` lines, blocks as paragraphs."""
    text = read_text(path, budget, max_bytes=MAX_BYTES)
    _check_depth(path, text)
    soup = BeautifulSoup(text, "html.parser")
    lines: list[SourceLine] = []
    current: Tag | None = None
    for i, node in enumerate(_root(soup).descendants):
        if i % 5000 == 0:
            budget.check_time()
        if type(node) is not NavigableString or not node.strip():
            continue  # tags, comments, doctype and CDATA carry no main text
        block = _block_of(node)
        words = " ".join(node.split())
        if block is current and lines:
            lines[-1].text += " " + words
            continue
        current = block
        level = HEADINGS.get(block.name if block else "", 0)
        prefix = "#" * level + " " if level else ("• " if block and block.name == "li" else "")
        line = getattr(block, "sourceline", None)
        lines += [SourceLine("", line=line), SourceLine(prefix + words, line=line)]
    if not any(sl.text.strip() for sl in lines):
        raise fail(path, "nettsiden har ingen brødtekst", "registrer en side med innhold")
    return RawDoc(lines, markup=True)
