"""Hits as the public JSON shows them: HTML-safe snippets with <mark> and the cited locations."""

from __future__ import annotations

import json
import re
from html import escape, unescape

from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, get_text

from kb import schema as f

SNIPPET_CHARS = 240
CASE_EXTRAS = ("summary", "kommuner", "fylker", "themes", "evidence", "status", "updated", "year")
PASSAGE_EXTRAS = ("source_title", "section", "section_title", "year")


class MarkFormatter(Formatter):
    """Escapes the text, then wraps matched words in <mark>."""

    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text, token, replace=False) -> str:
        """One matched word, escaped and marked."""
        return f"<mark>{escape(get_text(text, token, replace), quote=False)}</mark>"


def highlighter() -> Highlighter:
    """The highlighter for snippets: two short fragments around the matches."""
    return Highlighter(
        fragmenter=ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80), formatter=MarkFormatter()
    )


def lead(text: str, chars: int = SNIPPET_CHARS) -> str:
    """The start of a text, cut at a word and escaped: the snippet when nothing is marked."""
    text = " ".join(text.split())
    if len(text) > chars:
        text = text[:chars].rsplit(" ", 1)[0] + " …"
    return escape(text, quote=False)


def snippet(hit, highlight: bool) -> tuple[str, bool]:
    """The hit's snippet and whether it comes from the OCR-repaired reading."""
    fields = (f.TEXT_FIELD, f.SUMMARY, f.REPAIRED, f.TITLE) if highlight else ()
    for name in fields:
        if hit.get(name):
            # The repaired reading is marked with the words matched in text, where it is indexed
            field = f.TEXT_FIELD if name == f.REPAIRED else name
            marked = hit.highlights(field, text=hit[name], top=2)
            if marked:
                return " ".join(marked.split()), name == f.REPAIRED
    return lead(hit.get(f.SUMMARY) or hit.get(f.TEXT_FIELD) or ""), False


def to_hit(hit, highlight: bool = True) -> dict:
    """One search hit as a dict of the public contract plus what a UI needs."""
    data = json.loads(hit[f.DATA])
    kind = hit[f.KIND]
    score = hit.score if isinstance(hit.score, int | float) else 0.0  # a tuple when sorted
    text, repaired = snippet(hit, highlight)
    out = {
        "kind": kind,
        "id": hit[f.ID_FIELD],
        "title": data.get("title") or hit[f.TITLE],
        "url": data["url"],
        "score": round(float(score), 3),
        "snippet": text,
        "locations": data["locations"],
    }
    extras = CASE_EXTRAS if kind == "case" else PASSAGE_EXTRAS
    out.update({k: data.get(k) for k in extras})
    if kind == "passage":
        out["source"] = data["locations"][0]["source"]
        out["repaired"] = repaired  # True when the snippet shows the OCR-repaired reading
    return out


def _location_text(loc: dict) -> str:
    """«fafo-2015-08 § 4.1, linje 731–759» for one location."""
    where = loc["source"] + (f" § {loc['section']}" if loc.get("section") else "")
    if loc.get("lines"):
        where += f", linje {loc['lines'][0]}–{loc['lines'][1]}"
    elif loc.get("pages"):
        where += f", s. {loc['pages'][0]}–{loc['pages'][1]}"
    return where


def plain_snippet(snippet: str, mark=lambda s: f"«{s}»") -> str:
    """A snippet as plain text, with each marked word passed through mark()."""
    pieces = re.split(r"<mark>(.*?)</mark>", snippet)
    return "".join(mark(unescape(p)) if i % 2 else unescape(p) for i, p in enumerate(pieces))


def as_text(result: dict, start: int = 1, mark=lambda s: f"«{s}»") -> str:
    """A search result as readable Norwegian text for the terminal."""
    took = f"{result['took_ms']:.1f}".replace(".", ",")
    lines = [f"{result['total']} treff for «{result['query']}» ({took} ms)"]
    if result.get("suggestion"):
        lines.append(f"Mente du «{result['suggestion']}»?")
    if result.get("message"):
        lines.append(result["message"])
    for i, hit in enumerate(result["hits"], start):
        kind = "grep" if hit["kind"] == "case" else "kilde"
        lines += [
            "",
            f"{i:>2}. [{kind}] {hit['title']}",
            f"    {hit['url']}",
            f"    {plain_snippet(hit['snippet'], mark)}",
        ]
        lines += [f"    Kilde: {_location_text(loc)}" for loc in hit["locations"][:3]]
    if result.get("pages", 0) > 1:
        lines += ["", f"Side {result['page']} av {result['pages']}."]
    return "\n".join(lines)
