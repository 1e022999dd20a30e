"""The print document cut into its top-level blocks, byte for byte.

Parallel layout (:mod:`pubbuild.backends.pdf.parallel_layout`) lays runs of blocks out
as separate documents.  Cutting the HTML string at the boundaries of the
body's child elements (rather than parsing and re-serialising it) keeps every
part's text exactly what the single render lays out.

The head, up to ``<body>``, is scanned by :mod:`html.parser` (its stylesheet is raw
text, where a ``<`` is no tag).  The body, as pubbuild's writer makes it (text and
attribute values escaped; no comments, declarations or raw-text elements), is scanned
by one pattern for its tags (:func:`_body_tags`), which found the same cut as
:mod:`html.parser` on the 100-article bench pack in 0.03 s instead of 0.10 s.  A body
with anything else (a ``<`` that starts no plain tag, a comment, a ``<style>``) is
scanned by :mod:`html.parser` all through, as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ...errors import BuildError

#: Elements that never have an end tag in HTML.
VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])

_CLASS = re.compile(r'\sclass="([^"]*)"')
#: A start or end tag, ending as the HTML tokenizer ends it: at the first ``>`` outside
#: quoted attribute values.
_TAG_TOKEN = re.compile(r"""<(/?)([A-Za-z][^\t\n\r\f />\x00]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
#: Every place a tag (or something html.parser reads as markup) may begin.
_TAG_OPEN = re.compile(r"<[A-Za-z/!?]")
#: Elements whose content html.parser reads as raw text (CDATA_CONTENT_ELEMENTS).
_RAW = frozenset(["script", "style"])


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


class _BodyFound(Exception):
    """The head scan reached ``<body>``."""


class _Scanner(HTMLParser):
    def __init__(self, text: str, head_only: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.head_only = head_only
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
                if self.head_only:
                    raise _BodyFound
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
    found = _fast_bounds(html) or _parsed_bounds(html)
    if found is None:
        raise BuildError("print document: cannot find the body's top-level elements "
                         "(unbalanced tags)")
    body_start, starts, body_end = found
    if not starts:
        return Split(html[:body_start], (), html[body_start:])
    head = html[:starts[0]]
    bounds = [*starts[1:], body_end]
    blocks = tuple(html[a:b] for a, b in zip(starts, bounds))
    return Split(head, blocks, html[body_end:])


def _parsed_bounds(html: str) -> tuple[int, list[int], int] | None:
    """Where the body's content begins, where each top-level element starts and where
    ``</body>`` is, by :mod:`html.parser`; None if the tags do not balance."""
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    if scanner.body_start is None or scanner.body_end is None or scanner.depth != 0:
        return None
    return scanner.body_start, scanner.starts, scanner.body_end


def _fast_bounds(html: str) -> tuple[int, list[int], int] | None:
    """The same as :func:`_parsed_bounds`, the body's tags found by :data:`_TAG_TOKEN`;
    None when the body holds anything that pattern does not read as html.parser does."""
    head = _Scanner(html, head_only=True)
    try:
        head.feed(html)
    except _BodyFound:
        pass
    else:
        return None
    body_start = head.body_start
    if body_start is None:
        return None
    return _body_tags(html, body_start)


def _body_tags(html: str, body_start: int) -> tuple[int, list[int], int] | None:
    """The bounds from the body's tags, walked as :class:`_Scanner` walks them (the depth
    counted, void elements and ``<x/>`` opening nothing); None where in doubt."""
    starts: list[int] = []
    depth = 0
    tokens = 0
    for match in _TAG_TOKEN.finditer(html, body_start):
        tokens += 1
        end_tag, name = match.group(1), match.group(2).lower()
        if name in _RAW:
            return None
        if end_tag:
            if match.group(3).strip():
                return None  # an end tag with attributes: html.parser's to read
            if name in VOID:
                continue
            if name == "body" and depth == 0:
                # Every "<" + letter, "</", "<!" or "<?" up to here must have been one of
                # the tags read: otherwise a comment, a declaration or a stray "</" was
                # read as text or swallowed inside a tag.
                if len(_TAG_OPEN.findall(html, body_start, match.start())) != tokens - 1:
                    return None
                return body_start, starts, match.start()
            depth -= 1
            continue
        if depth == 0:
            starts.append(match.start())
        if name not in VOID and not match.group(0).endswith("/>"):
            depth += 1
    return None


def classes(block: str) -> set[str]:
    """The classes of a block's outermost element."""
    first = block[:block.find(">") + 1]
    match = _CLASS.search(first)
    return set(match.group(1).split()) if match else set()


def tag(block: str) -> str:
    """The name of a block's outermost element."""
    match = re.match(r"<([A-Za-z][A-Za-z0-9-]*)", block)
    return match.group(1).lower() if match else ""
