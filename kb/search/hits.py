"""Hits as the public JSON shows them: fixed parts, snippet (kb.search.snippets), why the
document matched and the cited locations; a result as text for the terminal."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from html import unescape

from kb.search import schema as f
from kb.search.analysis import NorwegianAnalysis
from kb.search.snippets import PREPARED, also_words, normalised, snippet

CASE_EXTRAS = ("summary", "kommuner", "fylker", "themes", "evidence", "status", "updated", "year")
PASSAGE_EXTRAS = ("source_title", "section", "section_title", "year")


@lru_cache(maxsize=PREPARED)
def _data(raw: str) -> dict:
    """A document's stored JSON data, parsed (read-only: hits share it)."""
    return json.loads(raw)


def explain(
    stored: dict, why: list[tuple[str, bool, set[str]]], analysis: NorwegianAnalysis, marks=None
) -> dict:
    """Why a document matched: «treff på: bosetting, flyktninger (også: busetjing)»."""
    words, missing, other = [], [], set()
    for label, has, terms in why:
        if label:
            (words if has else missing).append(label)
        if terms:
            other |= terms
    also = []
    if other:
        typed = {w for label in words for w in label.split()}
        also = [w for w in also_words(stored, other, analysis, marks) if w not in typed]
    text = "treff på: " + ", ".join(words) if words else ""
    if text and also:
        text += f" (også: {', '.join(also)})"
    if text and missing:
        text += f"; mangler: {', '.join(missing)}"
    return {"words": words, "also": also, "missing": missing, "text": text}


def to_hit(
    stored: dict,
    score: float,
    terms: set[str],
    analysis: NorwegianAnalysis,
    why: list[tuple[str, bool, set[str]]] | None = None,
    marks=None,
) -> dict:
    """One search hit as a dict of the public contract plus what a UI needs (marks: the
    document's word tables, kb.search.words.DocWords, or None to scan its texts)."""
    kind = stored[f.KIND]
    out = _fixed(stored[f.DATA], kind, stored[f.ID_FIELD], stored[f.TITLE]).copy()
    text, repaired = snippet(stored, terms, analysis, marks)
    out["score"], out["snippet"] = round(float(score), 3), text  # in their places
    if kind == "passage":
        out["repaired"] = repaired  # True when the snippet shows the OCR-repaired reading
    if why is not None:
        out["why"] = explain(stored, why, analysis, marks)
    return out


def prepare(stored: dict) -> None:
    """Fill what a hit of this document reads first (its fixed parts, its text space-normalised
    for the snippet) in the caches here and in kb.search.snippets, for a warm process: a
    process's first pages would otherwise parse the JSON data and normalise the text of every
    new hit."""
    _fixed(stored[f.DATA], stored[f.KIND], stored[f.ID_FIELD], stored[f.TITLE])
    normalised(stored.get(f.TEXT_FIELD) or "")


@lru_cache(maxsize=PREPARED)
def _fixed(raw: str, kind: str, ident: str, title: str) -> dict:
    """A hit's keys in their order, with the parts that do not depend on the query (its score
    and snippet are placeholders): each hit is a copy, which costs half of building the dict
    (read-only: hits share its values, as they share the stored data's)."""
    data = _data(raw)
    out = {"kind": kind, "id": ident, "title": data.get("title") or title, "url": data["url"]}
    out.update(score=0.0, snippet="", locations=data["locations"])
    out.update((k, data.get(k)) for k in (CASE_EXTRAS if kind == "case" else PASSAGE_EXTRAS))
    if kind == "passage":
        out["source"] = data["locations"][0]["source"]
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
        if hit.get("why", {}).get("text"):
            lines.append(f"    {hit['why']['text'][:1].upper()}{hit['why']['text'][1:]}")
        lines += [f"    Kilde: {_location_text(loc)}" for loc in hit["locations"][:3]]
    if result.get("pages", 0) > 1:
        lines += ["", f"Side {result['page']} av {result['pages']}."]
    return "\n".join(lines)
