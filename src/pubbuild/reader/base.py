"""The reader contract and the one registry of source formats.

Like a backend, a reader declares what it is in class attributes (its ``name``,
the file ``suffixes`` it reads, their ``media_type``) and implements
:meth:`Reader.read`.  Everything that lists source formats (the readers chosen by
suffix, ``--from``'s choices, the media types of a project's original files)
derives it from :data:`FORMATS`.  This module imports no reader: asking which
formats exist costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from ..diagnostics import Diagnostic
from ..model import Article

ReadFunction = Callable[..., Article]
"""``(text, source, root, diags, base_url=None) -> Article``: a reader's implementation."""


class Reader:
    """Turns one decoded source file into an :class:`~pubbuild.model.Article`."""

    name: ClassVar[str] = ""
    """The format's name (``--from NAME``)."""
    suffixes: ClassVar[tuple[str, ...]] = ()
    """File suffixes read by this reader, the first the one a file of this kind is saved as."""
    media_type: ClassVar[str] = ""
    """The media type of such files."""
    markup: ClassVar[bool] = False
    """Whether the file may declare its own character encoding (``<meta charset>``)."""

    def read(self, text: str, source: Path | None, root: Path | None, diags: list[Diagnostic],
             base_url: str | None = None) -> Article:
        """The article in ``text`` (the decoded file ``source``, inside the project ``root``);
        diagnostics go to ``diags``; ``base_url`` is the page's address when known."""
        raise NotImplementedError


class HtmlReader(Reader):
    """HTML: full saved pages, exports, fragments (:mod:`.html`, its stages in :mod:`.stages`)."""

    name, suffixes, media_type, markup = "html", (".html", ".htm", ".xhtml"), "text/html", True

    def read(self, text: str, source: Path | None, root: Path | None, diags: list[Diagnostic],
             base_url: str | None = None) -> Article:
        from .html import read_html

        return read_html(text, source, root, diags, base_url=base_url)


class MarkdownReader(Reader):
    """Markdown (CommonMark with tables), rendered, then read as HTML."""

    name, suffixes, media_type = "markdown", (".md", ".markdown"), "text/markdown"

    def read(self, text: str, source: Path | None, root: Path | None, diags: list[Diagnostic],
             base_url: str | None = None) -> Article:
        from . import text as text_reader

        return text_reader.read_markdown(text, source, root, diags, base_url=base_url)


class TextReader(Reader):
    """Plain text: blank lines separate paragraphs."""

    name, suffixes, media_type = "text", (".txt", ".text"), "text/plain"

    def read(self, text: str, source: Path | None, root: Path | None, diags: list[Diagnostic],
             base_url: str | None = None) -> Article:
        from . import text as text_reader

        return text_reader.read_text(text, source, root, diags, base_url=base_url)


#: Format name -> reader: the one list of source formats.
FORMATS: dict[str, Reader] = {r.name: r for r in (HtmlReader(), MarkdownReader(), TextReader())}

#: File suffix -> reader (``.xhtml`` files are read as HTML).
READERS: dict[str, Reader] = {suffix: r for r in FORMATS.values() for suffix in r.suffixes}


def media_types() -> dict[str, str]:
    """File suffix -> media type, for every source suffix (``.xhtml`` is XHTML's own)."""
    types = {suffix: r.media_type for suffix, r in READERS.items()}
    types[".xhtml"] = "application/xhtml+xml"
    return types
