"""Stage ``parse``: the page's text as an lxml tree, bounded and clean.

Parsed once, with lxml directly (BeautifulSoup's own tree would cost more than the
whole reader may); comments and processing instructions are dropped; characters
XML cannot carry, written as character references, are removed once here so that
no later stage meets them.
"""

from __future__ import annotations

import re

from lxml import etree

from ..context import Context
from ..decode import XML_INVALID, has_xml_invalid, scrub
from ..dom import HtmlElement
from ..state import ReadState


def run(state: ReadState) -> None:
    """Parse ``state.text`` into ``state.doc``."""
    state.doc = parse(state.text, state.ctx)
    if _needs_scrub(state.text):
        _scrub_tree(state.doc, state.ctx)


#: Largest page (in characters, after scripts and styles are dropped) read whole; beyond it
#: the page is cut, with a diagnostic.  No article is this long; a page that is has been
#: padded (inline data, generated markup) and would cost seconds and gigabytes to read.
MAX_CHARS = 5_000_000
_BULK = re.compile(r"<(script|style|svg|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
#: Elements whose tags are dropped (text kept) when a page nests deeper than the parser allows.
_NESTING = re.compile(r"</?(?!(?:p|br|h[1-6]|img|pre|hr|html|head|body|title|meta|script|style)\b)"
                      r"[a-zA-Z][\w:.-]*\b[^>]*>")


def parse(text: str, ctx: Context | None = None) -> HtmlElement:
    """The page as an lxml tree (comments and processing instructions dropped).

    Pathological pages stay bounded: a page over :data:`MAX_CHARS` is cut, and one
    nested deeper than libxml2's limit (which would silently lose the deep text) is
    flattened first."""
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text[:200]) + text[200:]  # lxml refuses str with a declaration
    if len(text) > MAX_CHARS:
        text = _BULK.sub(" ", text)
        if len(text) > MAX_CHARS:
            cut = text.rfind("<", 0, MAX_CHARS)
            text = text[: cut if cut > 0 else MAX_CHARS]
            if ctx is not None:
                ctx.diag("S009", f"page longer than {MAX_CHARS:,} characters; only the first "
                                 f"{MAX_CHARS:,} were read")
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True,  # type: ignore[call-arg,unused-ignore]
                              default_doctype=False)
    root = fromstring(text, parser)
    if any("depth" in str(e.message).lower() for e in parser.error_log):
        if ctx is not None:
            ctx.diag("S004", "elements nested deeper than the parser allows; that nesting was flattened")
        root = fromstring(_NESTING.sub(" ", text), parser)
    _into_body(root)
    _empty_voids(root)
    return root


#: Elements HTML defines as empty (void); libxml2 knows only some of them, and parses the rest
#: (``<embed>``, ``<source>``, ``<track>``, ``<wbr>``, ``<keygen>``) as containers, so one left
#: unclosed, as HTML allows, swallows every sibling after it.
VOID = ("area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
        "keygen", "link", "meta", "param", "source", "track", "wbr")


def _empty_voids(root: HtmlElement) -> None:
    """What the parser put inside a void element goes back after it, where the page wrote it.

    Outermost first: each element moves once, as a direct child, so a run of unclosed voids
    nested inside each other costs time linear in the page."""
    for el in list(root.iter(*VOID)):
        parent = el.getparent()
        if parent is None or (not len(el) and not el.text):
            continue
        tail, index = el.tail, parent.index(el)
        el.tail, el.text = el.text, None
        kids = list(el)
        for offset, kid in enumerate(kids, 1):
            parent.insert(index + offset, kid)
        last = kids[-1] if kids else el
        last.tail = (last.tail or "") + (tail or "") or None


def _into_body(root: HtmlElement) -> None:
    """Content libxml2 left outside ``body`` (after a premature ``</body>`` or ``</html>``, or
    before a late ``<body>``) moves into it: readers only look inside the body."""
    body = root.find("body")
    if body is None:
        return
    front = 0  # where the next element found before the body goes
    for child in list(root):
        if child is body:
            front = -1
        elif isinstance(child.tag, str) and child.tag != "head":
            if front < 0:
                body.append(child)
            else:
                body.insert(front, child)
                front += 1


def fromstring(text: str, parser: etree.HTMLParser) -> HtmlElement:
    """The tree of ``text``; an empty document when nothing in it parses."""
    try:
        root = etree.fromstring(text, parser) if text.strip() else None
    except (etree.ParserError, ValueError):
        root = None
    if root is None:  # nothing parseable: an empty document
        root = etree.fromstring("<html><body></body></html>", parser)
    return root



#: A numeric character reference, decimal or hex (the value is checked in Python).
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}))")


def _needs_scrub(text: str) -> bool:
    """Whether the page holds, or refers to, a character XML cannot carry (scanning the
    text is a fifth of the cost of walking the tree, and almost every page is clean)."""
    if has_xml_invalid(text):
        return True
    for hexa, dec in set(_CHAR_REF.findall(text)):  # (pages repeat the same few references)
        code = int(hexa, 16) if hexa else int(dec)
        if code > 0x10FFFF or XML_INVALID.match(chr(code)):
            return True
    return False


def _scrub_tree(doc: HtmlElement, ctx: Context) -> None:
    """Character references (``&#1;``, ``&#xD800;``) give text XML cannot carry even when
    the source bytes were clean: removed here, once, so no later step meets them."""
    removed = 0
    for el in doc.iter():
        for name in ("text", "tail"):
            value = getattr(el, name)
            if value and XML_INVALID.search(value):
                value, n = scrub(value)
                setattr(el, name, value)
                removed += n
        if not isinstance(el.tag, str):
            continue
        for key, value in el.attrib.items():
            if isinstance(value, str) and XML_INVALID.search(value):
                el.attrib[key], n = scrub(value)
                removed += n
    if removed:
        ctx.diag("S010", f"{removed} control or non-character code point{'s' * (removed != 1)} "
                         "removed")
