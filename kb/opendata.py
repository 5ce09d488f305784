"""Open data: one flat record per case, shared by the web API and the static export."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from kb.content import schema
from kb.content.model import Case

# The record's fields in order, as the case schema declares its open-data columns; list
# values are joined with LIST_SEPARATOR in CSV.
FIELDS = tuple(col.name for col in schema.columns()) + ("license",)
LIST_SEPARATOR = "; "

# Case texts and open data are CC BY 4.0 (the code is MIT, see pyproject.toml); the reports
# the cases cite keep their publishers' terms.
LICENSE_ID = "CC-BY-4.0"  # SPDX identifier, the value of every record's «license» field
LICENSE = {
    "id": LICENSE_ID,
    "name": "Creative Commons Navngivelse 4.0 Internasjonal (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.no",
    "attribution": "Kilde: Gode grep, CC BY 4.0",
    "reports": "Rapportene grepene bygger på, har utgivernes egne vilkår.",
}


def case_record(case: Case, ctx=None) -> dict:
    """A case as a flat dict of strings, numbers, None and lists of strings (FIELDS order)."""
    del ctx  # kept in the signature so labels can be added without changing callers
    return {col.name: col.get(case) for col in schema.columns()} | {"license": LICENSE_ID}


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
