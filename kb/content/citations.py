"""Checks of a case's `sources`: registered ids, locators, quote length and verbatim quotes."""

from __future__ import annotations

from rapidfuzz import process

from kb.content.checker import Checker
from kb.content.document_quotes import check_document_quote, is_document
from kb.content.model import MAX_QUOTE_WORDS
from kb.content.pages_check import check_cited_pages
from kb.content.quotes import cited_text, nearest, quote_in, word_count
from kb.content.sources import locate, text_lines

REFERENCE_KEYS = ("source", "section", "lines", "pages", "quote")


def check_sources(c: Checker, meta: dict, ctx) -> None:
    """Check every entry of `sources`, verifying quotes against the registered files."""
    if "sources" not in meta:
        return
    refs = meta["sources"]
    if not isinstance(refs, list) or not refs:
        c.add(
            ("sources",),
            "minst én kilde trengs",
            "skriv sources: med «- source: id», section og lines",
        )
        return
    for i, ref in enumerate(refs):
        if isinstance(ref, dict):
            check_reference(c, ("sources", i), ref, ctx)
        else:
            c.add(
                ("sources", i),
                "hver kilde skal være en gruppe felt",
                "skriv «- source: id» med section og lines",
            )


def check_reference(c: Checker, base: tuple, ref: dict, ctx) -> None:
    """One entry of sources: its fields, its locators and its quote."""
    for key in ref:
        if key not in REFERENCE_KEYS:
            c.add(base + (key,), f"ukjent felt «{key}»", "bruk " + ", ".join(REFERENCE_KEYS))
    sid = _source_id(c, base, ref, ctx)
    if "section" in ref:
        c.text(base + ("section",), ref["section"])
    lines = check_locator(c, base + ("lines",), ref["lines"]) if "lines" in ref else None
    pages = check_locator(c, base + ("pages",), ref["pages"]) if "pages" in ref else None
    if "lines" not in ref and "pages" not in ref:
        c.add(base, "kilden mangler lines (eller pages for PDF)", "skriv lines: [første, siste]")
    quote = c.text(base + ("quote",), ref["quote"]) if "quote" in ref else None
    if quote and (n := word_count(quote)) > MAX_QUOTE_WORDS:
        c.add(
            base + ("quote",),
            f"sitatet har {n} ord; høyst {MAX_QUOTE_WORDS} er lov",
            "kort ned sitatet, eller skriv med egne ord",
        )
    if quote and sid in ctx.sources and is_document(ctx.sources[sid]):
        check_document_quote(c, base, ctx, sid, pages, quote)
    elif quote and lines and sid in ctx.sources:
        check_quote(c, base, ctx, sid, lines, quote)
    if sid in ctx.sources and ("pages" not in ref or pages):
        check_cited_pages(c, base, ctx.sources[sid], lines, pages)


def _source_id(c: Checker, base: tuple, ref: dict, ctx) -> str | None:
    """The cited source id when it is registered; reports a missing or unknown one."""
    if "source" not in ref:
        c.add(base, "kilden mangler feltet source", "skriv source: <id fra content/sources/>")
        return None
    sid = c.text(base + ("source",), ref["source"])
    if sid and sid not in ctx.sources:
        guess = process.extractOne(sid, list(ctx.sources), score_cutoff=60)
        fix = f"mente du «{guess[0]}»?" if guess else "registrer kilden i content/sources/"
        c.add(base + ("source",), f"«{sid}» er ikke en registrert kilde", fix)
    return sid


def check_locator(c: Checker, path: tuple, value) -> tuple[int, int] | None:
    """A [first, last] range of positive whole numbers, or None after reporting why not."""
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
    )
    if not ok:
        c.add(
            path, f"«{value}» er ikke et gyldig område", "skriv [første, siste], f.eks. [731, 759]"
        )
        return None
    if value[1] < value[0]:
        c.add(path, f"siste ({value[1]}) er før første ({value[0]})", "bytt om tallene")
        return None
    return value[0], value[1]


def check_quote(c: Checker, base: tuple, ctx, sid: str, lines: tuple[int, int], quote: str) -> None:
    """The quote must stand, whitespace-normalised, in the cited lines of the registered file."""
    located = [f for f in locate(ctx.sources[sid], ctx.source_dirs) if f.file.format == "text"]
    if not located:
        names = ", ".join(f.path for f in ctx.sources[sid].files) or "ingen filer"
        c.add(
            base + ("quote",),
            f"sitatet kan ikke sjekkes: fant ikke {names} i kildemappene",
            "oppgi mappen med --sources DIR",
            warning=True,
        )
        return
    found = located[0]
    if not found.sha_ok:
        c.add(
            base + ("quote",),
            f"{found.path} har en annen sha256 enn registrert",
            "bruk den registrerte filen, eller registrer den nye",
            warning=True,
        )
    all_lines = text_lines(found.path)
    if lines[1] > len(all_lines):
        c.add(
            base + ("lines",),
            f"linje {lines[1]} finnes ikke; {found.file.path} har {len(all_lines)} linjer",
            "rett linjenumrene",
        )
        return
    text = cited_text(all_lines, *lines)
    if not quote_in(quote, text):
        c.add(
            base + ("quote",),
            f"sitatet står ikke i linje {lines[0]}–{lines[1]}; nærmest: «{nearest(quote, text)}»",
            "kopier sitatet ordrett fra kilden, eller rett lines",
        )
