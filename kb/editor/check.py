"""`kb check`: `kb validate --strict` plus what a reviewer needs before merging a case."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from kb.content.frontmatter import FrontMatterError, parse_front_matter
from kb.content.loader import Content, load_content
from kb.content.model import PLACEHOLDER, Case, Source
from kb.content.problems import ERROR, WARNING, Problem
from kb.editor.originality import copied_text

# Similarity (rapidfuzz token_set_ratio, 0–100) above which two cases look like one practice.
# The 91 reviewed cases peak at 79 (titles) and 66 (summaries).
TITLE_LIMIT = 85
SUMMARY_LIMIT = 80
# Cases that cite mostly the same lines of a source (Jaccard ≥ SHARED_LINES) are duplicates
# when their titles or summaries are also this similar.
SHARED_LINES = 0.5
SHARED_TEXT_LIMIT = 65


def check(
    root: Path,
    paths: list[Path] | None = None,
    source_dirs: tuple[Path, ...] = (),
    pages_text: Callable | None = None,
) -> tuple[Content, list[Problem]]:
    """Validate the given case files (default: content/grep) and compare them with all cases."""
    content = load_content(root, paths, source_dirs, pages_text)
    whole = load_content(root, None, source_dirs) if paths else content
    problems = strict_quotes(content.problems)
    problems += taken_ids(content.cases.values(), whole.cases)
    others = {c.path.resolve(): c for c in [*whole.cases.values(), *content.cases.values()]}
    problems += near_duplicates(list(content.cases.values()), list(others.values()))
    problems += [p for case in content.cases.values() for p in copied_text(case, content.ctx)]
    if covers_all(root, paths):
        problems += unused_sources(whole.sources, whole.cases.values())
    return content, sorted(problems, key=lambda p: (p.file, p.line))


def strict_quotes(problems: list[Problem]) -> list[Problem]:
    """The problems with every warning about a quote made an error: unverified is not passed."""
    return [
        Problem(p.file, p.line, p.field, p.message, p.fix, ERROR)
        if p.severity == WARNING and p.field.endswith(".quote")
        else p
        for p in problems
    ]


def covers_all(root: Path, paths: list[Path] | None) -> bool:
    """Whether a check covers the whole content (so unused sources can be reported)."""
    whole = {Path(root).resolve(), (Path(root) / "grep").resolve()}
    return not paths or any(Path(p).resolve() in whole for p in paths)


def taken_ids(checked: Iterable[Case], cases: dict[str, Case]) -> list[Problem]:
    """Report checked cases (drafts) whose id an existing case in another file already has."""
    problems = []
    for case in checked:
        other = cases.get(case.id)
        if other and other.path.resolve() != case.path.resolve():
            problems.append(
                Problem(
                    str(case.path),
                    _line_of(case, "id"),
                    "id",
                    f"id «{case.id}» brukes allerede av {other.path}",
                    "gi grepet en ny id (og nytt filnavn), eller rett det eksisterende grepet",
                )
            )
    return problems


def similarity(a: Case, b: Case) -> tuple[float, float, float]:
    """(title, summary, shared lines) similarity of two cases; template text counts as 0."""
    return _ratio(a.title, b.title), _ratio(a.summary, b.summary), shared_lines(a, b)


def _ratio(a: str, b: str) -> float:
    """How alike two texts are (0–100), 0 when either is still template text."""
    if PLACEHOLDER in a or PLACEHOLDER in b:
        return 0.0
    return fuzz.token_set_ratio(a, b, processor=default_process)


def shared_lines(a: Case, b: Case) -> float:
    """The largest overlap (Jaccard, 0–1) between line ranges the two cases cite in one source."""
    best = 0.0
    for x in a.sources:
        for y in b.sources:
            if x.source != y.source or not x.lines or not y.lines:
                continue
            common = min(x.lines[1], y.lines[1]) - max(x.lines[0], y.lines[0]) + 1
            union = max(x.lines[1], y.lines[1]) - min(x.lines[0], y.lines[0]) + 1
            best = max(best, max(common, 0) / union)
    return best


def near_duplicates(checked: list[Case], cases: list[Case]) -> list[Problem]:
    """Warn about each pair of a checked case and another case that look like one practice."""
    problems, seen = [], set()
    for case in checked:
        for other in cases:
            pair = frozenset((case.path.resolve(), other.path.resolve()))
            if len(pair) < 2 or pair in seen:
                continue
            seen.add(pair)
            reason = _duplicate_reason(*similarity(case, other))
            if reason:
                problems.append(
                    Problem(
                        str(case.path),
                        _line_of(case, "title"),
                        "title",
                        f"ligner på {other.path} ({other.title}): {reason}",
                        "slå grepene sammen, eller gjør forskjellen tydelig i tittel og sammendrag",
                        WARNING,
                    )
                )
    return problems


def _duplicate_reason(title: float, summary: float, shared: float) -> str:
    """Why two cases look like duplicates, or "" when they do not."""
    if title >= TITLE_LIMIT:
        return f"titlene er {title:.0f} % like"
    if summary >= SUMMARY_LIMIT:
        return f"sammendragene er {summary:.0f} % like"
    if shared >= SHARED_LINES and max(title, summary) >= SHARED_TEXT_LIMIT:
        return (
            f"de siterer stort sett de samme linjene og teksten er {max(title, summary):.0f} % lik"
        )
    return ""


def _line_of(case: Case, field: str) -> int:
    """The line of a front-matter field in the case file (2 when it cannot be read)."""
    try:
        return parse_front_matter(case.path.read_text(encoding="utf-8")).line_of(field)
    except (OSError, FrontMatterError):
        return 2


def unused_sources(sources: dict[str, Source], cases: Iterable[Case]) -> list[Problem]:
    """Warn about registered sources that no case cites."""
    cited = {ref.source for case in cases for ref in case.sources}
    return [
        Problem(
            str(source.path),
            1,
            "id",
            f"kilden «{sid}» siteres ikke av noe grep",
            "skriv et grep som bygger på den, eller fjern registreringen",
            WARNING,
        )
        for sid, source in sorted(sources.items())
        if sid not in cited
    ]


def github_line(problem: Problem, base: Path | None = None) -> str:
    """A problem as a GitHub Actions annotation: ::error file=…,line=…,title=…::message."""
    kind = "warning" if problem.severity == WARNING else "error"
    file = _relative(problem.file, base or Path.cwd())
    message = problem.message + (f" — {problem.fix}" if problem.fix else "")
    title = problem.field or "kb check"
    return (
        f"::{kind} file={_escape(file, True)},line={problem.line or 1},"
        f"title={_escape(title, True)}::{_escape(message)}"
    )


def _relative(file: str, base: Path) -> str:
    """The file relative to base when it lies below it (GitHub wants repository paths)."""
    path = Path(file).resolve()
    try:
        return path.relative_to(base.resolve()).as_posix()
    except ValueError:
        return file


def _escape(text: str, prop: bool = False) -> str:
    """Escape a workflow-command value (and, for properties, ":" and ",")."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text
