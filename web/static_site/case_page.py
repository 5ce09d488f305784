"""The Markdown page of one case: fact box, sections, sources, related cases and «Siter»."""

from __future__ import annotations

from kb.cite import FORMATS as CITE_FORMATS
from kb.content.loader import Content
from kb.content.model import Case, Citation
from kb.opendata import locator
from kb.search.analysis import NorwegianAnalysis
from web.static_site.markup import bullet_list, md_link, page, period_text, slug, text
from web.static_site.searchterms import compound_terms, search_block


def case_markdown(
    case: Case, content: Content, reference: str, edit_url: str, analysis: NorwegianAnalysis
) -> str:
    """The whole page of a case; reference is the APA reference as HTML."""
    src = page("grep", case.id)
    parts = [
        f"# {text(case.title)}\n",
        search_block(compound_terms([case.title, case.summary, case.body], analysis)),
        f"{text(case.summary)}\n",
        fact_box(case, content, src),
        *(f"## {text(heading)}\n\n{body}\n" for heading, body in case.sections),
        sources_section(case.sources, content, src),
        related_section(case, content, src),
        cite_section(case.id, reference),
        f"[Foreslå en endring i dette grepet]({edit_url}{case.path.name})\n",
    ]
    return "\n".join(p for p in parts if p)


def _vocab_links(kind: str, vocab: str, ids: tuple[str, ...], content: Content, src: str) -> str:
    """Labels of vocabulary ids, each linked to its listing page."""
    v = content.ctx.vocabularies.get(vocab)
    return ", ".join(md_link(v.label_of(i) if v else i, src, page(kind, i)) for i in ids)


def _labels(vocab: str, ids: tuple[str, ...], content: Content) -> str:
    """Labels of vocabulary ids as plain text."""
    v = content.ctx.vocabularies.get(vocab)
    return ", ".join(text(v.label_of(i) if v else i) for i in ids)


def fact_rows(case: Case, content: Content, src: str) -> list[tuple[str, str]]:
    """The (label, Markdown value) rows of the fact box; empty values are left out."""
    kommuner = ", ".join(
        text(f"{p.name or p.kommune} ({p.number})" if p.number else p.kommune) for p in case.places
    )
    fylker = ", ".join(md_link(f, src, page("fylke", slug(f))) for f in case.fylker)
    period = period_text(case.period.start, case.period.end) if case.period else ""
    contact = case.contact
    return [
        ("Kommune", kommuner),
        ("Fylke", fylker),
        ("Region", text(case.region) if case.region not in case.fylker else ""),
        ("Periode", period),
        ("Status", text(case.status)),
        ("Tema", _vocab_links("tema", "themes", case.themes, content, src)),
        (
            "Målgrupper",
            _vocab_links("malgruppe", "target_groups", case.target_groups, content, src),
        ),
        ("Aktører", _labels("actors", case.actors, content)),
        ("Tilnærming", _vocab_links("tilnarming", "approaches", case.approaches, content, src)),
        ("Evidens", _labels("evidence", (case.evidence,), content)),
        ("Tilskudd og lån", _labels("grants", case.grants, content)),
        (
            "Ressursperson",
            text(", ".join(filter(None, (contact.role, contact.organisation)))) if contact else "",
        ),
        ("Sist oppdatert", case.updated.isoformat() if case.updated else ""),
    ]


def fact_box(case: Case, content: Content, src: str) -> str:
    """The fact box as a definition list in a styled block."""
    rows = "\n\n".join(
        f"{label}\n:   {value}" for label, value in fact_rows(case, content, src) if value
    )
    return f'<div class="gg-fakta" markdown>\n\n{rows}\n\n</div>\n'


def citation_item(c: Citation, content: Content, src: str) -> str:
    """One source reference: the linked source title, the locator and the quote."""
    source = content.sources.get(c.source)
    title = md_link(source.title, src, page("kilder", c.source)) if source else text(c.source)
    where = locator(c)
    item = title + (f", {where}" if where else "")
    if c.quote:
        item += f"\n\n    > «{text(c.quote)}»\n"
    return item


def sources_section(citations: tuple[Citation, ...], content: Content, src: str) -> str:
    """The «Kilder» section: every citation with its locator."""
    items = [citation_item(c, content, src) for c in citations]
    return "## Kilder\n\n" + bullet_list(items, "Ingen kilder.") + "\n"


def related_section(case: Case, content: Content, src: str) -> str:
    """The «Relaterte grep» section, linking the related cases that exist."""
    related = [content.cases[r] for r in case.related if r in content.cases]
    if not related:
        return ""
    items = [md_link(r.title, src, page("grep", r.id)) for r in related]
    return "## Relaterte grep\n\n" + bullet_list(items, "") + "\n"


def cite_section(case_id: str, reference: str) -> str:
    """The «Siter» section: the APA reference (HTML) and the citation files next to the page."""
    files = " · ".join(f"[{label}]({case_id}.{ext})" for ext, label in CITE_FORMATS.items())
    return f'## Siter\n\n<p class="gg-referanse">{reference}</p>\n\nLast ned: {files}\n'
