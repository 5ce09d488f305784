"""Checks of a case body (its Markdown sections) and of ids across files."""

from __future__ import annotations

import re
from pathlib import Path

from rapidfuzz import process

from kb.frontmatter import FrontMatter
from kb.model import OPTIONAL_SECTIONS, PLACEHOLDER, REQUIRED_SECTIONS, SECTION_ORDER
from kb.problems import WARNING, Problem


def check_body(path: str, fm: FrontMatter) -> list[Problem]:
    """Check the Markdown sections: required ones present, non-empty, in order."""
    problems: list[Problem] = []
    found: list[tuple[str, int, str]] = []
    current: list[str] | None = None
    for offset, line in enumerate(fm.body.split("\n")):
        m = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if m and not line.startswith("###"):
            current = []
            found.append((m.group(1), fm.body_line + offset, current))
        elif current is not None:
            current.append(line)
    names = [f[0] for f in found]
    end = fm.body_line + len(fm.body.split("\n")) - 1
    for name in REQUIRED_SECTIONS:
        if name not in names:
            problems.append(
                Problem(
                    path,
                    end,
                    "body",
                    f"avsnittet «## {name}» mangler",
                    f"legg til «## {name}» med innhold",
                )
            )
    for name, line, body in found:
        if name not in SECTION_ORDER:
            guess = process.extractOne(name, SECTION_ORDER, score_cutoff=70)
            fix = f"mente du «## {guess[0]}»?" if guess else "bruk avsnittene i malen (se kb new)"
            problems.append(
                Problem(path, line, "body", f"ukjent avsnitt «## {name}»", fix, WARNING)
            )
        elif PLACEHOLDER in "".join(body):
            problems.append(
                Problem(
                    path,
                    line,
                    "body",
                    f"avsnittet «## {name}» har fortsatt maltekst",
                    f"erstatt teksten etter «{PLACEHOLDER}»",
                    WARNING,
                )
            )
        elif not "".join(body).strip():
            problems.append(
                Problem(
                    path,
                    line,
                    "body",
                    f"avsnittet «## {name}» er tomt",
                    "skriv hva kilden sier, eller fjern avsnittet om det er valgfritt"
                    if name in OPTIONAL_SECTIONS
                    else "skriv hva kilden sier",
                )
            )
    known = [n for n in names if n in SECTION_ORDER]
    if known != sorted(known, key=SECTION_ORDER.index):
        problems.append(
            Problem(
                path,
                found[0][1],
                "body",
                "avsnittene står i feil rekkefølge",
                "bruk rekkefølgen " + ", ".join(SECTION_ORDER),
                WARNING,
            )
        )
    return problems


def check_unique(items: list[tuple[str, Path]]) -> list[Problem]:
    """Report ids used by more than one file."""
    seen: dict[str, Path] = {}
    problems = []
    for cid, path in items:
        if cid in seen:
            problems.append(
                Problem(
                    str(path),
                    2,
                    "id",
                    f"id «{cid}» brukes også av {seen[cid]}",
                    "gi grepet en ny, unik id",
                )
            )
        else:
            seen[cid] = path
    return problems
