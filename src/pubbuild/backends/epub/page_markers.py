"""The print edition's page numbers in the EPUB: page-break markers and the page list.

Given the page map the PDF backend left (``Backend.received_page_map``: where each PDF page
begins, by container id and character offset, :mod:`pubbuild.backends.pagemap`),
:func:`apply_page_map` puts a ``doc-pagebreak`` marker (:func:`insert_markers`) into the
content document whose file stem is the container id; :func:`page_list` and
:func:`ncx_page_list` list the pages.

The PDF and the EPUB render each section through the shared writer, but not
word for word: the PDF prints a link's address after its text, the EPUB adds
back links to notes and text for images it could not package.  A raw offset
would drift by those characters, so each break is re-located in the EPUB text
by the first characters of its page (``PageBreak.text``), searched near the
offset corrected by the drift found so far; only when they cannot be found is
the corrected offset used as it is.  A break in a section the EPUB has no
document for (a PDF section without id) is found by its text in any document,
else placed where the next page begins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape
from typing import Any

from lxml import etree

from ..pagemap import PageBreak, counted, local_name

logger = logging.getLogger(__name__)

#: PDF section ids that stand for an EPUB document of another name.
ALIASES = {"toc": "nav", "contents": "nav"}
#: Lengths of the page's first characters tried, longest first; shorter ones are too common.
PROBES = (30, 20, 12, 8)


@dataclass(slots=True)
class PagedDocs:
    """What :func:`apply_page_map` made."""

    docs: list
    """The content documents, ``(uid, href, xhtml)``, markers inserted."""
    breaks: list[PageBreak]
    """Every page, ``container`` now the EPUB document's file stem, in page order."""
    anchors: dict[int, str]
    """Page number -> the marker's id (``page-N``, unless the document already used it)."""

    @property
    def inserted(self) -> int:
        return len(self.anchors)


def fold(text: str) -> str:
    """``text`` case-folded character by character, so that offsets stay those of the
    original ("ß" would fold to two characters and shift every later break)."""
    return "".join(f if len(f := ch.casefold()) == 1 else ch for ch in text)


def counted_text(element) -> str:
    """The characters of ``element``'s text that :mod:`pubbuild.backends.pagemap` counts."""
    return "".join(ch for ch in "".join(element.itertext()) if counted(ch))


def _find(text: str, probe: str, expected: int, floor: int) -> int | None:
    """Where the page's first characters ``probe`` occur in ``text``, at or after ``floor``
    and nearest to ``expected``: the longest prefix that occurs wins, a short one only
    close to where it was expected (short strings recur)."""
    for size in sorted({min(len(probe), s) for s in PROBES}, reverse=True):
        if size < 4:  # a page ending a section shows a few characters: too few to trust
            return None
        needle, best = probe[:size], None
        pos = text.find(needle, floor)
        while pos >= 0:
            if best is None or abs(pos - expected) < abs(best - expected):
                best = pos
            if pos > expected:
                break
            pos = text.find(needle, pos + 1)
        window = 2000 if size >= 12 else 300
        if best is not None and abs(best - expected) <= window:
            return best
    return None


def locate(text: str, breaks: list[PageBreak]) -> list[PageBreak]:
    """The breaks of one section with offsets into ``text`` (the EPUB document's counted
    text, :func:`fold`-ed), re-located by their first characters."""
    out, drift, floor = [], 0, 0
    for b in breaks:
        expected = min(max(b.offset + drift, floor), len(text))
        found = _find(text, fold(b.text), expected, floor)
        if found is None:
            found = expected
        else:
            drift = found - b.offset
        floor = found
        out.append(replace(b, offset=found))
    return out


