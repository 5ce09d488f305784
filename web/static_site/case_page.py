"""The Markdown page of one case, rendered from the shared page model (web/model/case_page.py)."""

from __future__ import annotations

from kb import urls
from kb.cite import FORMATS as CITE_FORMATS
from kb.content.loader import Content
from kb.content.model import Case
from kb.search.analysis import NorwegianAnalysis
from web.model.case_page import CitationLine, FactItem, FactRow, case_page
from web.static_site.markup import bullet_list, link, md_link, page, slug, text
from web.static_site.searchterms import compound_terms, search_block


def case_markdown(
    case: Case,
    content: Content,
    site_url: str,
    edit_url: str,
    analysis: NorwegianAnalysis,
    version: str = "",
) -> str:
    """The whole page of a case."""
    src = page("grep", case.id)
    model = case_page(case, content, site_url, version)
    parts = [
        f"# {text(case.title)}\n",
        search_block(compound_terms([case.title, case.summary, case.body], analysis)),
        f"{text(case.summary)}\n",
        fact_box(model.facts, src),
        *(f"## {text(heading)}\n\n{body}\n" for heading, body in case.sections),
        sources_section(model.citations, src),
        contact_section(case),
        related_section(case, content, src),
        cite_section(case.id, model.references[0][2]),
        f"Sist oppdatert {case.updated.isoformat() if case.updated else ''}. "
        f"[Foreslå en endring i dette grepet]({edit_url}{case.path.name})\n",
    ]
    return "\n".join(p for p in parts if p)


def href(url: str, src: str) -> str | None:
    """A service path as a relative link in the export, or None when the export has no page."""
    target = urls.export_target(url, slug)
    return link(src, *target) if target else None


def fact_item(item: FactItem, src: str) -> str:
    """One fact value, linked when the export has the page it leads to."""
    where = href(item.url, src) if item.url else None
    label = f"[{text(item.text)}]({where})" if where else text(item.text)
    return f'<span class="fact-item" markdown>{label}</span>'


def fact_box(rows: tuple[FactRow, ...], src: str) -> str:
    """The fact box as a definition list in a styled block."""
    lines = []
    for row in rows:
        value = ", ".join(fact_item(i, src) for i in row.items)
        if row.note:
            value += f' <span class="explain">{text(row.note)}</span>'
        lines.append(f"{text(row.label)}\n:   {value}")
    return '<div class="gg-fakta" markdown>\n\n' + "\n\n".join(lines) + "\n\n</div>\n"


def citation_item(c: CitationLine, src: str) -> str:
    """One source reference: the linked source title, the locator and the quote."""
    where = href(c.url, src)
    item = f"[{text(c.title)}]({where})" if where else text(c.title)
    item += f", {c.locator}" if c.locator else ""
    if c.quote:
        item += f"\n\n    > «{text(c.quote)}»\n"
    return item


def sources_section(citations: tuple[CitationLine, ...], src: str) -> str:
    """The «Kilder» section: every citation with its locator."""
    items = [citation_item(c, src) for c in citations]
    return "## Kilder\n\n" + bullet_list(items, "Ingen kilder.") + "\n"


def contact_section(case: Case) -> str:
    """The «Ressursperson» section: role and organisation, never a name."""
    contact = case.contact
    if not contact:
        return ""
    who = ", ".join(filter(None, (contact.role, contact.organisation)))
    return f"## Ressursperson\n\n{text(who)}\n"


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
