"""Contained workarounds for defects of WeasyPrint and pydyf, all in one place.

Each has a tripwire in ``tests/test_workarounds.py`` that fails as soon as the
library no longer has the defect: then that workaround and its call site should go.
:func:`install` puts every patch in place; it is called only when laying out,
because importing this module imports WeasyPrint's layout.

1. pydyf's ``PDF.page_references`` rebuilds its tuple on every call.

WeasyPrint's tagging reads ``pdf.page_references[page_number]`` once per
structure element, so with pydyf 0.13 (the newest release) tagging costs
elements x pages: about 10% of a 457-page render.  :func:`cache_page_references`
swaps the property for one that rebuilds the tuple only when the page list
changed (``add_page`` only ever extends ``/Kids``, so its length is the version).

2. WeasyPrint draws a leader as one text box per repetition.

``leader(dotted)`` fills the space before a contents entry's page number with
copies of "." laid side by side from the right edge, each its own text box
(``weasyprint/layout/leader.py``, WeasyPrint 70).  Every box is drawn as its own
text object in its own marked-content sequence, so a 6-page contents of 100
entries holds about 13,500 of them: measured on the 100-article bench pack,
1.3 s to lay out and draw the contents against 0.4 s for the same page without
the dots, and 228 KB of content stream on its first page.

:func:`one_run_leaders` wraps WeasyPrint's ``handle_leader``: after it placed the
copies, the run of copies becomes one text box holding the repeated string at
the leftmost copy's position.  Only when the repeated string shaped as one run
is exactly as wide as the copies side by side (no kerning or ligature between
repetitions) is the run replaced, so every dot stays where WeasyPrint put it;
otherwise the copies are left alone.

3. WeasyPrint warns about every image without ``alt`` when writing PDF/UA.

Ours are only the decorative ones (``alt=""``), which the tagging repairs turn
into artifacts, and missing descriptions were already reported by the reader
(A001): :class:`DecorativeImages` filters that warning out of the log.

4. WeasyPrint names a raster image after a hash of its absolute URL.

``get_image_from_uri`` gives each ``RasterImage`` the id ``md5(url)`` and the PDF
resource is called ``i<id>`` (``weasyprint/images.py``, ``pdf/stream.py``, WeasyPrint
70), so the same project in two folders gave two different PDFs, archival PDFs and
deposits.  :func:`content_named_images` makes the id a digest of the image's bytes
and its orientation instead: the same picture gets the same name anywhere, and two
URLs holding the same picture share one image object, as one URL already did.

5. pydyf deflates every stream at zlib's slowest level.

``Stream.data`` compresses with ``zlib.compressobj(level=9)`` (pydyf 0.13): on the
content streams of 81 pages of the 100-article bench pack (4.9 MB), level 9 took
0.45 s of CPU for 695 KB, the zlib default (6) 0.10 s for 717 KB (3% more), so
about 2.4 s of a 555-page build went to the last 3%.  :func:`default_flate_level`
gives pydyf's module a ``zlib`` whose ``compressobj`` uses the default level; every
other use of zlib (pydyf's object streams already use the default) is unchanged.
The PDF stays deterministic (zlib's output depends only on the data and the level).
"""

from __future__ import annotations

import hashlib
import logging
import math
import zlib

import pydyf
from weasyprint import images as _images
from weasyprint.layout import inline as _inline
from weasyprint.layout import leader as _leader
from weasyprint.text.line_break import split_first_line


def install() -> None:
    """Put every patch in place (idempotent)."""
    cache_page_references()
    one_run_leaders()
    content_named_images()
    default_flate_level()


# ------------------------------------------------------------------ 1. pydyf page_references

_ORIGINAL_PAGE_REFERENCES = pydyf.PDF.__dict__.get("page_references")


def _cached_page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
    kids = self.pages["Kids"]
    cached = self.__dict__.get("_pubbuild_page_references")
    if cached is None or cached[0] is not kids or cached[1] != len(kids):
        refs = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = (kids, len(kids), refs)
        self.__dict__["_pubbuild_page_references"] = cached
    return cached[2]


def original_page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    """pydyf's own implementation (what :func:`cache_page_references` replaced)."""
    return _ORIGINAL_PAGE_REFERENCES.fget(pdf)


def page_references_cached() -> bool:
    """Whether the cached property is in place."""
    return pydyf.PDF.__dict__.get("page_references") is _PATCHED


def cache_page_references() -> None:
    """Replace ``pydyf.PDF.page_references`` with the cached version (idempotent)."""
    if isinstance(_ORIGINAL_PAGE_REFERENCES, property):
        pydyf.PDF.page_references = _PATCHED


