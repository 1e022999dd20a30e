"""Progress: a bar per stage on a terminal (a fake TTY here), advancing per article while
reading and per part while laying the PDF out; warnings print above the bar; a narrow
terminal still gets a bar; nothing at all when not a terminal."""

from __future__ import annotations

import io
import logging
import sys

import pikepdf
import pytest
from packutil import copy_root

from pubbuild.assemble.build import build_all
from pubbuild.backends import BuildOptions
from pubbuild.cli import main
from pubbuild.progress import BarSafeHandler, for_terminal

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _last_frame(text: str, stage: str) -> str:
    """The last drawing of ``stage``'s bar (tqdm redraws a line after a carriage return)."""
    frames = [f for line in text.split("\n") for f in line.split("\r") if f.startswith(stage)]
    assert frames, text
    return frames[-1]


def test_a_stage_of_unknown_length_counts():
    tty = Tty()
    bar = for_terminal(tty, columns=30)("lay out PDF (pages)", 0)
    bar.advance(3)
    bar.close()
    assert _last_frame(tty.getvalue(), "lay out PDF (pages)").startswith("lay out PDF (pages): 3 ")


@pytest.mark.parametrize("columns", [100, 36, 24])
def test_a_bar_shows_at_any_width(columns):
    tty = Tty()
    bar = for_terminal(tty, columns=columns)("normalise", 4)
    bar.advance(2)
    bar.close()
    frame = _last_frame(tty.getvalue(), "normalis")  # a narrow bar shortens the stage's name
    assert "2/4" in frame and len(frame) <= columns
    # the bar itself is drawn, half full: never squeezed out by the figures
    assert frame.count("#") >= (columns - 20) // 4, frame


def test_nothing_when_not_a_terminal_or_quiet():
    for stream, quiet in ((io.StringIO(), False), (Tty(), True)):
        bar = for_terminal(stream, quiet=quiet, columns=80)("normalise", 3)
        bar.advance()
        bar.close()
        assert stream.getvalue() == ""


def test_a_warning_prints_above_the_bar_not_into_it():
    tty = Tty()
    log = logging.getLogger("pubbuild.test_progress")
    handler = BarSafeHandler(tty)
    log.addHandler(handler)
    log.propagate = False
    try:
        bar = for_terminal(tty, columns=60)("normalise", 3)
        bar.advance()
        log.warning("careful: a warning")
        bar.advance()
        bar.close()
    finally:
        log.removeHandler(handler)
    lines = tty.getvalue().split("\n")
    warning = next(i for i, line in enumerate(lines) if "careful" in line)
    assert lines[warning].split("\r")[-1] == "careful: a warning"  # a line of its own
    assert "2/3" in _last_frame("\n".join(lines[warning + 1:]), "normalise")  # redrawn below
    plain = io.StringIO()
    BarSafeHandler(plain).emit(logging.makeLogRecord({"msg": "to a pipe", "levelno": logging.WARNING}))
    assert plain.getvalue() == "to a pipe\n"


class Recorder:
    """A progress factory that records each stage's total and advances."""

    def __init__(self) -> None:
        self.stages: list[list] = []

    def __call__(self, stage: str, total: int):
        record = [stage, total, 0, False]
        self.stages.append(record)

        class Bar:
            def advance(self, n: int = 1) -> None:
                record[2] += n

            def close(self) -> None:
                record[3] = True
        return Bar()


@pytest.mark.parametrize("jobs", [1, 2])
def test_build_reports_per_article_and_per_part(tmp_path, jobs):
    manifest = copy_root("test-pack", tmp_path)
    progress = Recorder()
    build_all(manifest, None, BuildOptions(extra={"jobs": jobs}), jobs=jobs, progress=progress)
    stages = {name: (total, done, closed) for name, total, done, closed in progress.stages}
    assert stages["normalise"] == (3, 3, True)  # one step per article
    assert stages["write epub"] == (1, 1, True)
    if jobs == 1:
        # one layout of the whole document: a step per page WeasyPrint lays out, counted (the
        # number is not known beforehand) once even when it paginates again
        total, done, closed = stages["lay out PDF (pages)"]
        with pikepdf.open(tmp_path / "test-pack" / "build" / "test-pack.pdf") as pdf:
            assert total == 0 and done == len(pdf.pages) > 1 and closed
    else:
        # the contents, each body part, then drawn and merged: never a single step for the PDF
        total, done, closed = stages["lay out PDF"]
        assert done == total >= 4 and closed, progress.stages
    assert "render" not in stages
    assert logging.getLogger("weasyprint.progress").handlers == []  # the page counter is gone


def test_the_cli_draws_bars_on_a_terminal_and_nothing_on_a_pipe(tmp_path, monkeypatch, capsys):
    manifest = copy_root("diag-pack", tmp_path)
    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    monkeypatch.setenv("COLUMNS", "40")
    assert main(["build", str(manifest), "--format", "epub", "-j", "1"]) == 0
    err = tty.getvalue()
    assert "2/2" in _last_frame(err, "normalise") and "1/1" in _last_frame(err, "write epub")
    assert "A001" in err  # the findings after the bars
    monkeypatch.undo()
    capsys.readouterr()
    assert main(["build", str(manifest), "--format", "epub", "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert "normalise" not in err and "write epub" not in err and "A001" in err
