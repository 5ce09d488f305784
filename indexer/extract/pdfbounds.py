"""Limits inside one PDF page: inflated stream size, operands and characters, time checks.

pdfminer inflates a whole stream at once (a 1 MB file can hold a 1 GB stream) and checks
nothing while it interprets one page (millions of text operators take minutes and gigabytes).
Measured on this machine under load (bench/bench_hostile.py), the bounds in process stop each
bomb in 1-3 s of extraction and under 180 MB peak for the whole `kb index`. A child process
with rlimits was not built: it would add a process start and a pdfminer import per file
(about 1 s under load) and cannot fork safely from the watcher's threads.
"""

from __future__ import annotations

import zlib

import pdfminer.pdftypes
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFPageInterpreter

from indexer.extract.base import Budget

MAX_STREAM_BYTES = 64_000_000  # one inflated stream; a 600 dpi A4 scan is about 25 MB
MAX_PAGE_OPERANDS = 100_000  # a dense text page has about 30 000
MAX_PAGE_CHARS = 20_000  # a dense text page has about 6 000
CHECK_EVERY = 4096  # operands between time checks


class PageTooLarge(Exception):
    """A stream or a page is beyond the limits; the message says which (Norwegian)."""


class _BoundedInflater:
    """zlib.decompressobj that refuses to produce more than MAX_STREAM_BYTES."""

    def __init__(self, *args) -> None:
        self._inner = zlib.decompressobj(*args)
        self._produced = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inner.decompress(data, MAX_STREAM_BYTES + 1 - self._produced)
        self._produced += len(out)
        if self._produced > MAX_STREAM_BYTES or self._inner.unconsumed_tail:
            raise PageTooLarge(f"en strøm pakker seg ut til mer enn {MAX_STREAM_BYTES // 10**6} MB")
        return out

    def flush(self, *args) -> bytes:
        return self._inner.flush(*args)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


class _BoundedZlib:
    """The part of the zlib module pdfminer.pdftypes uses, with inflation bounded."""

    error = zlib.error
    decompressobj = _BoundedInflater

    @staticmethod
    def decompress(data: bytes, *args) -> bytes:
        """zlib.decompress within MAX_STREAM_BYTES; a truncated stream is a zlib.error as usual."""
        inflater = _BoundedInflater()
        out = inflater.decompress(data)
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")
        return out


pdfminer.pdftypes.zlib = _BoundedZlib  # pdfminer inflates every Flate stream through this name


class BoundedAggregator(PDFPageAggregator):
    """Page layout that counts the work on each page and checks the time budget as it goes."""

    def __init__(self, manager, laparams, budget: Budget) -> None:
        super().__init__(manager, laparams=laparams)
        self.budget = budget
        self.operands = self.chars = 0

    def begin_page(self, page, ctm) -> None:
        self.operands = self.chars = 0
        super().begin_page(page, ctm)

    def tick(self) -> None:
        """One more operand interpreted on this page."""
        self.operands += 1
        if self.operands % CHECK_EVERY == 0:
            self.budget.check_time()
        if self.operands > MAX_PAGE_OPERANDS:
            raise PageTooLarge(f"en side har mer enn {MAX_PAGE_OPERANDS} operasjoner")

    def render_char(self, *args, **kwargs) -> float:
        self.chars += 1
        if self.chars > MAX_PAGE_CHARS:
            raise PageTooLarge(f"en side har mer enn {MAX_PAGE_CHARS} tegn")
        return super().render_char(*args, **kwargs)


class BoundedInterpreter(PDFPageInterpreter):
    """Interpreter that reports every operand and form call to its BoundedAggregator."""

    device: BoundedAggregator

    def push(self, obj) -> None:
        self.device.tick()
        super().push(obj)

    def do_Do(self, xobjid) -> None:
        self.device.tick()
        super().do_Do(xobjid)

    def do_q(self) -> None:
        self.device.tick()
        super().do_q()
