"""The case schema: each front-matter field declared once, and everything derived from it.

Validation (known and required fields), the loader, `kb new`'s field order, the proposal form,
the index document, the open-data columns and the fact box read this list. (The search
index's own fields are in kb/search/schema.py.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kb.content.model import Citation, Contact, Period
from kb.urls import case_url


@dataclass(frozen=True)
class Column:
    """One open-data column and how to read it from a Case."""

    name: str
    get: Callable[[Any], Any]  # Case -> str | int | None | list[str]


@dataclass(frozen=True)
class Field:
    """One front-matter field of a case."""

    name: str  # the key in the front matter (and the Case attribute)
    kind: str  # text | id | ids | places | region | period | status | year | term | terms | …
    label: str  # Norwegian name of the field (form legends, documentation)
    required: bool = False
    vocabulary: str = ""  # content/vocabulary/<name>.yaml for term and terms fields
    fact: str = ""  # the fact box row's heading ("" = no row)
    widget: str = ""  # the proposal form's control ("" = not in the form)
    inputs: tuple[str, ...] = ()  # the form's input names for the field
    hint: str = ""  # help text under the form control
    columns: tuple[Column, ...] = ()  # open-data columns
    index: str = ""  # the search index field (kb.search.schema) filled from the field
    index_value: Callable[[Any], str] | None = None  # Case -> the index field's text


def _joined(name: str) -> Callable[[Any], str]:
    return lambda case: ",".join(getattr(case, name))


def _list(name: str) -> Column:
    return Column(name, lambda case: list(getattr(case, name)))


def _plain(name: str) -> Column:
    return Column(name, lambda case: getattr(case, name))


def _source_ids(case) -> list[str]:
    return list(dict.fromkeys(c.source for c in case.sources))


def locator(citation: Citation) -> str:
    """A human-readable locator: «avsnitt 4.1, s. 55–57, linje 731–759»."""
    parts = []
    if citation.section:
        parts.append(f"avsnitt {citation.section}")
    if citation.pages:
        parts.append("s. " + _span(citation.pages))
    if citation.lines:
        parts.append("linje " + _span(citation.lines))
    return ", ".join(parts)


def reader_locator(citation: Citation) -> str:
    """What a reader sees first: «kap. 4.1, s. 55–57» (line numbers stay in the link)."""
    parts = []
    if citation.section:
        section = citation.section
        parts.append(f"kap. {section}" if section[:1].isdigit() else section)
    if citation.pages:
        parts.append("s. " + _span(citation.pages))
    return ", ".join(parts)


def _span(pair: tuple[int, int]) -> str:
    """«55–57», or «55» when both ends are the same."""
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}–{pair[1]}"


def _terms(
    name: str, label: str, fact: str, hint: str, required: bool, index: str = "", vocabulary=""
) -> Field:
    return Field(
        name, "terms", label, required, vocabulary=vocabulary or name, fact=fact,
        widget="checkboxes",
        inputs=(name,), hint=hint, columns=(_list(name),), index=index,
        index_value=_joined(name) if index else None,
    )  # fmt: skip


# In front-matter order (`kb new` writes fields in this order).
FIELDS: tuple[Field, ...] = (
    Field("id", "id", "Id", True, columns=(_plain("id"),)),
    Field(
        "title", "text", "Tittel", True, widget="text", inputs=("title",),
        columns=(_plain("title"),), index="title", index_value=lambda c: c.title,
    ),
    Field(
        "summary", "text", "Sammendrag", True, widget="textarea", inputs=("summary",),
        columns=(_plain("summary"),), index="summary", index_value=lambda c: c.summary,
    ),
    Field(
        "places", "places", "Kommuner", True, fact="Hvor", widget="kommuner", inputs=("kommune",),
        columns=(
            Column("kommuner", lambda c: list(c.kommuner)),
            Column("kommunenummer", lambda c: [p.number for p in c.places if p.number]),
            Column("fylker", lambda c: list(c.fylker)),
        ),
        index="kommune", index_value=lambda c: ",".join(c.kommuner),
    ),
    Field(
        "region", "region", "Fylke eller region", widget="text", inputs=("region",),
        columns=(_plain("region"),), index="fylke", index_value=lambda c: ",".join(c.fylker),
    ),
    Field(
        "period", "period", "Periode", fact="Når", widget="period",
        inputs=("period_start", "period_end"),
        columns=(
            Column("period_start", lambda c: c.period.start if c.period else None),
            Column("period_end", lambda c: c.period.end if c.period else None),
        ),
        index="year", index_value=lambda c: str(c.year or ""),
    ),
    Field(
        "status", "status", "Status", True, fact="Status", widget="radio", inputs=("status",),
        hint="Pågår grepet fortsatt?",
        columns=(_plain("status"), Column("status_as_of", lambda c: c.status_as_of)),
    ),
    Field("as_of", "year", "Opplysningene er fra", columns=(_plain("as_of"),)),  # format v2
    _terms("themes", "Tema", "Tema", "Velg ett eller flere tema grepet handler om.", True,
           "themes"),  # fmt: skip
    _terms("target_groups", "Målgrupper", "Målgruppe", "Hvem er grepet til for?", True,
           "target_groups"),  # fmt: skip
    _terms("actors", "Aktører", "Hvem", "Hvem gjorde arbeidet? Velg alle som var med.", True,
           "actors"),  # fmt: skip
    _terms("approaches", "Innganger", "Inngang",
           "Valgfritt: hvilke av de fem inngangene grepet hører til.", False,
           "approaches"),  # fmt: skip
    _terms("grants", "Tilskudd og lån", "Tilskudd og lån", "Valgfritt: ordninger grepet brukte.",
           False, "grants"),  # fmt: skip
    replace(_terms("fase", "Fase", "Fase", "Valgfritt: hvor i arbeidet grepet hører hjemme.",
                   False, "fase", "phases"), widget="", inputs=()),  # not in the form yet
    # fmt: skip
    Field(
        "evidence", "term", "Evidens", True, vocabulary="evidence", fact="Evidens",
        widget="radio", inputs=("evidence",),
        hint="Hvor godt vet vi at grepet virker? "
        "Velg det sterkeste nivået kilden gir grunnlag for.",
        columns=(_plain("evidence"),), index="evidence", index_value=lambda c: c.evidence,
    ),
    Field("evidence_note", "text", "Om evidensen", columns=(_plain("evidence_note"),)),  # v2
    Field(
        "sources", "citations", "Kilder", True, widget="sources",
        inputs=("source_source", "source_section", "source_first", "source_last", "source_quote"),
        columns=(
            Column("sources", _source_ids),
            Column("citations", lambda c: [
                " ".join(filter(None, (s.source, locator(s)))) for s in c.sources
            ]),
        ),
        index="source", index_value=lambda c: ",".join(_source_ids(c)),
    ),  # fmt: skip
    Field(
        "contact", "contact", "Ressursperson", widget="contact",
        inputs=("contact_role", "contact_organisation"),
        columns=(
            Column("contact_role", lambda c: c.contact.role if c.contact else ""),
            Column("contact_organisation", lambda c: c.contact.organisation if c.contact else ""),
        ),
    ),
    Field("related", "ids", "Relaterte grep", columns=(_list("related"),)),
    Field(
        "updated", "date", "Sist oppdatert", True,
        columns=(Column("updated", lambda c: c.updated.isoformat() if c.updated else None),),
    ),  # the index's «nyeste» key needs the sources' years too: indexer.documents.newest_key
)  # fmt: skip
BY_NAME = {f.name: f for f in FIELDS}
# Case attributes that are not front-matter fields: where the case came from and its body.
DERIVED = ("path", "body", "body_line", "sections", "fylker", "status_as_of")


def names(required: bool | None = None) -> tuple[str, ...]:
    """The field names in order: all, only the required, or only the optional ones."""
    return tuple(f.name for f in FIELDS if required is None or f.required == required)


def vocabulary_fields() -> dict[str, str]:
    """Fields that take vocabulary ids → the vocabulary file behind each."""
    return {f.name: f.vocabulary for f in FIELDS if f.vocabulary}


def columns() -> tuple[Column, ...]:
    """Every open-data column in order (the case's web address follows its id)."""
    url = Column("url", lambda c: case_url(c.id))
    cols = [col for f in FIELDS for col in f.columns]
    return (cols[0], url, *cols[1:])


# How a checked front-matter value becomes a Case attribute, by field kind.
def read_status(value) -> tuple[str, int | None]:
    if isinstance(value, dict):  # format v2: {value: pågående, as_of: 2022}
        return str(value.get("value", "")), value.get("as_of")
    return str(value), None


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _citation(ref: dict) -> Citation:
    lines, pages = ref.get("lines"), ref.get("pages")
    return Citation(
        str(ref["source"]),
        str(ref.get("section", "")),
        tuple(lines) if lines else None,
        tuple(pages) if pages else None,
        str(ref.get("quote", "")),
    )


READERS: dict[str, Callable[[Any], Any]] = {
    "id": str,
    "text": lambda v: str(v or "").strip(),
    "region": lambda v: str(v or ""),
    "ids": lambda v: tuple(v or ()),
    "terms": lambda v: tuple(v or ()),
    "term": str,
    "year": lambda v: v if isinstance(v, int) else None,
    "period": lambda v: Period(v.get("start"), v.get("end")) if v else None,
    "citations": lambda v: tuple(_citation(s) for s in v or ()),
    "contact": lambda v: Contact(**{k: str(x) for k, x in v.items()}) if v else None,
    "date": _date,
}
