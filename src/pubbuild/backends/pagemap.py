"""Print page numbers for the EPUB: where each page of the PDF edition begins.

Layout side (:func:`page_breaks`): given the HTML tree WeasyPrint laid out and
the rendered ``Document``, find for every page the first content it shows (its
first text box that carries new text, else its first image) and express that
point in terms both editions share: the *container* (the id of the top-level
section of ``<body>`` it lies in, i.e. one article or one front-matter page)
and the *offset*, the number of non-white-space characters of that
container's text that precede it.  White space, soft hyphens and the hyphens
WeasyPrint adds at line ends are not counted, so the offset does not depend on
line breaking; repeated table headers and generated content (list markers,
page numbers) are recognised and skipped.

EPUB side (:func:`insert_markers`, :func:`page_list_nav`, :data:`EPUB_FEATURES`):
put ``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N"
aria-label="N"/>`` at the same offset of the same container in the EPUB content
document, and list the pages in a ``page-list`` nav.

Contract with the backends: the PDF HTML gives each top-level section of
``<body>`` an ``id`` equal to the stem of the EPUB content document that holds
the same content (the article slug, ``about``, ``sources`` ...), and both are
rendered by the shared writer, so the text inside agrees.  The PDF backend
calls :func:`page_breaks` after ``render()`` and keeps the result as
``self.page_map`` (and sets ``paginated = True`` on its class); the pack
builder hands it to the EPUB backend as ``Publication.page_map``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

#: Characters that do not count: white space is everywhere implied, U+00AD may vanish.
_IGNORED = {"\u00ad", "\u200b"}

#: Accessibility features an EPUB with a page list and page-break markers declares.
EPUB_FEATURES = ("pageNavigation", "pageBreakMarkers")


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


def _counted(ch: str) -> bool:
    return not ch.isspace() and ch not in _IGNORED


# ------------------------------------------------------------------ layout side


class _Stream:
    """The text of the tree in document order, indexed per container and per element."""

    def __init__(self, root) -> None:
        self.container_of: dict[int, tuple[str | None, object]] = {}
        self.chars: dict[int, list[int]] = {}     # element -> container offsets of its own text
        self.source: dict[int, str] = {}          # element -> its own counted text
        self.start: dict[int, int] = {}           # element -> container offset where it begins
        self.text: dict[int, str] = {}            # container -> its counted text
        self.pointer: dict[int, int] = {}         # element -> characters already laid out
        body = next((el for el in root.iter() if _local(el.tag) == "body"), root)
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
                if _counted(ch):
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
        chars = [c for c in text if _counted(c)]
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


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


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
    body = next((el for el in root.iter() if _local(el.tag) == "body"), root)
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


# ------------------------------------------------------------------ EPUB side

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def marker(label: str, make: Callable[[str, dict[str, str]], Any]) -> Any:
    """A page-break marker element made with ``make(tag, attrib)`` (lxml)."""
    return make(f"{{{XHTML}}}span", {f"{{{EPUB_NS}}}type": "pagebreak", "role": "doc-pagebreak",
                                     "id": f"page-{label}", "aria-label": label})


def insert_markers(container, breaks: list[PageBreak]) -> int:
    """Insert a page-break marker into ``container`` (an lxml element of the EPUB content
    document holding the same content as the PDF container) for each break, at its
    offset.  Returns the number inserted."""
    from lxml import etree

    nsmap = None if container.nsmap.get("epub") == EPUB_NS else {"epub": EPUB_NS}

    def make(tag: str, attrib: dict[str, str]) -> Any:
        return etree.Element(tag, attrib, nsmap=nsmap)

    slots: list[tuple[Any, str]] = []  # (lxml element, "text" or "tail")
    _slots(container, slots, top=True)
    # Every counted character as (slot index, position in the slot's text).
    where: list[tuple[int, int]] = []
    for n, (el, kind) in enumerate(slots):
        for pos, ch in enumerate(getattr(el, kind) or ""):
            if _counted(ch):
                where.append((n, pos))
    places = []
    for b in breaks:
        if b.before_text and b.offset < len(where):
            slot, pos = where[b.offset]          # right before the page's first character
        elif not b.before_text and 0 < b.offset <= len(where):
            slot, pos = where[b.offset - 1]      # right after the last character before it
            pos += 1
        elif b.offset == 0:
            slot, pos = 0, 0
        else:
            slot, pos = None, 0                  # beyond the text: at the end
        places.append((slot if slot is not None else len(slots), pos, b.page, b))
    # Insert from the last place backwards, so that earlier places stay where they are.
    end = len(container)
    for slot, pos, _, b in sorted(places, key=lambda p: (p[0], p[1], p[2]), reverse=True):
        new = marker(b.label, make)
        if slot == len(slots):
            container.insert(end, new)
            continue
        el, kind = slots[slot]
        if not _hoisted(container, el, kind, pos, b.before_text, new):
            text = getattr(el, kind) or ""
            setattr(el, kind, text[:pos] or None)
            new.tail = text[pos:] or None
            if kind == "text":
                el.insert(0, new)
            else:
                parent = el.getparent()
                parent.insert(parent.index(el) + 1, new)
    return len(places)


#: Elements whose children cannot include a ``span``: a marker never goes directly inside them.
_NO_PHRASING = {"html", "head", "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr",
                "colgroup", "select", "optgroup", "datalist", "hgroup", "menu", "picture"}


def _hoisted(container, el, kind: str, pos: int, before_text: bool, new) -> bool:
    """Put the marker between elements rather than inside one when the point is at an
    element's very start (or, for a point after text, its very end): inside a heading
    it would become part of the heading's accessible name."""
    text = getattr(el, kind) or ""
    if before_text and kind == "text" and not text[:pos].strip():
        target = el                             # the point is where ``el`` begins
        while (target is not container and _can_hold_marker(target.getparent(), container)
               and target.getparent() is not container
               and target.getparent()[0] is target and not (target.getparent().text or "").strip()):
            target = target.getparent()
        if target is container or not _can_hold_marker(target.getparent(), container):
            return False
        parent = target.getparent()
        index = parent.index(target)
        while (index and parent[index - 1].get("role") == "doc-pagebreak"
               and not (parent[index - 1].tail or "").strip()):
            index -= 1  # markers already placed here are for later pages
        new.tail = None
        parent.insert(index, new)
        return True
    if not before_text and not text[pos:].strip():
        target = el if kind == "text" and len(el) == 0 else (
            el.getparent() if kind == "tail" and el.getparent() is not None
            and el.getparent()[-1] is el else None)
        if target is None or target is container:
            return False
        while (target.getparent() is not container and target.getparent() is not None
               and target.getparent()[-1] is target and not (target.tail or "").strip()
               and _can_hold_marker(target.getparent().getparent(), container)):
            target = target.getparent()
        parent = target.getparent()
        if parent is None or not _can_hold_marker(parent, container):
            return False
        new.tail, target.tail = target.tail, None
        parent.insert(parent.index(target) + 1, new)
        return True
    return False


