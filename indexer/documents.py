"""Turn cases and passages into index documents (the fields of kb.search.schema)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kb import urls
from kb.content import schema
from kb.content.loader import Context
from kb.content.model import Case, Passage, Source
from kb.content.registers import SIZE_CLASSES
from kb.search import schema as f
from kb.search.analysis import words

_MD_HEADING = re.compile(r"^\s{0,3}#+\s*", re.M)
_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def plain_text(markdown: str) -> str:
    """Markdown as readable plain text (headings, bullets, links and emphasis marks removed)."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_HEADING.sub("", text)
    text = _MD_BULLET.sub("", text)
    return _MD_EMPHASIS.sub("", text)


def case_locations(case: Case, ctx: Context) -> list[dict]:
    """The case's cited sources, each with the sha256 of the registered file."""
    out = []
    for c in case.sources:
        source = ctx.sources.get(c.source)
        sha = source.files[0].sha256 if source and source.files else ""
        out.append(
            {
                "source": c.source,
                "sha256": sha,
                "section": c.section,
                "lines": list(c.lines) if c.lines else None,
                "pages": list(c.pages) if c.pages else None,
            }
        )
    return out


def _tags(case: Case, ctx: Context) -> str:
    """Labels and synonyms of the case's vocabulary terms, and its place names."""
    words: list[str] = list(case.kommuner) + list(case.fylker) + [case.region]
    for name, vocab_name in schema.vocabulary_fields().items():
        vocab = ctx.vocabularies.get(vocab_name)
        ids = getattr(case, name)
        for term_id in (ids,) if isinstance(ids, str) else ids:
            term = vocab.get(term_id) if vocab else None
            if term:
                words += [term.label, *term.synonyms]
    return "\n".join(w for w in words if w)


def size_classes(case: Case, ctx: Context) -> list[str]:
    """The size classes of the case's named kommuner, each once, smallest first."""
    register = ctx.register
    found = {register.kommune(name) for name in case.kommuner} if register else set()
    classes = {k.size_class for k in found if k and k.size_class}
    return [cid for cid, _, _ in SIZE_CLASSES if cid in classes]


def relative_path(path: Path, root: Path) -> str:
    """A case file's path relative to the content root (its PATH in the index)."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def newest_key(case: Case, ctx: Context) -> str:
    """The case's key for «nyeste»: the year its facts describe (as_of, else the latest year of
    its sources), then the date it was last edited. A passage's key is its source's year, so
    the newest knowledge comes first, and edits only order cases of the same year."""
    years = [ctx.sources[c.source].year for c in case.sources if c.source in ctx.sources]
    year = case.as_of or max((y for y in years if y), default=None)
    if year is None:
        return ""
    return f"{year:04d}-{case.updated.isoformat()}" if case.updated else f"{year:04d}"


def case_doc(case: Case, ctx: Context) -> dict:
    """The index document of one case."""
    body = plain_text(case.body)
    data = {
        "url": urls.case_url(case.id),
        "summary": case.summary,
        "kommuner": list(case.kommuner),
        "fylker": list(case.fylker),
        "region": case.region,
        "themes": list(case.themes),
        "evidence": case.evidence,
        "status": case.status,
        "updated": case.updated.isoformat() if case.updated else None,
        "year": case.year,
        "locations": case_locations(case, ctx),
    }
    declared = {fld.index: fld.index_value(case) for fld in schema.FIELDS if fld.index}
    return {
        f.ID_FIELD: case.id,
        f.KIND: "case",
        f.PATH: relative_path(case.path, ctx.root),
        **declared,  # title, summary and the facets, as the case schema declares them
        f.TEXT_FIELD: body,
        f.TAGS: _tags(case, ctx),
        f.SPELL: "\n".join((case.title, case.summary, body)),
        f.SIZE: ",".join(size_classes(case, ctx)),  # kommune size classes (register)
        f.DATE: newest_key(case, ctx),
        f.SORT_TITLE: case.title.lower(),
        f.ORDER: 0,
        f.DATA: json.dumps(data, ensure_ascii=False),
    }


def passage_url(p: Passage) -> str:
    """Where a passage is shown: its lines, or its first page, in the source's page."""
    return urls.source_url(p.source, p.lines, p.pages)


def passage_title(p: Passage, source: Source) -> str:
    """The source title with the passage's section number and heading."""
    section = " ".join(x for x in (p.section, p.section_title) if x)
    return f"{source.title} – {section}" if section else source.title


def searchable_text(p: Passage) -> str:
    """The text as indexed: for OCR-damaged text, with the repaired words added at the end.

    One field then matches both readings, each word once; the text shown stays as written.
    """
    if not p.repaired:
        return p.text
    written = set(words(p.text))
    extra = [w for w in words(p.repaired) if w not in written]  # repeats kept: they count
    return p.text + "\n" + " ".join(extra)


def passage_doc(p: Passage, source: Source) -> dict:
    """The index document of one passage."""
    location = {
        "source": p.source,
        "sha256": p.sha256,
        "section": p.section,
        "lines": list(p.lines) if p.lines else None,
        "pages": list(p.pages) if p.pages else None,
    }
    title = passage_title(p, source)
    data = {
        "url": passage_url(p),
        "title": title,
        "source_title": source.title,
        "section": p.section,
        "section_title": p.section_title,
        "year": source.year,
        "locations": [location],
    }
    heading = " ".join(x for x in (p.section, p.section_title) if x)
    return {  # only the section heading is boosted: the source title would lift every passage
        f.ID_FIELD: p.id,
        f.KIND: "passage",
        f.TITLE: heading,
        f.TEXT_FIELD: searchable_text(p),
        "_stored_" + f.TEXT_FIELD: p.text,
        f.REPAIRED: p.repaired,
        f.SPELL: "\n".join((heading, p.repaired or p.text)),
        f.SOURCE: p.source,
        f.YEAR: str(source.year or ""),
        f.DATE: str(source.year or ""),
        f.SORT_TITLE: title.lower(),
        f.ORDER: p.n,
        f.DATA: json.dumps(data, ensure_ascii=False),
    }
