"""Progress on the terminal (stderr): a bar on a TTY, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30
REDRAW_SECONDS = 0.1


def format_number(n: float, decimals: int = 0) -> str:
    """A number the Norwegian way: "1 234" and "12,3"."""
    text = f"{n:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


class Progress:
    """Reports stages of work; draws a bar on a terminal and plain lines in logs."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.label, self.total, self.done_count, self._drawn = "", 0, 0, 0.0

    def stage(self, label: str, total: int) -> None:
        """Start a stage of `total` steps."""
        self.label, self.total, self.done_count = label, total, 0
        if not self.tty:
            self._write(f"{label} ({format_number(total)}) …\n")
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        """Count n steps of the current stage as done."""
        self.done_count += n
        self._draw(force=self.done_count >= self.total)

    def finish(self) -> None:
        """End the current stage."""
        if self.tty:
            self._draw(force=True)
            self._write("\n")

    def note(self, text: str) -> None:
        """A message (a skipped file, a warning) on its own line."""
        if self.tty and self.label:
            self._write("\r\x1b[K")
        self._write(text + "\n")
        self._draw(force=True)

    def _draw(self, force: bool = False) -> None:
        if not self.tty or not self.label:
            return
        now = time.monotonic()
        if not force and now - self._drawn < REDRAW_SECONDS:
            return
        self._drawn = now
        share = self.done_count / self.total if self.total else 1.0
        filled = round(BAR_WIDTH * min(share, 1.0))
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        self._write(
            f"\r{self.label:<18} {bar} {format_number(self.done_count)}/{format_number(self.total)}"
        )

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class NullProgress(Progress):
    """Progress that reports nothing (library use, tests)."""

    def __init__(self):
        super().__init__(stream=sys.stderr, tty=False)

    def _write(self, text: str) -> None:
        pass
