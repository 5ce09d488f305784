"""Progress on the terminal (stderr): click's progress bar on a TTY, plain lines in logs."""

from __future__ import annotations

import sys
import time
from typing import TextIO

import click

BAR_WIDTH = 30
REDRAW_SECONDS = 0.1  # a bar redrawn per document would cost more than the indexing


def format_number(n: float, decimals: int = 0) -> str:
    """A number the Norwegian way: "1 234" and "12,3"."""
    text = f"{n:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


class Progress:
    """Reports stages of work; draws a bar on a terminal and plain lines in logs."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._bar = None
        self._pending, self._drawn = 0, 0.0

    def stage(self, label: str, total: int) -> None:
        """Start a stage of `total` steps."""
        self.finish()
        if not self.tty:
            self._write(f"{label} ({format_number(total)}) …\n")
            return
        self._bar = click.progressbar(
            length=total,
            label=f"{label:<18}",
            file=self.stream,
            fill_char="█",
            empty_char="░",
            show_pos=True,
            width=BAR_WIDTH,
            bar_template="%(label)s %(bar)s %(info)s",
        )
        self._bar.__enter__()
        self._pending, self._drawn = 0, time.monotonic()

    def advance(self, n: int = 1) -> None:
        """Count n steps of the current stage as done."""
        if self._bar is None:
            return
        self._pending += n
        now = time.monotonic()
        done = self._bar.pos + self._pending >= (self._bar.length or 0)
        if done or now - self._drawn >= REDRAW_SECONDS:
            self._bar.update(self._pending)
            self._pending, self._drawn = 0, now

    def finish(self) -> None:
        """End the current stage."""
        if self._bar is not None:
            if self._pending:
                self._bar.update(self._pending)
            self._bar.__exit__(None, None, None)
            self._bar, self._pending = None, 0

    def note(self, text: str) -> None:
        """A message (a skipped file, a warning) on its own line."""
        if self._bar is not None:
            self._write("\r\x1b[K")
        self._write(text + "\n")
        if self._bar is not None:
            self._bar.render_progress()

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class NullProgress(Progress):
    """Progress that reports nothing (library use, tests)."""

    def __init__(self):
        super().__init__(stream=sys.stderr, tty=False)

    def _write(self, text: str) -> None:
        pass
