"""Progress reporting for long builds: one bar per stage.

The library only calls a :data:`Progress` factory it is given; what appears on
screen is the command line's choice (:func:`for_terminal`): a tqdm bar on a
terminal, nothing otherwise or with ``--quiet``.  A backend reports its own stages
through :attr:`pubbuild.backends.Backend.progress` (the PDF: one step per part laid
out).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from typing import Protocol, TextIO


class Bar(Protocol):
    """One stage's progress."""

    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


#: stage name, number of steps (0: not known beforehand) -> a :class:`Bar`.
Progress = Callable[[str, int], Bar]


class _NullBar:
    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def NULL_PROGRESS(stage: str, total: int) -> Bar:
    """Reports nothing."""
    return _NullBar()


#: Widths below this get the compact bar: tqdm's default line gives all its width to the
#: figures first, so on a 40-column terminal the bar itself shrank to one character.
COMPACT_BELOW = 60
_WIDE = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]"
_COMPACT = "{desc} {bar} {n_fmt}/{total_fmt}"
#: A stage whose number of steps is not known beforehand (total 0) counts them.
_COUNT = "{desc}: {n_fmt} [{elapsed}]"


def for_terminal(stream: TextIO, quiet: bool = False, columns: int | None = None) -> Progress:
    """The progress factory the CLI uses for ``stream``: a tqdm bar per stage on a terminal
    (``columns`` wide, default: the terminal's width), nothing otherwise (a log or a pipe
    wants no bars, and no lines about them either) or when ``quiet``."""
    if quiet or not stream.isatty():
        return NULL_PROGRESS
    from tqdm import tqdm

    def bar(stage: str, total: int) -> Bar:
        width = columns or shutil.get_terminal_size(fallback=(80, 24)).columns
        compact = width < COMPACT_BELOW
        fmt = (_COUNT if not total else _COMPACT if compact else _WIDE)
        t = tqdm(total=total or None, desc=stage[:max(8, width // 3)] if compact and total else stage,
                 file=stream, leave=True, ncols=width, bar_format=fmt)
        t.advance = t.update  # type: ignore[attr-defined]
        return t  # type: ignore[return-value]

    return bar


class BarSafeHandler(logging.StreamHandler):
    """A log handler that writes through tqdm when its stream is a terminal, so that a warning
    logged while a bar is drawn prints above the bar instead of breaking into it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tty = self.stream.isatty()
        except ValueError:  # a closed stream: logging's contract is to report, never raise
            self.handleError(record)
            return
        if not tty:
            super().emit(record)
            return
        try:
            from tqdm import tqdm

            tqdm.write(self.format(record), file=self.stream)
            self.flush()
        except Exception:  # noqa: BLE001 - logging's own contract: report, never raise
            self.handleError(record)


class StepLog(logging.Handler):
    """Advances ``bar`` to the highest step number logged in records whose message starts with
    ``prefix`` (the number is the record's first argument): WeasyPrint advertises each page it
    lays out on its ``weasyprint.progress`` logger, and lays the pages out again when page
    counters change, so a page already counted is not counted twice."""

    def __init__(self, bar: Bar, prefix: str) -> None:
        super().__init__(logging.INFO)
        self.bar, self.prefix, self.highest = bar, prefix, 0

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith(self.prefix) or not record.args:
            return
        step = record.args[0] if isinstance(record.args, tuple) else None
        if isinstance(step, int) and step > self.highest:
            self.bar.advance(step - self.highest)
            self.highest = step
