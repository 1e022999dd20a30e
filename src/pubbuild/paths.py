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