_PATCHED = property(_cached_page_references, doc=getattr(_ORIGINAL_PAGE_REFERENCES, "__doc__", None))


# ------------------------------------------------------------------ 2. WeasyPrint leaders

_ORIGINAL_HANDLE_LEADER = _leader.handle_leader
#: Widths are in CSS px; a thousandth of a px is far below what any output resolves.
_TOLERANCE = 1e-3


def _one_run(context, line, containing_block) -> None:
    _ORIGINAL_HANDLE_LEADER(context, line, containing_block)
    _, leader_box = _leader.leader_index(line)
    if leader_box is None or len(leader_box.children) < 2:
        return
    copies = leader_box.children
    first = min(copies, key=lambda box: box.position_x)
    text = first.text * len(copies)
    layout, length, _, width, _, _ = split_first_line(
        text, first.style, context, math.inf, first.justification_spacing)
    if length != len(text.encode()) or abs(width - sum(box.width for box in copies)) > _TOLERANCE:
        return  # shaped as one run it would not match the copies: keep them
    run = first.copy_with_text(text)
    run.pango_layout = layout
    run.width = width
    leader_box.children = (run,)


def one_run_leaders_installed() -> bool:
    """Whether WeasyPrint's inline layout calls the one-run version."""
    return _inline.handle_leader is _one_run


def one_run_leaders() -> None:
    """Make WeasyPrint draw each leader as one text run (idempotent)."""
    _inline.handle_leader = _one_run


def original_handle_leader(context, line, containing_block) -> None:
    """WeasyPrint's own ``handle_leader`` (what :func:`one_run_leaders` wrapped)."""
    _ORIGINAL_HANDLE_LEADER(context, line, containing_block)


# ------------------------------------------------------------------ 3. alt warnings


class DecorativeImages(logging.Filter):
    """Silences WeasyPrint's complaint about images without ``alt``: ours are only the
    decorative ones (``alt=""``), which the tagging repairs turn into artifacts, and
    missing descriptions were already reported by the reader (A001)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return MISSING_ALT_WARNING not in record.getMessage()


#: What WeasyPrint logs for an image without ``alt`` (the tripwire checks it still does).
MISSING_ALT_WARNING = "has no required alt description"


# ------------------------------------------------------------------ 4. image names

_ORIGINAL_RASTER_INIT = _images.RasterImage.__init__


def image_id(image_data: bytes, orientation: object) -> str:
    """What a raster image is called: its bytes and how it is turned, never where it lay."""
    return hashlib.sha256(bytes(image_data) + b"\0" + repr(orientation).encode()).hexdigest()[:32]


def _content_named_init(self, pillow_image, image_id_, image_data, filename=None, cache=None,
                        orientation="none", options=_images.DEFAULT_OPTIONS) -> None:
    _ORIGINAL_RASTER_INIT(self, pillow_image, image_id(image_data, orientation), image_data,
                          filename, cache, orientation, options)


def content_named_images_installed() -> bool:
    """Whether raster images are named by their content."""
    return _images.RasterImage.__init__ is _content_named_init


def content_named_images() -> None:
    """Name every raster image by its content (idempotent)."""
    _images.RasterImage.__init__ = _content_named_init


def original_raster_init() -> object:
    """WeasyPrint's own ``RasterImage.__init__`` (what :func:`content_named_images` wrapped)."""
    return _ORIGINAL_RASTER_INIT


# ------------------------------------------------------------------ 5. flate level

#: zlib's own default (6): nearly level 9's size for a quarter of its time (see 5. above).
FLATE_LEVEL = zlib.Z_DEFAULT_COMPRESSION
_ORIGINAL_ZLIB = pydyf.zlib


class _DefaultLevelZlib:
    """zlib as pydyf sees it: ``compressobj`` at :data:`FLATE_LEVEL` whatever level is asked."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = FLATE_LEVEL, *args, **kwargs):  # the level asked is overridden: the point
        return zlib.compressobj(FLATE_LEVEL, *args, **kwargs)


_DEFAULT_LEVEL_ZLIB = _DefaultLevelZlib()


def default_flate_level_installed() -> bool:
    """Whether pydyf deflates its streams at zlib's default level."""
    return pydyf.zlib is _DEFAULT_LEVEL_ZLIB


def default_flate_level() -> None:
    """Make pydyf deflate streams at zlib's default level (idempotent)."""
    pydyf.zlib = _DEFAULT_LEVEL_ZLIB


def original_zlib() -> object:
    """The zlib module pydyf had (what :func:`default_flate_level` replaced)."""
    return _ORIGINAL_ZLIB
