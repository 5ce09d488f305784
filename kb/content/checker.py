"""Collect problems for one case file, with the front matter to find each field's line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kb.content.frontmatter import FrontMatter
from kb.content.problems import WARNING, Problem


@dataclass
class Checker:
    """Collects problems for one file, with the front matter to find line numbers."""

    path: str
    fm: FrontMatter
    problems: list

    def add(self, path: tuple, message: str, fix: str = "", warning: bool = False) -> None:
        """Record a problem at the line of a field path."""
        field = _dotted(path)
        severity = WARNING if warning else "error"
        self.problems.append(
            Problem(self.path, self.fm.line_of(*path), field, message, fix, severity)
        )

    def text(self, path: tuple, value: object) -> str | None:
        """The value as text, or None after reporting why it is not text (YAML traps included)."""
        if isinstance(value, str):
            if not value.strip():
                self.add(path, "feltet er tomt", "skriv en verdi eller fjern feltet")
                return None
            return value
        raw = self.fm.scalars.get(path)
        shown = raw.text if raw else str(value)
        if isinstance(value, bool):
            what = "sann (true)" if value else "usann (false)"
            self.add(
                path,
                f"«{shown}» ble lest som {what}, ikke som tekst",
                f'sett verdien i anførselstegn: "{shown}"',
            )
        elif isinstance(value, int | float):
            read = f"tallet {value}"
            if shown.startswith("0") and shown != str(value):
                read += " (ledende null forsvinner)"
            self.add(
                path,
                f"«{shown}» ble lest som {read}, ikke som tekst",
                f'sett verdien i anførselstegn: "{shown}"',
            )
        elif isinstance(value, dt.date):
            self.add(
                path,
                f"«{shown}» ble lest som en dato, ikke som tekst",
                f'sett verdien i anførselstegn: "{shown}"',
            )
        elif value is None:
            self.add(path, "feltet er tomt", "skriv en verdi eller fjern feltet")
        else:
            self.add(path, f"forventet tekst, fikk {kind_of(value)}", "skriv én tekstverdi")
        return None


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def kind_of(value: object) -> str:
    return {list: "en liste", dict: "en gruppe felt"}.get(type(value), type(value).__name__)
