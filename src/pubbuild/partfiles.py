"""Temporary ``.part`` files and folders beside an output, and sweeping the ones a killed
run left behind.

Every output is written under a temporary name in its own folder and renamed into
place, so an interrupted build never leaves a half-written output under the real
name.  SIGKILL (or a power cut) still leaves the temporary: its name carries the
writer's process id, so the next run can tell a leftover (its writer is gone) from
the temporary of a build running now, and removes only the former.  Only names of
this exact shape are touched: ``.<output name>.<pid>.<8 random characters>.part``.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

SUFFIX = ".part"


def new_file(target: Path) -> Path:
    """An empty temporary file beside ``target``, named for it and for this process."""
    fd, tmp = tempfile.mkstemp(prefix=_prefix(target.name), suffix=SUFFIX, dir=target.parent)
    os.close(fd)
    return Path(tmp)


def new_folder(target: Path) -> Path:
    """An empty temporary folder beside ``target``, named for it and for this process."""
    return Path(tempfile.mkdtemp(prefix=_prefix(target.name), suffix=SUFFIX, dir=target.parent))


@contextmanager
def temporary(target: Path, folder: bool = False) -> Iterator[Path]:
    """A new temporary file (or folder) beside ``target`` for the block to fill and rename
    into place; removed if the block raises, an interrupt (Ctrl-C, SIGTERM) included.

    ``tmp = new_file(...)`` followed by ``try:`` leaves the temporary behind when the
    signal lands between the two (or inside ``mkstemp``, once the file exists): the
    signals are held while it is created and delivered once its removal is in force.
    An error creating it (``OSError``) leaves nothing to remove."""
    path = None
    try:
        with _signals_held():
            path = new_folder(target) if folder else new_file(target)
        yield path
    except BaseException:
        if path is not None:
            _remove(path)
        raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM held back, then deliver any that came, under
    the handlers in force (a Python handler raises in the main thread only, so only
    there is anything to hold)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not None:  # None: a handler set outside Python, left alone
            previous[signum] = signal.signal(signum, lambda number, frame: came.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for number in came:
            signal.raise_signal(number)


def sweep(folder: Path, name: str | None = None) -> list[Path]:
    """Remove the temporaries in ``folder`` (of the output ``name`` only, when given) left by
    runs that are no longer alive; return them."""
    stem = re.escape(name) if name is not None else r"[^/]+"
    # pikepdf saving to a path writes ``.pikepdf.<that name><random>`` beside it first: one
    # of our temporaries' names when a save into it was cut short (a full disk aborted it).
    ours = rf"\.{stem}\.(\d+)\.[a-z0-9_]{{8}}{re.escape(SUFFIX)}"
    pattern = re.compile(rf"{ours}|\.pikepdf\.{ours.replace('(', '(?P<pid>', 1)}[a-z0-9_]{{8}}")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    removed = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _alive(int(match.group(1) or match.group("pid"))):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as exc:
            logger.debug("could not remove %s: %s", path, exc)
            continue
        logger.info("removed %s, left by an interrupted run", path)
        removed.append(path)
    return removed


def _prefix(name: str) -> str:
    return f".{name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
