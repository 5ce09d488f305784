"""What the pages show from the content alone: ways in, labels, facts, citing cases, open data."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from kb import urls
from kb.content.loader import Content
from kb.content.model import Case, Citation, Source
from kb.content.registers import SIZE_LABELS

MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
STATUS_TEXT = {"pågående": "Pågår", "avsluttet": "Avsluttet", "ukjent": "Ukjent om det pågår"}
KIND_LABELS = {"case": "Grep", "passage": "Fra rapport"}
FACET_LABELS = {
    "kind": "Type",
    "themes": "Tema",
    "target_groups": "Målgruppe",
    "actors": "Aktør",
    "fylke": "Fylke",
    "kommune": "Kommune",
    "size": "Kommunestørrelse",
    "evidence": "Evidens",
    "source": "Kilde",
    "year": "År",
    "approaches": "Inngang",
    "grants": "Tilskudd og lån",
    "fase": "Fase",
}
VOCAB_OF_FACET = {
    "themes": "themes",
    "target_groups": "target_groups",
    "actors": "actors",
    "evidence": "evidence",
    "approaches": "approaches",
    "grants": "grants",
    "fase": "phases",
}


@dataclass(frozen=True)
class Way:
    """One way in from the home page: a label, what it means, how many cases, and where."""

    label: str
    description: str
    count: int
    url: str


def norwegian_date(day: dt.date | str | None) -> str:
    """«22. november 2026», «januar 2025» or «2018» from a date, "2025-01" or "2018" ("" when
    unknown), so no reader sees an ISO date."""
    if not day:
        return ""
    if isinstance(day, str):
        if re.fullmatch(r"\d{4}", day):
            return day
        if re.fullmatch(r"\d{4}-\d{2}", day):
            return f"{MONTHS[int(day[5:]) - 1]} {day[:4]}"
        day = dt.date.fromisoformat(day)
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def label(content: Content, vocabulary: str, term_id: str) -> str:
    """The Norwegian label of a vocabulary id (the id itself when unknown)."""
    vocab = content.ctx.vocabularies.get(vocabulary)
    return vocab.label_of(term_id) if vocab else term_id


def facet_label(content: Content, name: str, value: str) -> str:
    """How a facet value reads on the page: labels for ids, short titles for sources."""
    if name == "kind":
        return KIND_LABELS.get(value, value)
    if name in VOCAB_OF_FACET:
        return label(content, VOCAB_OF_FACET[name], value)
    if name == "size":
        return SIZE_LABELS.get(value, value)
    if name == "source" and value in content.sources:
        return short_title(content.sources[value])
    return value


def short_title(source: Source) -> str:
    """A source's publisher and year (or series), short enough for a filter list."""
    who = source.series or source.publisher.split(",")[0].split("–")[0].strip()
    return f"{who} ({source.year})" if source.year and not source.series else who


def _counter(cases, attribute: str) -> Counter:
    return Counter(v for c in cases for v in getattr(c, attribute))


def ways_in(content: Content, vocabulary: str, attribute: str, param: str) -> list[Way]:
    """The terms of a vocabulary that cases use, with counts and a search URL each."""
    counts = _counter(content.cases.values(), attribute)
    vocab = content.ctx.vocabularies.get(vocabulary)
    terms = vocab.terms if vocab else ()
    return [
        Way(t.label, t.description, counts[t.id], urls.search_url(**{param: t.id}))
        for t in terms
        if counts[t.id]
    ]


def approach_ways(content: Content) -> list[Way]:
    """Menon's five ways in, each to its own list of cases."""
    counts = _counter(content.cases.values(), "approaches")
    vocab = content.ctx.vocabularies.get("approaches")
    return [
        Way(t.label, t.description, counts[t.id], f"/innganger/{t.id}")
        for t in (vocab.terms if vocab else ())
    ]


def fylke_counts(content: Content) -> list[tuple[str, int]]:
    """Every fylke in the register with its number of cases, in register order."""
    counts = _counter(content.cases.values(), "fylker")
    register = content.ctx.register
    names = [f.name for f in register.fylker] if register else sorted(counts)
    return [(name, counts[name]) for name in names]


