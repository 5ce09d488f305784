"""Open data: one flat record per case, shared by the web API and the static export."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from kb.content.model import Case, Citation

# The record's fields in order; list values are joined with LIST_SEPARATOR in CSV.
FIELDS = (
    "id",
    "url",
    "title",
    "summary",
    "kommuner",
    "kommunenummer",
    "fylker",
    "region",
    "status",
    "period_start",
    "period_end",
    "themes",
    "target_groups",
    "actors",
    "approaches",
    "evidence",
    "grants",
    "fase",
    "sources",
    "citations",
    "related",
    "contact_role",
    "contact_organisation",
    "updated",
)
LIST_SEPARATOR = "; "


def case_url(case_id: str) -> str:
    """The site path of a case page, the same in the web service and the static export."""
    return f"/grep/{case_id}/"


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


def case_record(case: Case, ctx=None) -> dict:
    """A case as a flat dict of strings, numbers, None and lists of strings (FIELDS order)."""
    del ctx  # kept in the signature so labels can be added without changing callers
    period = case.period
    return {
        "id": case.id,
        "url": case_url(case.id),
        "title": case.title,
        "summary": case.summary,
        "kommuner": list(case.kommuner),
        "kommunenummer": [p.number for p in case.places if p.number],
        "fylker": list(case.fylker),
        "region": case.region,
        "status": case.status,
        "period_start": period.start if period else None,
        "period_end": period.end if period else None,
        "themes": list(case.themes),
        "target_groups": list(case.target_groups),
        "actors": list(case.actors),
        "approaches": list(case.approaches),
        "evidence": case.evidence,
        "grants": list(case.grants),
        "fase": list(case.fase),
        "sources": list(dict.fromkeys(c.source for c in case.sources)),
        "citations": [" ".join(filter(None, (c.source, locator(c)))) for c in case.sources],
        "related": list(case.related),
        "contact_role": case.contact.role if case.contact else "",
        "contact_organisation": case.contact.organisation if case.contact else "",
        "updated": case.updated.isoformat() if case.updated else None,
    }


def csv_row(record: dict) -> list[str]:
    """A record as CSV cells: lists joined with LIST_SEPARATOR, None as an empty cell."""
    cells = []
    for name in FIELDS:
        value = record[name]
        if isinstance(value, list):
            value = LIST_SEPARATOR.join(value)
        cells.append("" if value is None else str(value))
    return cells


def write_csv(records: Iterable[dict], path: Path) -> None:
    """Write records as UTF-8 CSV with a header row (FIELDS)."""
    with Path(path).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows(csv_row(r) for r in records)


def write_json(records: Iterable[dict], path: Path) -> None:
    """Write records as a JSON list (UTF-8, stable key order)."""
    text = json.dumps(list(records), ensure_ascii=False, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")
