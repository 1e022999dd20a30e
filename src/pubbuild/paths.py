"""Path confinement: whether a path lies inside a folder.

A neutral module, so that the manifest, the reader and the PDF fetcher share one
answer without the reader or a backend importing the manifest.
"""

from __future__ import annotations

from pathlib import Path


def inside(root: Path, candidate: Path) -> bool:
    """True when ``candidate`` (after resolving links) lies inside ``root``.

    A path the file system cannot resolve (a name too long, a NUL, a symlink loop) is
    no file of the project: False, never an exception, for every caller alike."""
    try:
        candidate.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


class NotRegularFile(OSError):
    """A FIFO, socket or device where a file was expected: reading it would block the
    build (a FIFO with no writer) or never end (``/dev/zero``)."""


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``, which must be a regular file (else :class:`NotRegularFile`).

    Checked on a descriptor opened without blocking: opening a FIFO for reading otherwise
    waits for a writer, before any check after ``open`` could run."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not stat.S_ISREG(mode):
        raise NotRegularFile(f"{path}: not a regular file (a FIFO, socket or device)")
    return path.read_bytes()
