"""Contained workaround: pydyf's ``PDF.page_references`` rebuilds its tuple on every call.

WeasyPrint's tagging reads ``pdf.page_references[page_number]`` once per
structure element, so with pydyf 0.13 (the newest release) tagging costs
elements x pages: about 10% of a 457-page render.  :func:`install` swaps the
property for one that rebuilds the tuple only when the page list changed
(``add_page`` only ever extends ``/Kids``, so its length is the version).

``tests/test_pdfparallel.py`` fails as soon as pydyf's own property stops
rebuilding on every call: then this module and its call sites should go.
"""

from __future__ import annotations

import pydyf

_ORIGINAL = pydyf.PDF.__dict__.get("page_references")


def _cached_page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
    kids = self.pages["Kids"]
    cached = self.__dict__.get("_pubbuild_page_references")
    if cached is None or cached[0] is not kids or cached[1] != len(kids):
        refs = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = (kids, len(kids), refs)
        self.__dict__["_pubbuild_page_references"] = cached
    return cached[2]


def original_page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's own implementation (what :func:`install` replaced)."""
    return _ORIGINAL.fget(pdf)


def installed() -> bool:
    """Whether the cached property is in place."""
    return pydyf.PDF.__dict__.get("page_references") is _PATCHED


def install() -> None:
    """Replace ``pydyf.PDF.page_references`` with the cached version (idempotent)."""
    if isinstance(_ORIGINAL, property):
        pydyf.PDF.page_references = _PATCHED


_PATCHED = property(_cached_page_references, doc=getattr(_ORIGINAL, "__doc__", None))
