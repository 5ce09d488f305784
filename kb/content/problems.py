"""Problems found in content: one shape for every message, `file:line: field: message — fix`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One problem in one file, with where it is and what to do about it."""

    file: str
    line: int
    field: str
    message: str
    fix: str = ""
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        fix = f" — {self.fix}" if self.fix else ""
        prefix = "advarsel: " if self.severity == WARNING else ""
        return f"{where}:{field} {prefix}{self.message}{fix}"

    def to_dict(self) -> dict:
        """The problem as a JSON-ready mapping."""
        return asdict(self)


def has_failures(problems: list[Problem], strict: bool) -> bool:
    """Whether the problems fail a check: errors always, warnings in strict mode."""
    return any(p.severity == ERROR or strict for p in problems)
