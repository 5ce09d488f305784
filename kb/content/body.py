"""Checks of a case body (its Markdown sections) and of ids across files."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

from rapidfuzz import process

from kb.content.frontmatter import FrontMatter
from kb.content.markers import check_markers
from kb.content.model import OPTIONAL_SECTIONS, PLACEHOLDER, REQUIRED_SECTIONS, SECTION_ORDER
from kb.content.problems import WARNING, Problem


def sections_with_lines(fm: FrontMatter) -> list[tuple[str, int, str]]:
    """(heading, file line, text) of each level-2 section of the body."""
    found: list[tuple[str, int, list[str]]] = []
    for offset, line in enumerate(fm.body.split("\n")):
        m = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if m and not line.startswith("###"):
            found.append((m.group(1), fm.body_line + offset, []))
        elif found:
            found[-1][2].append(line)
    return [(name, line, "\n".join(text)) for name, line, text in found]


def check_body(path: str, fm: FrontMatter) -> list[Problem]:
    """Check the Markdown sections: required ones present, non-empty, in order."""
    found = sections_with_lines(fm)
    names = [name for name, _, _ in found]
    end = fm.body_line + fm.body.count("\n")
    problems = [
        Problem(
            path, end, "body", f"avsnittet «## {name}» mangler", f"legg til «## {name}» med innhold"
        )
        for name in REQUIRED_SECTIONS
        if name not in names
    ]
    problems += [p for name, line, text in found if (p := _section_problem(path, name, line, text))]
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
    problems += check_links(path, fm)
    sources = fm.meta.get("sources")
    return problems + check_markers(path, fm, len(sources) if isinstance(sources, list) else 0)


# Markdown link targets: inline [text](target) and reference definitions [name]: target
_INLINE_LINK = re.compile(r"\]\(\s*<?((?:[^\s()<>]|\([^\s()]*\))+)")
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)")
LINK_SCHEMES = ("http", "https", "mailto")  # the export (mkdocs --strict) rejects the rest


def link_allowed(target: str) -> bool:
    """True for a link the page and the export both keep: http(s) with a host, or mailto."""
    parts = urlsplit(html.unescape(target).strip())
    return (parts.scheme in ("http", "https") and bool(parts.netloc)) or parts.scheme == "mailto"


def check_links(path: str, fm: FrontMatter) -> list[Problem]:
    """Every link in the body must be a full web address (or mailto:), as the export needs."""
    problems = []
    for offset, line in enumerate(fm.body.split("\n")):
        targets = _INLINE_LINK.findall(line) + _REFERENCE_LINK.findall(line)
        problems += [
            Problem(
                path,
                fm.body_line + offset,
                "body",
                f"lenken «{target}» er ikke en full nettadresse",
                "skriv hele adressen med https://, eller fjern lenken",
            )
            for target in targets
            if not link_allowed(target)
        ]
    return problems


def _section_problem(path: str, name: str, line: int, text: str) -> Problem | None:
    """What is wrong with one section: unknown heading, template text or no text."""
    if name not in SECTION_ORDER:
        guess = process.extractOne(name, SECTION_ORDER, score_cutoff=70)
        fix = f"mente du «## {guess[0]}»?" if guess else "bruk avsnittene i malen (se kb new)"
        return Problem(path, line, "body", f"ukjent avsnitt «## {name}»", fix, WARNING)
    if PLACEHOLDER in text:
        return Problem(
            path,
            line,
            "body",
            f"avsnittet «## {name}» har fortsatt maltekst",
            f"erstatt teksten etter «{PLACEHOLDER}»",
            WARNING,
        )
    if not text.strip():
        fix = "skriv hva kilden sier" + (
            ", eller fjern avsnittet om det er valgfritt" if name in OPTIONAL_SECTIONS else ""
        )
        return Problem(path, line, "body", f"avsnittet «## {name}» er tomt", fix)
    return None


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
