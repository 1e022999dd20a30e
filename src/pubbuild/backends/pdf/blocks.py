"""The print document cut into its top-level blocks, byte for byte.

Parallel layout (:mod:`pubbuild.backends.pdf.parallel_layout`) lays runs of blocks out
as separate documents.  Cutting the HTML string at the boundaries of the
body's child elements (rather than parsing and re-serialising it) keeps every
part's text exactly what the single render lays out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ...errors import BuildError

#: Elements that never have an end tag in HTML.
VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])

_CLASS = re.compile(r'\sclass="([^"]*)"')


@dataclass(frozen=True, slots=True)
class Split:
    """A document as head (up to and including ``<body>``), blocks and tail."""

    head: str
    """Everything before the first block: doctype, ``<html>``, ``<head>``, ``<body>``."""
    blocks: tuple[str, ...]
    """The body's child elements, each with the text that follows it up to the next."""
    tail: str
    """``</body></html>`` and whatever follows the last block."""

    def document(self, blocks) -> str:
        """A whole document holding ``blocks``, with this document's head."""
        return self.head + "".join(blocks) + self.tail


class _Scanner(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        for line in text.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.depth = 0
        self.in_body = False
        self.body_end: int | None = None
        self.starts: list[int] = []
        self.body_start: int | None = None

    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag, attrs) -> None:
        if not self.in_body:
            if tag == "body":
                self.in_body = True
                self.body_start = self._here() + len(self.get_starttag_text() or "")
            return
        if self.depth == 0:
            self.starts.append(self._here())
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs) -> None:
        if self.in_body and self.depth == 0:
            self.starts.append(self._here())

    def handle_endtag(self, tag) -> None:
        if not self.in_body or tag in VOID:
            return
        if tag == "body" and self.depth == 0:
            self.body_end = self._here()
            self.in_body = False
            return
        self.depth -= 1


def split(html: str) -> Split:
    """Cut ``html`` (as pubbuild's writer makes it) at its top-level body elements."""
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    if scanner.body_start is None or scanner.body_end is None or scanner.depth != 0:
        raise BuildError("print document: cannot find the body's top-level elements "
                         "(unbalanced tags)")
    starts = scanner.starts
    if not starts:
        return Split(html[:scanner.body_start], (), html[scanner.body_start:])
    head = html[:starts[0]]
    bounds = [*starts[1:], scanner.body_end]
    blocks = tuple(html[a:b] for a, b in zip(starts, bounds))
    return Split(head, blocks, html[scanner.body_end:])


def classes(block: str) -> set[str]:
    """The classes of a block's outermost element."""
    first = block[:block.find(">") + 1]
    match = _CLASS.search(first)
    return set(match.group(1).split()) if match else set()


def tag(block: str) -> str:
    """The name of a block's outermost element."""
    match = re.match(r"<([A-Za-z][A-Za-z0-9-]*)", block)
    return match.group(1).lower() if match else ""
