"""Where each page of the PDF begins, for the EPUB's print page numbers (the PDF's side of
:mod:`pubbuild.backends.pagemap`).

Given the HTML tree WeasyPrint laid out and the rendered ``Document``, :func:`page_breaks` finds
for every page the first content it shows (its first text box that carries new text, else its
first image) and expresses that point as a :class:`~pubbuild.backends.pagemap.PageBreak`.
Repeated table headers and generated content (list markers, page numbers) are recognised and
skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..pagemap import PageBreak, local_name
from ..pagemap import counted as is_counted

__all__ = ["PageBreak", "page_breaks"]


class _Stream:
    """The text of the tree in document order, indexed per container and per element."""

    def __init__(self, root) -> None:
        self.container_of: dict[int, tuple[str | None, object]] = {}
        self.chars: dict[int, list[int]] = {}     # element -> container offsets of its own text
        self.source: dict[int, str] = {}          # element -> its own counted text
        self.start: dict[int, int] = {}           # element -> container offset where it begins
        self.text: dict[int, str] = {}            # container -> its counted text
        self.pointer: dict[int, int] = {}         # element -> characters already laid out
        body = next((el for el in root.iter() if local_name(el.tag) == "body"), root)
        for top in body:
            key = top.get("id")
            counted: list[str] = []
            self._walk(top, (key, top), counted)
            self.text[id(top)] = "".join(counted)

    def _walk(self, el, container, counted: list[str]) -> None:
        ident = id(el)
        self.container_of[ident] = container
        self.start[ident] = len(counted)
        own, offsets = [], []

        def take(text: str | None) -> None:
            for ch in text or "":
                if is_counted(ch):
                    offsets.append(len(counted))
                    own.append(ch)
                    counted.append(ch)

        take(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self._walk(child, container, counted)
            take(child.tail)
        self.chars[ident] = offsets
        self.source[ident] = "".join(own)

    def consume(self, element, text: str) -> int | None:
        """Advance ``element``'s pointer over laid-out ``text``; the container offset of
        the first character it consumed, or None when it held nothing new."""
        ident = id(element)
        source = self.source.get(ident)
        if not source:
            return None
        chars = [c for c in text if is_counted(c)]
        if not chars:
            return None
        pos = self.pointer.get(ident, 0)
        if pos < len(source) and chars[0].casefold() != source[pos].casefold():
            # Out of step (text the source does not have, or a repeated header):
            # re-synchronise on the box's first characters if they occur ahead.
            probe = "".join(chars[:12]).casefold()
            found = source.casefold().find(probe, pos)
            if found < 0:
                return None
            pos = found
        first = None
        for ch in chars:
            if pos < len(source) and ch.casefold() == source[pos].casefold():
                if first is None:
                    first = self.chars[ident][pos]
                pos += 1
            # else: a character the layout added (a line-end hyphen): skip it
        self.pointer[ident] = pos
        return first


def page_breaks(root, document, label: Callable[[int], str] = str) -> list[PageBreak]:
    """Where each page of ``document`` (a rendered WeasyPrint ``Document``) begins in
    ``root`` (the ElementTree root WeasyPrint laid out, ``HTML(...).etree_element``)."""
    from weasyprint.formatting_structure import boxes

    stream = _Stream(root)
    found: list[tuple[Any, int, bool] | None] = []
    for page in document.pages:
        start: tuple[Any, int, bool] | None = None
        for box in _content_boxes(page._page_box, boxes):
            element = box.element
            if element is None or "::" in (box.element_tag or ""):
                continue  # anonymous or generated content (markers, counters)
            container = stream.container_of.get(id(element))
            if container is None:
                continue
            if isinstance(box, boxes.TextBox):
                offset = stream.consume(element, box.text)
                if offset is not None and start is None:
                    start = (container, offset, True)
            elif isinstance(box, boxes.ReplacedBox) and start is None:
                start = (container, stream.start[id(element)], False)
        found.append(start)
    out: list[PageBreak] = []
    for n, start in enumerate(found):
        if start is None:  # a blank page begins where the next page with content begins
            start = next((s for s in found[n + 1:] if s is not None), None)
            if start is not None:
                start = (start[0], start[1], False)
        if start is None:  # trailing blank pages: at the end of the last container
            last = list(_tops(root))[-1:] or [None]
            key = last[0].get("id") if last[0] is not None else None
            start = ((key, last[0]), len(stream.text.get(id(last[0]), "")), False)
        (key, top), offset, before = start
        text = stream.text.get(id(top), "")[offset:offset + 30]
        out.append(PageBreak(n + 1, label(n + 1), key, offset, before, text))
    return out


def _tops(root) -> Iterable:
    body = next((el for el in root.iter() if local_name(el.tag) == "body"), root)
    return iter(body)


def _content_boxes(page_box, boxes) -> Iterable:
    """The page's boxes in document order, without the margin boxes (running heads,
    page numbers) and footnote area, which are not part of the flow."""
    stack = [page_box]
    while stack:
        box = stack.pop()
        if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            continue
        yield box
        children = getattr(box, "children", None)
        if children:
            stack.extend(reversed(children))
