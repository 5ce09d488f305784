"""Read content/: cases, sources, vocabularies and the register, reporting problems per file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process

from kb.content.body import check_body, check_unique
from kb.content.checker import Checker
from kb.content.fields import check_meta
from kb.content.frontmatter import FrontMatterError, parse_front_matter
from kb.content.model import Case, Citation, Contact, Period, Place, Source
from kb.content.problems import ERROR, Problem
from kb.content.registers import Register, load_register
from kb.content.sources import default_source_dirs, load_sources
from kb.content.vocab import Vocabulary, load_vocabularies

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


@dataclass
class Context:
    """What a case is checked against: vocabularies, register, sources and their files."""

    root: Path
    vocabularies: dict[str, Vocabulary]
    register: Register | None
    sources: dict[str, Source]
    source_dirs: tuple[Path, ...] = ()
    problems: list[Problem] = field(default_factory=list)  # problems in the registries themselves


def load_context(root: Path = CONTENT_DIR, source_dirs: tuple[Path, ...] = ()) -> Context:
    """Read the vocabularies, the kommune register and the source registry under root."""
    root = Path(root)
    sources, problems = load_sources(root / "sources")
    register_dir = root / "registers"
    register = load_register(register_dir) if (register_dir / "kommuner.yaml").exists() else None
    return Context(
        root,
        load_vocabularies(root / "vocabulary"),
        register,
        sources,
        default_source_dirs(tuple(source_dirs)),
        problems,
    )


def read_case(path: Path, ctx: Context) -> tuple[Case | None, list[Problem]]:
    """Parse and check one case file; the case is None when it has errors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [
            Problem(str(path), 1, "", f"kan ikke lese filen ({exc})", "lagre den som UTF-8")
        ]
    return check_text(text, path, ctx)


def check_text(text: str, file_name: str | Path, ctx: Context) -> tuple[Case | None, list[Problem]]:
    """Parse and check a case's text as if it were the file file_name (nothing is written)."""
    path = Path(file_name)
    try:
        fm = parse_front_matter(text)
    except FrontMatterError as exc:
        return None, [Problem(str(path), exc.line, "", exc.message, exc.fix)]
    checker = Checker(str(path), fm, [])
    check_meta(checker, path.stem, ctx)
    problems = checker.problems + check_body(str(path), fm)
    problems.sort(key=lambda p: p.line)
    if any(p.severity == ERROR for p in problems):
        return None, problems
    return build_case(path, fm, ctx), problems


def build_case(path: Path, fm, ctx: Context) -> Case:
    """Turn checked front matter and body into a Case."""
    m = fm.meta
    places = tuple(_place(str(p["kommune"]), ctx) for p in m.get("places") or ())
    fylker = [p.fylke for p in places if p.fylke]
    if m.get("region") and ctx.register:
        fylker += [f.name for f in ctx.register.fylker_for(str(m["region"]))]
    period = m.get("period")
    contact = m.get("contact")
    updated = m.get("updated")
    return Case(
        id=m["id"],
        path=path,
        title=m["title"].strip(),
        summary=m["summary"].strip(),
        places=places,
        status=_status(m["status"])[0],
        status_as_of=_status(m["status"])[1],
        as_of=m.get("as_of"),
        evidence_note=str(m.get("evidence_note") or ""),
        themes=tuple(m["themes"]),
        target_groups=tuple(m["target_groups"]),
        actors=tuple(m["actors"]),
        evidence=m["evidence"],
        sources=tuple(_citation(s) for s in m["sources"]),
        body=fm.body,
        body_line=fm.body_line,
        sections=split_sections(fm.body),
        updated=updated if isinstance(updated, dt.date) else dt.date.fromisoformat(str(updated)),
        region=str(m.get("region") or ""),
        period=Period(period.get("start"), period.get("end")) if period else None,
        approaches=tuple(m.get("approaches") or ()),
        grants=tuple(m.get("grants") or ()),
        fase=tuple(m.get("fase") or ()),
        contact=Contact(**{k: str(v) for k, v in contact.items()}) if contact else None,
        related=tuple(m.get("related") or ()),
        fylker=tuple(dict.fromkeys(fylker)),
    )


def _status(status) -> tuple[str, int | None]:
    """(value, year) from `ukjent` or `{value: pågående, as_of: 2022}`."""
    if isinstance(status, dict):
        return str(status["value"]), status.get("as_of")
    return str(status), None


def _place(name: str, ctx: Context) -> Place:
    k = ctx.register.kommune(name) if ctx.register else None
    return Place(name, k.name, k.number, k.fylke) if k else Place(name)


def _citation(ref: dict) -> Citation:
    lines, pages = ref.get("lines"), ref.get("pages")
    return Citation(
        str(ref["source"]),
        str(ref.get("section", "")),
        tuple(lines) if lines else None,
        tuple(pages) if pages else None,
        str(ref.get("quote", "")),
    )


def split_sections(body: str) -> tuple[tuple[str, str], ...]:
    """Split a body into (heading, markdown) pairs at level-2 headings."""
    parts = re.split(r"^##[ \t]+(.+?)[ \t#]*$", body, flags=re.M)
    return tuple((parts[i].strip(), parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2))


def case_files(paths: list[Path]) -> list[Path]:
    """Expand files and folders to case files; a content root means grep/ (utkast/ if given)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            grep = p / "grep"
            base = grep if grep.is_dir() else p
            out += sorted(x for x in base.rglob("*.md") if x.parent.name != "sources")
        else:
            out.append(p)
    return out


@dataclass
class Content:
    """Everything loaded from content/: valid cases by id, the context, and all problems."""

    cases: dict[str, Case]
    ctx: Context
    problems: list[Problem]

    @property
    def sources(self) -> dict[str, Source]:
        """The registered sources by id."""
        return self.ctx.sources


def load_content(
    root: Path = CONTENT_DIR, paths: list[Path] | None = None, source_dirs: tuple[Path, ...] = ()
) -> Content:
    """Load every case under root (or the given paths); bad files are reported and skipped."""
    ctx = load_context(root, source_dirs)
    problems = list(ctx.problems)
    cases: dict[str, Case] = {}
    ids: list[tuple[str, Path]] = []
    for path in case_files(paths or [Path(root) / "grep"]):
        case, found = read_case(path, ctx)
        problems += found
        if case:
            ids.append((case.id, path))
            if case.id not in cases:
                cases[case.id] = case
    problems += check_unique(ids)
    known = set(cases) | {p.stem for p in case_files([Path(root) / "grep"])}
    problems += check_links(cases, known)
    return Content(cases, ctx, problems)


def check_links(cases: dict[str, Case], known: set[str]) -> list[Problem]:
    """Report related ids that name no case file."""
    problems = []
    for case in cases.values():
        for rid in case.related:
            if rid in known:
                continue
            guess = process.extractOne(rid, sorted(known), score_cutoff=80)
            fix = f"mente du «{guess[0]}»?" if guess else "rett id-en eller fjern lenken"
            line = _related_line(case, rid)
            problems.append(
                Problem(str(case.path), line, "related", f"«{rid}» er ikke et grep som finnes", fix)
            )
    return problems


def _related_line(case: Case, rid: str) -> int:
    """The front-matter line where `related` names rid (read only when a link is broken)."""
    head = case.path.read_text(encoding="utf-8").split("\n")[: case.body_line]
    start = next((i for i, t in enumerate(head) if t.startswith("related")), None)
    if start is None:
        return 2
    return next((i + 1 for i in range(start, len(head)) if rid in head[i]), start + 1)
