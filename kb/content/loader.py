"""Read content/: cases, sources, vocabularies and the register, reporting problems per file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process

from kb.content import schema
from kb.content.body import check_body, check_unique
from kb.content.checker import Checker
from kb.content.fields import check_meta
from kb.content.frontmatter import FrontMatterError, parse_front_matter
from kb.content.model import Case, Place, Source
from kb.content.problems import ERROR, Problem
from kb.content.registers import Register, load_register
from kb.content.sources import default_source_dirs, load_sources
from kb.content.vocab import Vocabulary, load_checked_vocabularies
from kb.errors import ContentError

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
    pages_text: Callable | None = None  # text of a PDF's pages or an HTML page (from the CLI)
    blocking: list[Problem] = field(default_factory=list)  # vocabularies, synonyms, register

    def broken(self) -> list[Problem]:
        """The errors that stop index, serve and export before any work: a broken vocabulary,
        synonym or register file would otherwise crash them half-way."""
        return [p for p in self.blocking if p.severity == ERROR]


def load_context(
    root: Path = CONTENT_DIR, source_dirs: tuple[Path, ...] = (), pages_text: Callable | None = None
) -> Context:
    """Read the vocabularies, the kommune register and the source registry under root."""
    root = Path(root)
    sources, problems = load_sources(root / "sources")
    vocabularies, blocking = load_checked_vocabularies(root / "vocabulary")
    register = None
    register_dir = root / "registers"
    if (register_dir / "kommuner.yaml").exists():
        try:
            register = load_register(register_dir)
        except ContentError as exc:
            blocking.append(_problem_of(exc, register_dir / "kommuner.yaml"))
    return Context(
        root,
        vocabularies,
        register,
        sources,
        default_source_dirs(tuple(source_dirs)),
        problems + blocking,
        pages_text,
        blocking,
    )


def _problem_of(exc: ContentError, path: Path) -> Problem:
    """A ContentError («file: message — fix») as a Problem."""
    text = str(exc)
    where, _, rest = text.partition(": ")
    message, _, fix = (rest if where.endswith(".yaml") else text).partition(" — ")
    return Problem(where if where.endswith(".yaml") else str(path), 1, "", message, fix)


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
    """Turn checked front matter and body into a Case, field by field as the schema declares."""
    m = fm.meta
    values = {
        f.name: schema.READERS[f.kind](m.get(f.name))
        for f in schema.FIELDS
        if f.kind in schema.READERS
    }
    places = tuple(_place(str(p["kommune"]), ctx) for p in m.get("places") or ())
    fylker = [p.fylke for p in places if p.fylke]
    if m.get("region") and ctx.register:
        fylker += [f.name for f in ctx.register.fylker_for(str(m["region"]))]
    status, status_as_of = schema.read_status(m.get("status"))
    return Case(
        **values,
        path=path,
        places=places,
        status=status,
        status_as_of=status_as_of,
        body=fm.body,
        body_line=fm.body_line,
        sections=split_sections(fm.body),
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
    root: Path = CONTENT_DIR,
    paths: list[Path] | None = None,
    source_dirs: tuple[Path, ...] = (),
    pages_text: Callable | None = None,
) -> Content:
    """Load every case under root (or the given paths); bad files are reported and skipped."""
    ctx = load_context(root, source_dirs, pages_text)
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
