"""Print page numbers for the EPUB: the contract between the two editions.

A paginated backend (the PDF: :mod:`pubbuild.backends.pdf.page_map`) finds where each of its
pages begins and expresses that point in terms both editions share, a :class:`PageBreak`: the
*container* (the id of the top-level section of ``<body>`` it lies in, i.e. one article or one
front-matter page) and the *offset*, the number of :func:`counted` characters of that
container's text that precede it.  White space, soft hyphens and the hyphens WeasyPrint adds at
line ends are not counted, so the offset does not depend on line breaking.

The EPUB (:mod:`pubbuild.backends.epub.page_markers`) puts a ``doc-pagebreak`` marker at the same
offset of the same container in its content document and lists the pages in a ``page-list``
nav.  The PDF HTML gives each top-level section of ``<body>`` an ``id`` equal to the stem of the
EPUB content document that holds the same content (the article slug, ``about``, ``sources``
...), and both are rendered by the shared writer, so the text inside agrees.  The PDF backend
keeps its page breaks as ``page_map`` (:attr:`pubbuild.backends.Backend.page_map`); the
pipeline hands them to the backends after it (``received_page_map``).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Characters that do not count: white space is everywhere implied, U+00AD may vanish.
_IGNORED = {"\u00ad", "\u200b"}


@dataclass(slots=True, frozen=True)
class PageBreak:
    """Where one page of the paginated edition begins."""

    page: int
    """Page number (1-based), as printed."""
    label: str
    """The page's label (``aria-label`` and page-list entry)."""
    container: str | None
    """``id`` of the top-level section of ``<body>`` holding the start; None if it has none."""
    offset: int
    """Non-white-space characters of the container's text before the start."""
    before_text: bool = True
    """True when the page starts with text (the marker goes right before the
    character at ``offset``); False when it starts with an image or is blank."""
    text: str = ""
    """The first characters of the page, as in the source (for reports and tests)."""


def counted(ch: str) -> bool:
    """Whether ``ch`` counts towards a :attr:`PageBreak.offset` (both editions count alike)."""
    return not ch.isspace() and ch not in _IGNORED


def local_name(tag: object) -> str:
    """An element's tag without its namespace ('' for comments and processing instructions)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