def _can_hold_marker(el, container) -> bool:
    if el is None:
        return False
    return _local(el.tag) not in _NO_PHRASING


def _slots(el, out: list, top: bool = False) -> None:
    """The text slots under ``el`` in document order: (element, "text" | "tail")."""
    if isinstance(el.tag, str):
        out.append((el, "text"))
        for child in el:
            _slots(child, out)
    if not top:
        out.append((el, "tail"))  # comments and processing instructions have tails too


def page_list_nav(breaks: list[PageBreak], href: Callable[[str | None], str]) -> str:
    """The EPUB ``page-list`` nav: one link per page, ``href(container)`` naming the
    content document of each container."""
    items = "".join(f'<li><a href="{escape(href(b.container), quote=True)}#page-{escape(b.label, quote=True)}">'
                    f"{escape(b.label)}</a></li>\n" for b in breaks)
    return ('<nav epub:type="page-list" role="doc-pagelist" id="page-list" aria-labelledby="page-list-title" '
            'hidden="hidden">\n<h2 id="page-list-title">Pages</h2>\n'
            f"<ol>\n{items}</ol>\n</nav>\n")


def page_break_source(identifier: str) -> str:
    """The ``pageBreakSource`` value (an unprefixed package ``meta`` property, which EPUBCheck
    5.3 accepts) naming the PDF edition the page numbers come from."""
    return f"{identifier} (PDF edition)"
