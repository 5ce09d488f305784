"""What the editor's preview (`kb serve --watch`) shows beside a case: its file's problems."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kb.content.loader import Content
from kb.content.problems import ERROR, Problem


def file_problems(content: Content, case_id: str) -> list[Problem]:
    """The problems of the case's file (also when it has errors and so is not loaded)."""
    case = content.cases.get(case_id)
    grep = (Path(content.ctx.root) / "grep").resolve()
    return [
        p
        for p in content.problems
        if (case is not None and p.file == str(case.path))
        or (Path(p.file).stem == case_id and grep in Path(p.file).resolve().parents)
    ]


def shown(problems: list[Problem], root: Path) -> list[str]:
    """The problems as `file:line: field: message — fix`, the file relative to root's parent."""
    base = Path(root).resolve().parent
    out = []
    for p in problems:
        path = Path(p.file).resolve()
        name = str(path.relative_to(base)) if base in path.parents else p.file
        out.append(str(replace(p, file=name)))
    return out


def has_errors(problems: list[Problem]) -> bool:
    """Whether any problem is an error (the case cannot be shown)."""
    return any(p.severity == ERROR for p in problems)
