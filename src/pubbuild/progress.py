"""Progress reporting for long builds: one bar per stage.

The library only calls a :data:`Progress` factory it is given; what appears on
screen is the command line's choice (:func:`for_terminal`): a tqdm bar on a
terminal, one plain line per stage otherwise, nothing with ``--quiet``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TextIO


class Bar(Protocol):
    """One stage's progress."""

    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


#: stage name, number of steps -> a :class:`Bar`.
Progress = Callable[[str, int], Bar]


class _NullBar:
    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def NULL_PROGRESS(stage: str, total: int) -> Bar:
    """Reports nothing."""
    return _NullBar()


class _LineBar:
    """For logs and pipes: a line when the stage starts and one when it ends."""

    def __init__(self, stage: str, total: int, stream: TextIO) -> None:
        self.stage, self.total, self.done, self.stream = stage, total, 0, stream
        print(f"{stage}: {total} step{'s' * (total != 1)}", file=stream, flush=True)

    def advance(self, n: int = 1) -> None:
        self.done += n

    def close(self) -> None:
        print(f"{self.stage}: done ({self.done}/{self.total})", file=self.stream, flush=True)


def for_terminal(stream: TextIO, quiet: bool = False) -> Progress:
    """The progress factory the CLI uses for ``stream``."""
    if quiet:
        return NULL_PROGRESS
    if stream.isatty():
        from tqdm import tqdm

        def bar(stage: str, total: int) -> Bar:
            t = tqdm(total=total, desc=stage, unit="step", file=stream, leave=True,
                     dynamic_ncols=True)
            t.advance = t.update  # type: ignore[attr-defined]
            return t  # type: ignore[return-value]

        return bar
    return lambda stage, total: _LineBar(stage, total, stream)