def newest(content: Content, n: int = 6, changed: dict[str, str] | None = None) -> list[Case]:
    """The most recently updated cases: by `updated`, then by the file's last commit date
    (`changed`: case id → YYYY-MM-DD, when the history is known), then by title."""
    changed = changed or {}
    cases = sorted(content.cases.values(), key=lambda c: c.title)
    return sorted(
        cases, key=lambda c: (c.updated or dt.date.min, changed.get(c.id, "")), reverse=True
    )[:n]


def tied_with_newest(content: Content, changed: dict[str, str] | None = None) -> int:
    """How many cases share the newest date (`updated`, then last commit date): when that is
    more than the home page lists, its «Sist oppdatert» list can only be ordered by title."""
    changed = changed or {}
    keys = [(c.updated or dt.date.min, changed.get(c.id, "")) for c in content.cases.values()]
    return keys.count(max(keys)) if keys else 0


def with_approach(content: Content, approach: str) -> list[Case]:
    """The cases that carry one of Menon's approaches, by title."""
    return sorted(
        (c for c in content.cases.values() if approach in c.approaches), key=lambda c: c.title
    )


def citing(content: Content, source_id: str) -> list[tuple[Case, list[Citation]]]:
    """The cases that cite a source, with their locators into it, by title."""
    out = []
    for case in sorted(content.cases.values(), key=lambda c: c.title):
        refs = [c for c in case.sources if c.source == source_id]
        if refs:
            out.append((case, refs))
    return out


def similar(content: Content, case: Case, n: int = 4) -> list[Case]:
    """Cases sharing the most themes and target groups (when the index cannot say)."""

    def overlap(other: Case) -> int:
        return (
            2 * len(set(case.themes) & set(other.themes))
            + len(set(case.target_groups) & set(other.target_groups))
            + 3 * (other.id in case.related)
        )

    others = [c for c in content.cases.values() if c.id != case.id]
    return sorted(others, key=lambda c: (-overlap(c), c.title))[:n]


def size_class_counts(content: Content) -> list[tuple[str, str, int]]:
    """(id, label, number of kommuner) of each size class, smallest first."""
    register = content.ctx.register
    counts = Counter(k.size_class for k in register.kommuner) if register else Counter()
    return [(cid, SIZE_LABELS[cid], counts[cid]) for cid in SIZE_LABELS]


def kommune_names(content: Content) -> list[str]:
    """Every kommune in the register, alphabetically (for «Min kommune»)."""
    register = content.ctx.register
    return sorted((k.name for k in register.kommuner), key=str.casefold) if register else []


@dataclass(frozen=True)
class KommuneSize:
    """A named kommune of a case with its population and size class (None when unknown)."""

    name: str
    population: int | None
    size_class: str | None


def kommune_sizes(content: Content, case: Case) -> list[KommuneSize]:
    """The size of each kommune the case names, in the case's order ([] when none is named)."""
    register = content.ctx.register
    out = []
    for name in case.kommuner:
        k = register.kommune(name) if register else None
        out.append(KommuneSize(name, k.population if k else None, k.size_class if k else None))
    return out


def citation_dict(c: Citation) -> dict:
    """A locator as JSON."""
    return {
        "source": c.source,
        "section": c.section,
        "lines": list(c.lines) if c.lines else None,
        "pages": list(c.pages) if c.pages else None,
        "quote": c.quote or None,
    }


def source_dict(source: Source) -> dict:
    """A source's registry entry as JSON."""
    return {
        "id": source.id,
        "title": source.title,
        "subtitle": source.subtitle or None,
        "authors": list(source.authors),
        "publisher": source.publisher,
        "year": source.year,
        "date": source.date or None,
        "series": source.series or None,
        "isbn": source.isbn or None,
        "issn": source.issn or None,
        "commissioned_by": source.commissioned_by or None,
        "url": source.url or None,
        "language": source.language,
        "missing": source.missing or None,
        "files": [{"path": f.path, "sha256": f.sha256, "format": f.format} for f in source.files],
        "description": source.description or None,
    }
