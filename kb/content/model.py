"""The content model: a practice case, its citations, and the registered source documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

STATUSES = ("pågående", "avsluttet", "ukjent")
REQUIRED_SECTIONS = ("Utfordringen", "Slik gjorde de det", "Resultater")
EDITORIAL_SECTION = "Redaksjonens vurdering"  # the editors' own judgement: no source markers
OPTIONAL_SECTIONS = ("Dette skal til", "Fallgruver", "Overføringsverdi", EDITORIAL_SECTION)
SECTION_ORDER = REQUIRED_SECTIONS + OPTIONAL_SECTIONS
SOURCED_SECTIONS = SECTION_ORDER[:-1]  # every paragraph and list item carries a [n] marker
NOTED_EVIDENCE = ("effekt", "evaluert", "resultater")  # levels that need an evidence_note
MAX_QUOTE_WORDS = 25
PLACEHOLDER = "SKRIV:"  # marks template text that `kb new` writes and an editor must replace


@dataclass(frozen=True)
class Place:
    """Where a practice was done: a kommune resolved against the register."""

    kommune: str  # the name as written in the case
    name: str = ""  # the current official name ("" when not resolved)
    number: str = ""  # kommunenummer
    fylke: str = ""


@dataclass(frozen=True)
class Period:
    """The years a practice ran; end is None while it goes on."""

    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Citation:
    """A locator into a registered source document, with an optional verbatim quote."""

    source: str
    section: str = ""
    lines: tuple[int, int] | None = None
    pages: tuple[int, int] | None = None
    quote: str = ""


@dataclass(frozen=True)
class Contact:
    """A ressursperson by role and organisation (never private data)."""

    role: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Case:
    """One practice case ("godt grep") read from content/grep/<id>.md."""

    id: str
    path: Path
    title: str
    summary: str
    places: tuple[Place, ...]
    status: str
    themes: tuple[str, ...]
    target_groups: tuple[str, ...]
    actors: tuple[str, ...]
    evidence: str
    sources: tuple[Citation, ...]
    body: str
    body_line: int
    sections: tuple[tuple[str, str], ...]  # (heading, markdown) in file order
    updated: dt.date | None = None
    region: str = ""
    period: Period | None = None
    approaches: tuple[str, ...] = ()
    grants: tuple[str, ...] = ()
    fase: tuple[str, ...] = ()  # phases the case describes (content/vocabulary/phases.yaml)
    contact: Contact | None = None
    related: tuple[str, ...] = ()
    fylker: tuple[str, ...] = ()  # current fylker from places and region
    status_as_of: int | None = None  # format v2: the year the status was reported
    as_of: int | None = None  # format v2: the year the case's facts describe
    evidence_note: str = ""  # format v2: what was measured or evaluated, by whom

    def section(self, heading: str) -> str:
        """The Markdown of one section, or "" when the case lacks it."""
        return dict(self.sections).get(heading, "")

    @property
    def kommuner(self) -> tuple[str, ...]:
        """Current names of the kommuner where the practice was done."""
        return tuple(p.name or p.kommune for p in self.places)

    @property
    def year(self) -> int | None:
        """The most recent year the practice is known to have run."""
        if self.period is None:
            return None
        return self.period.end or self.period.start


@dataclass(frozen=True)
class SourceFile:
    """One registered file of a source document."""

    path: str  # file name, looked up in the source directories
    sha256: str
    format: str  # pdf | html | text
    note: str = ""


@dataclass(frozen=True)
class Source:
    """A registered report, read from content/sources/<id>.yaml (+ optional <id>.md description)."""

    id: str
    title: str
    path: Path
    files: tuple[SourceFile, ...]
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    publisher: str = ""
    year: int | None = None
    as_of: int | None = None  # the year the report's facts describe (fieldwork), when known
    date: str = ""
    series: str = ""
    isbn: str = ""
    issn: str = ""
    commissioned_by: str = ""
    url: str = ""
    language: str = "nb"
    missing: str = ""
    description: str = ""  # Markdown
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Passage:
    """A stretch of a source document (about 80–250 words) with its locator, as indexed."""

    source: str  # source id
    sha256: str  # of the registered file the locator refers to
    section: str  # section number, e.g. "4.1" ("" when none)
    section_title: str  # heading text of the section
    text: str  # cleaned text (hyphenation joined, running heads dropped)
    lines: tuple[int, int] | None = None  # 1-based file lines (text sources)
    pages: tuple[int, int] | None = None  # printed page labels (PDF), or estimated pages
    repaired: str = ""  # OCR-repaired reading of text, indexed beside it ("" when not needed)
    n: int = 0  # ordinal of the passage within its source document

    @property
    def id(self) -> str:
        """A stable id within the index: source id and ordinal."""
        return f"{self.source}-{self.n:04d}"