def apply_page_map(docs: list, breaks: list[PageBreak]) -> PagedDocs:
    """Insert the page-break markers of ``breaks`` into ``docs`` (``(uid, href, xhtml)``
    in spine order); documents without a break are returned untouched."""
    stems = {href.removesuffix(".xhtml"): n for n, (_, href, _) in enumerate(docs)}
    roots: dict[int, Any] = {}  # lxml elements
    texts: dict[int, str] = {}

    def text_of(n: int) -> str:
        if n not in texts:
            roots[n] = etree.fromstring(docs[n][2].encode())
            texts[n] = fold(counted_text(_body(roots[n])))
        return texts[n]

    # 1. Breaks in sections the EPUB has a document for.
    placed: list[tuple[int, PageBreak] | None] = []
    for b in breaks:
        key = ALIASES.get(b.container or "", b.container)
        placed.append((stems[key], b) if key in stems else None)
    by_doc: dict[int, list[PageBreak]] = {}
    for entry in placed:
        if entry:
            by_doc.setdefault(entry[0], []).append(entry[1])
    located = {id(old): (n, new) for n, bs in by_doc.items()
               for old, new in zip(bs, locate(text_of(n), bs))}
    resolved: list[tuple[int, PageBreak] | None] = [
        located[id(e[1])] if e else None for e in placed]
    # 2. The others: a page continuing the previous page's section stays in its document;
    #    any other is found by its text in any document, else where the next page begins.
    last = 0
    for i, b in enumerate(breaks):
        known = resolved[i]
        if known is not None:
            last = known[0]
            continue
        prev = breaks[i - 1] if i else None
        if prev is not None and prev.container == b.container and b.offset > prev.offset:
            # Offsets count from the start of the section: a larger one is further on in
            # the same section (the second page of a title page or of the contents).
            before = resolved[i - 1]
            assert before is not None, "every earlier break was placed in an earlier round"
            n, there = before
            text = text_of(n)
            expected = min(there.offset + b.offset - prev.offset, len(text))
            at = _find(text, fold(b.text), expected, there.offset)
            resolved[i] = (n, replace(b, offset=expected if at is None else at))
            last = n
            continue
        order = [n for n in [*range(last, len(docs)), *range(last)] if docs[n][0] != "cover"]
        found = _search(fold(b.text), b.offset, order, text_of)
        placed_now = ((found[0], replace(b, offset=found[1])) if found is not None
                      else _fallback(i, breaks, resolved, stems, docs))
        resolved[i] = placed_now
        last = placed_now[0]
    every = [r for r in resolved if r is not None]
    assert len(every) == len(resolved), "every break is placed"

    # 3. Markers into the documents, ids kept unique within each.
    anchors: dict[int, str] = {}
    per_doc: dict[int, list[PageBreak]] = {}
    for n, b in every:
        if docs[n][0] == "nav":
            # The two contents list different entries, and a marker inside the toc nav's
            # list would break its required structure: every contents page begins with it.
            b = replace(b, offset=0, before_text=True)
        per_doc.setdefault(n, []).append(b)
    out = list(docs)
    for n, bs in sorted(per_doc.items()):
        text_of(n)
        root = roots[n]
        taken = {el.get("id") for el in root.iter() if el.get("id")}
        insert_markers(_body(root), bs)
        pages = {b.label: b.page for b in bs}
        for el in _body(root).iter(f"{{{XHTML}}}span"):
            if el.get("role") == "doc-pagebreak" and el.get("aria-label") in pages:
                ident, k = el.get("id"), 2
                while ident in taken:  # a heading titled "Page 3" took the marker's id
                    ident, k = f"{el.get('id')}-{k}", k + 1
                taken.add(ident)
                el.set("id", ident)
                anchors[pages[el.get("aria-label")]] = ident
        uid, href, _ = docs[n]
        out[n] = (uid, href, _serialise(root))
    final = [replace(b, container=docs[n][1].removesuffix(".xhtml")) for n, b in every]
    logger.info("print page numbers: %d markers in %d documents", len(anchors), len(per_doc))
    return PagedDocs(out, final, anchors)


