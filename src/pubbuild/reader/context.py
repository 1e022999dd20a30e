"""What the HTML reader's stages and converters share while one article is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from .. import diagnostics
from ..model import Note
from .dom import HtmlElement
from .sanitize import URL_SCHEMES


class Context:
    """State shared by the converters while one article is read."""

    def __init__(self, base_url: str | None, source: Path | None, root: Path | None,
                 diags: list[diagnostics.Diagnostic], line_map: Callable[[int], int] | None = None) -> None:
        self.base_url = base_url
        #: From a line of the HTML read to the line of the source it came from (Markdown).
        self.line_map = line_map
        self.source = source
        self.root = root
        self.diags = diags
        self.notes: dict[str, Note] = {}
        self.deep_warned = False
        self.name: str | None = None
        if source is not None:
            try:
                self.name = str(source.relative_to(root)) if root else str(source)
            except ValueError:
                self.name = str(source)

    def line(self, el: HtmlElement | None) -> int | None:
        """The element's line in the source (carried through sanitising as data-line)."""
        while el is not None:
            value = el.get("data-line")
            if value and value.isdigit():
                return self.line_map(int(value)) if self.line_map else int(value)
            el = el.getparent()
        return None

    def stamp(self, nodes: list[Any], el: HtmlElement | None) -> list[Any]:
        """Give the nodes made from ``el`` its source line, unless one is already known
        (a node made deeper down keeps its own)."""
        line = self.line(el)
        for node in nodes:
            if getattr(node, "line", 0) is None:
                node.line = line
        return nodes

    def diag(self, code: str, message: str, el: HtmlElement | None = None) -> None:
        self.diags.append(diagnostics.make(code, message, self.name, self.line(el)))

    def url(self, href: str | None) -> str | None:
        """Resolve a link against the page's base; None for unsafe or empty URLs."""
        if not href:
            return None
        href = href.strip()
        if href.startswith("#"):
            return href
        if self.base_url:
            try:
                href = urljoin(self.base_url, href)
            except ValueError:
                return None
        scheme = urlparse(href).scheme.lower() if ":" in href else ""
        if not scheme:
            if href.startswith("//"):
                return "https:" + href
            return None  # relative, and the page's address is unknown: it cannot be followed
        if scheme not in URL_SCHEMES:
            return None
        if scheme == "data":
            return None  # data: links are not useful targets
        return href
