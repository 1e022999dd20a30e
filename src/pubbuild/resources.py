"""Files pubbuild reads at run time, shipped inside the package (``pubbuild/data``).

They are found through :mod:`importlib.resources`, never through the source
checkout's layout, so that an installed wheel builds exactly as a checkout
does.  WeasyPrint and fontTools need real files, so each folder is handed out
as a path (:func:`importlib.resources.as_file`): the package folder itself for
an ordinary install (a zipped package's folders need Python 3.12, which
extracts them to a temporary copy kept until exit).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from pathlib import Path

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


@functools.cache
def data_dir(name: str) -> Path:
    """The package data folder ``name`` (``styles``, ``fonts``) as a path on disk."""
    return _extracted.enter_context(resources.as_file(resources.files("pubbuild") / "data" / name))


def styles_dir() -> Path:
    """The house stylesheets: ``epub.css`` and ``print.css``."""
    return data_dir("styles")


def fonts_dir() -> Path:
    """The shipped fonts, with their licences (``README.md`` lists them)."""
    return data_dir("fonts")
