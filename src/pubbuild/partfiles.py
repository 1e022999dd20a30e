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
import tempfile
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


def sweep(folder: Path, name: str | None = None) -> list[Path]:
    """Remove the temporaries in ``folder`` (of the output ``name`` only, when given) left by
    runs that are no longer alive; return them."""
    stem = re.escape(name) if name is not None else r"[^/]+"
    pattern = re.compile(rf"\.{stem}\.(\d+)\.[a-z0-9_]{{8}}{re.escape(SUFFIX)}")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    removed = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _alive(int(match.group(1))):
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
