"""Versions of the case files, read from the repository's history with the `git` command."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

REV = re.compile(r"^[0-9a-f]{7,40}$")  # what ?versjon= accepts: an abbreviated or full hash
GIT_SECONDS = 20  # a log of a large history must still not hang a request forever
_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Revision:
    """One commit that changed a file: full hash, commit date (YYYY-MM-DD) and subject."""

    rev: str
    date: str
    subject: str

    @property
    def short(self) -> str:
        """The seven-character abbreviation shown to readers."""
        return self.rev[:7]

    @property
    def label(self) -> str:
        """How a citation names the version: «2026-12-02, a1b2c3d»."""
        return f"{self.date}, {self.short}"


def _git(folder: Path, *args: str) -> str | None:
    """The output of a git command run in folder, or None when git or the repository fails."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=GIT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def folder_history(folder: Path) -> dict[str, tuple[Revision, ...]] | None:
    """Every commit per file under folder (paths relative to it), newest first.

    None when there is no history to read: no git, no repository, or folder outside one.
    One `git log` for the whole folder, so a caller can keep the result for many pages.
    """
    fmt = f"{_RECORD}%H{_FIELD}%cs{_FIELD}%s"
    out = _git(Path(folder), "log", f"--format={fmt}", "--name-only", "--relative", "--", ".")
    if out is None:
        return None
    history: dict[str, list[Revision]] = {}
    for record in out.split(_RECORD)[1:]:
        head, _, names = record.partition("\n")
        rev, date, subject = head.split(_FIELD, 2)
        for name in filter(None, (n.strip() for n in names.splitlines())):
            history.setdefault(name, []).append(Revision(rev, date, subject))
    return {name: tuple(revs) for name, revs in history.items()}


def find(revisions: tuple[Revision, ...], rev: str) -> Revision | None:
    """The one revision of a file whose hash starts with rev, or None (unknown or ambiguous)."""
    if not REV.match(rev):
        return None
    found = [r for r in revisions if r.rev.startswith(rev)]
    return found[0] if len(found) == 1 else None


def text_at(folder: Path, name: str, revision: Revision) -> str | None:
    """The text of folder/name as it was in that revision, or None when git cannot give it."""
    return _git(Path(folder), "show", f"{revision.rev}:./{name}")
