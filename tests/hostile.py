"""A content root whose every shown field carries hostile markup, for the escaping tests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import FIXTURES, make_root

# Each would redirect, run a script or break out of an attribute if printed unescaped.
REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
SCRIPT = "<script>window.__x=1</script>"
BREAKOUT = '"><img src=x onerror="window.__x=2">'
HOSTILE = f"{REFRESH}{SCRIPT}{BREAKOUT}"
CASE_ID = "fiendtlig-grep"


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def report_text() -> str:
    """The test report with hostile markup in the cited lines (12–14)."""
    lines = (FIXTURES / "seeds" / "testkilde.txt").read_text("utf-8").split("\n")
    lines[12] = f"kunne kjøpe egen bolig {HOSTILE}"
    return "\n".join(lines)


def source_yaml(sha256: str) -> str:
    """The test source's registry entry with hostile title, authors, publisher, series, url."""
    return f"""id: testkilde
title: {yaml_text("Rapport " + HOSTILE)}
subtitle: {yaml_text("Under " + HOSTILE)}
authors: [{yaml_text("Ola " + HOSTILE + " Nordmann")}]
publisher: {yaml_text("Forlag " + HOSTILE)}
series: {yaml_text("Serie " + HOSTILE)}
url: {yaml_text("https://example.org/?a=" + HOSTILE)}
year: 2026
language: nb
files:
  - path: testkilde.txt
    sha256: {sha256}
    format: text
    note: {yaml_text("Merknad " + HOSTILE)}
"""


def case_text() -> str:
    """A case with hostile title, summary, region, body, contact and quote."""
    h = yaml_text
    # A javascript: link is refused by kb validate (tests/test_hostile_input.py), so the case
    # carries the hostile strings as text only; rendering must still escape them.
    body = f"Tekst {HOSTILE} [1]\n\n{HOSTILE} [1]"
    sections = ("Utfordringen", "Slik gjorde de det", "Resultater", "Dette skal til")
    return (
        f"""---
id: {CASE_ID}
title: {h("Grep " + HOSTILE)}
summary: {h("Sammendrag " + HOSTILE)}
places:
  - kommune: Lillehammer
region: Innlandet
period: {{start: 2012, end: 2014}}
status: {{value: avsluttet, as_of: 2014}}
themes: [bolig]
target_groups: [flyktninger]
actors: [kommune]
approaches: [hvordan-lykkes]
evidence: erfaring
sources:
  - source: testkilde
    section: {h("2.1 " + HOSTILE)}
    lines: [12, 14]
    quote: {h("kjøpe egen bolig " + HOSTILE)}
contact: {{role: {h("Rolle " + HOSTILE)}, organisation: {h("Org " + HOSTILE)}}}
updated: 2026-03-01
as_of: 2026
---
"""
        + "".join(f"## {name}\n\n{body}\n\n" for name in sections)
        + f"## Overføringsverdi\n\n{body}\n"
    )


def hostile_root(base: Path) -> tuple[Path, Path]:
    """(content root, source folder) with the hostile source and case."""
    root = make_root(base)
    seeds = base / "seeds"
    seeds.mkdir()
    report = report_text().encode("utf-8")
    (seeds / "testkilde.txt").write_bytes(report)
    sha = hashlib.sha256(report).hexdigest()
    (root / "sources" / "testkilde.yaml").write_text(source_yaml(sha), "utf-8")
    (root / "sources" / "testkilde.md").write_text(f"Beskrivelse {HOSTILE}\n", "utf-8")
    (root / "grep" / f"{CASE_ID}.md").write_text(case_text(), "utf-8")
    return root, seeds
