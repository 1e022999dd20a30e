"""The print edition's page numbers in the EPUB: page-break markers and the page list.

Given ``Publication.page_map`` (where each PDF page begins, by container id and
character offset: :mod:`pubbuild.backends.pagemap`), :func:`apply_page_map` puts a
``doc-pagebreak`` marker into the content document whose file stem is the
container id, and returns the ``page-list`` nav and an NCX ``pageList``.

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
from dataclasses import dataclass, replace
from html import escape
from typing import Any

from lxml import etree

from ..pagemap import XHTML, PageBreak, _counted, insert_markers

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
    return "".join(ch for ch in "".join(element.itertext()) if _counted(ch))


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