def _search(probe: str, offset: int, order: list[int], text_of) -> tuple[int, int] | None:
    """(document, offset) where a page of an unknown section begins: the longest prefix of
    its first characters found in any document, at the place nearest its offset in its own
    section (the word "contents" may also occur in a paragraph; the contents page begins
    with it); ties go to the first document in ``order``."""
    for size in sorted({min(len(probe), s) for s in PROBES}, reverse=True):
        if size < 8:
            return None
        best = None
        for n in order:
            text, needle = text_of(n), probe[:size]
            pos = text.find(needle)
            while pos >= 0:
                if best is None or abs(pos - offset) < abs(best[1] - offset):
                    best = (n, pos)
                pos = text.find(needle, pos + 1)
        if best is not None:
            return best
    return None


def _fallback(i: int, breaks: list[PageBreak], resolved: list, stems: dict,
              docs: list) -> tuple[int, PageBreak]:
    """Where a page that cannot be matched begins: a page without text before any
    matched one is the cover; otherwise the start of the next matched page's document,
    else the end of the book."""
    b = breaks[i]
    if not b.text and all(r is None for r in resolved[:i]) and "cover" in stems:
        return stems["cover"], replace(b, offset=0, before_text=False)
    later = next((r for r in resolved[i + 1:] if r is not None), None)
    if later is None:
        later = next(((stems[ALIASES.get(x.container or "", x.container)], x)
                      for x in breaks[i + 1:] if ALIASES.get(x.container or "", x.container) in stems),
                     None)
    if later is not None:
        return later[0], replace(b, offset=0, before_text=True)
    return len(docs) - 1, replace(b, offset=10**9, before_text=False)


def _body(root):
    return root.find(f"{{{XHTML}}}body")


def _document(b: PageBreak) -> str:
    """The EPUB document a placed break is in (:func:`place_markers` names one for each)."""
    assert b.container is not None, "a placed page break names its document"
    return b.container


def _serialise(root) -> str:
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n{body}\n'


def page_list(paged: PagedDocs, href: dict[str, str], label_attrs: str = "",
              title: str = "Pages") -> str:
    """The ``page-list`` nav (hidden: reading systems show it in their own page menu)."""
    items = "".join(
        f'<li><a href="{escape(href[_document(b)], quote=True)}#{escape(paged.anchors[b.page], quote=True)}">'
        f"{escape(b.label)}</a></li>\n" for b in paged.breaks if b.page in paged.anchors)
    return ('<nav epub:type="page-list" role="doc-pagelist" id="page-list" '
            'aria-labelledby="page-list-title" hidden="hidden">\n'
            f'<h2 id="page-list-title"{label_attrs}>{escape(title)}</h2>\n<ol>\n{items}</ol>\n</nav>\n')


def ncx_page_list(paged: PagedDocs, href: dict[str, str]) -> str:
    """The NCX ``pageList`` for reading systems that read only the NCX."""
    targets = []
    for b in paged.breaks:
        if b.page not in paged.anchors:
            continue
        kind, value = ("normal", f' value="{b.label}"') if b.label.isdigit() else ("front", "")
        targets.append(f'<pageTarget id="pt{b.page}" type="{kind}"{value}><navLabel><text>'
                       f'{escape(b.label)}</text></navLabel><content src="'
                       f'{escape(href[_document(b)], quote=True)}#{escape(paged.anchors[b.page], quote=True)}"/>'
                       "</pageTarget>\n")
    return ("<pageList><navLabel><text>Pages</text></navLabel>\n" + "".join(targets)
            + "</pageList>\n")


# ------------------------------------------------------------------ markers

#: Accessibility features an EPUB with a page list and page-break markers declares.
EPUB_FEATURES = ("pageNavigation", "pageBreakMarkers")

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
            if counted(ch):
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
    return local_name(el.tag) not in _NO_PHRASING


def _slots(el, out: list, top: bool = False) -> None:
    """The text slots under ``el`` in document order: (element, "text" | "tail")."""
    if isinstance(el.tag, str):
        out.append((el, "text"))
        for child in el:
            _slots(child, out)
    if not top:
        out.append((el, "tail"))  # comments and processing instructions have tails too


def page_break_source(identifier: str) -> str:
    """The ``pageBreakSource`` value (an unprefixed package ``meta`` property, which EPUBCheck
    5.3 accepts) naming the PDF edition the page numbers come from."""
    return f"{identifier} (PDF edition)"
