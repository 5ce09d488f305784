"""What a reader sees of a case, for both faces: fact rows, citations, references and URLs.

The Flask template (web/templates/case.html) and the static export
(web/static_site/case_page.py) render this model, so a label or a wording is written once.
Fact rows follow the case schema (kb/content/schema.py: fields with a `fact` heading).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from kb import cite, urls
from kb.content import schema
from kb.content.loader import Content
from kb.content.model import Case
from kb.content.registers import SIZE_LABELS
from web.model.browse import STATUS_TEXT, norwegian_date
from web.model.params import FILTERS

NO_PLACE = "Flere steder"
NO_PERIOD = "Ikke oppgitt"
_PARAMS = {name: param for param, name in FILTERS.items()}  # index field → URL parameter


@dataclass(frozen=True)
class FactItem:
    """One value in a fact row, linked to the list of cases that share it when url is set."""

    text: str
    url: str = ""  # a site path from kb.urls ("" = plain text)


@dataclass(frozen=True)
class FactRow:
    """One row of the fact box: the schema's heading and its values."""

    name: str  # the schema field
    label: str
    items: tuple[FactItem, ...]
    note: str = ""  # an explanation shown after the values (the evidence level's meaning)

    @property
    def text(self) -> str:
        """The row's values as plain text, as both faces show them."""
        return ", ".join(i.text for i in self.items)


@dataclass(frozen=True)
class CitationLine:
    """One cited passage: the source's title, its address at the lines, locator and quote."""

    source: str
    title: str
    url: str
    locator: str
    quote: str = ""


@dataclass(frozen=True)
class CasePage:
    """Everything a case page shows besides the case's own text."""

    case: Case
    url: str
    facts: tuple[FactRow, ...]
    citations: tuple[CitationLine, ...]
    references: tuple[tuple[dict, str, str], ...]  # (CSL item, APA text, APA HTML)


def case_page(
    case: Case, content: Content, site_url: str, version: str = "", url: str = ""
) -> CasePage:
    """The page model of one case."""
    items = cite.case_items(case, content.sources, site_url, version, url)
    return CasePage(
        case=case,
        url=urls.case_url(case.id),
        facts=with_sizes(
            tuple(row for f in schema.FIELDS if f.fact and (row := fact_row(f, case, content))),
            case,
            content,
        ),
        citations=tuple(citation_lines(case, content)),
        # apa(html=True) escapes every field and sanitises the result (kb.cite): safe markup
        references=tuple((it, cite.apa(it), Markup(cite.apa(it, html=True))) for it in items),
    )


def size_row(case: Case, content: Content) -> FactRow:
    """«Kommunestørrelse»: each named kommune's population and size class, linked to cases
    from kommuner of that size; a case that names none says so rather than guessing."""
    register = content.ctx.register
    items = []
    for name in case.kommuner:
        k = register.kommune(name) if register else None
        if k is None or k.population is None:
            items.append(FactItem(f"{name}: folketall ukjent"))
            continue
        people = f"{k.population:,}".replace(",", "\u00a0")
        text = f"{name}: {people} innbyggere ({SIZE_LABELS.get(k.size_class, k.size_class)})"
        items.append(FactItem(text, urls.search_url(storrelse=k.size_class, type="grep")))
    facts = register.facts if register else {}
    day = norwegian_date(facts.get("date", ""))
    note = f"Folketall {day}. {facts.get('credit', '')}." if items else ""
    return FactRow("size", "Kommunestørrelse", tuple(items) or (FactItem(NOT_NAMED),), note)


NOT_NAMED = "Kommunene er ikke navngitt."


def with_sizes(rows: tuple[FactRow, ...], case: Case, content: Content) -> tuple[FactRow, ...]:
    """The fact rows with the kommune-size row right after «Hvor»."""
    at = next((i + 1 for i, r in enumerate(rows) if r.name == "places"), 0)
    return rows[:at] + (size_row(case, content),) + rows[at:]


def fact_row(field: schema.Field, case: Case, content: Content) -> FactRow | None:
    """The fact row of one schema field, or None when its value is not known.

    An unknown period or status is left out rather than shown as «Ikke oppgitt».
    """
    if field.kind == "places":
        return FactRow(field.name, field.fact, place_items(case) or (FactItem(NO_PLACE),))
    if field.kind == "period":
        text = period_text(case)
        return FactRow(field.name, field.fact, (FactItem(text),)) if text != NO_PERIOD else None
    if field.kind == "status":
        if case.status == "ukjent":
            return None
        text = STATUS_TEXT.get(case.status, case.status)
        year = f" (per {case.status_as_of})" if case.status_as_of else ""
        return FactRow(field.name, field.fact, (FactItem(text + year),))
    value = getattr(case, field.name)
    ids = (value,) if isinstance(value, str) else tuple(value)
    if not ids and not field.required:
        return None
    vocab = content.ctx.vocabularies.get(field.vocabulary)
    items = tuple(FactItem(vocab.label_of(i) if vocab else i, term_url(field, i)) for i in ids)
    term = vocab.get(ids[0]) if vocab and field.kind == "term" and ids else None
    note = term.description if term else ""
    if field.name == "evidence" and case.evidence_note:
        note = f"{note} {case.evidence_note}".strip()  # what was measured, by whom, with a marker
    return FactRow(field.name, field.fact, items, note)


def term_url(field: schema.Field, term_id: str) -> str:
    """Where a vocabulary value leads: its filtered search, an entry point's page, or nowhere."""
    if field.name == "approaches":
        return urls.approach_url(term_id)
    if field.name == "grants":
        return urls.grant_url(term_id)
    param = _PARAMS.get(field.index)
    return urls.search_url(**{param: term_id}) if param else ""


def place_items(case: Case) -> tuple[FactItem, ...]:
    """The kommuner, then the fylker (or the region when no fylke is known)."""
    items = [FactItem(k, urls.search_url(kommune=k)) for k in case.kommuner]
    items += [FactItem(f, urls.search_url(fylke=f)) for f in case.fylker]
    if not case.fylker and case.region:
        items.append(FactItem(case.region))
    return tuple(items)


def period_text(case: Case) -> str:
    """«2012–2014», «2015 og fram til nå» or «Ikke oppgitt»."""
    period = case.period
    if not period or not period.start:
        return NO_PERIOD
    if period.end:
        return f"{period.start}–{period.end}"
    return f"{period.start} og fram til nå"


def citation_lines(case: Case, content: Content) -> list[CitationLine]:
    """The case's citations with their source titles and addresses."""
    out = []
    for c in case.sources:
        source = content.sources.get(c.source)
        title = source.title if source else c.source
        url = urls.source_url(c.source, c.lines, c.pages)
        out.append(CitationLine(c.source, title, url, schema.reader_locator(c), c.quote))
    return out
