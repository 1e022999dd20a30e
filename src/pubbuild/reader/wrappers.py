"""Wrappers that hide an article's structure, turned into plain ``div`` s before extraction.

Three kinds of element wrap real content without meaning anything themselves,
and each would otherwise cost the article its structure or its text:

* a ``form`` around the whole page (ASP.NET WebForms puts every page inside
  one) or around the story (an "email this article" form), and a ``nav``,
  ``aside``, ``header``, ``footer`` or ``menu`` around the whole page (a template
  that opens its navigation and never closes it, a page built inside its side
  bar): these are furniture and dropped with their content, which dropped the
  article with them.  The feature: the element holds most of the page's text,
  and a form a paragraph of prose or the others text mostly outside links;
* an element HTML does not know (a custom element, a CMS's own tag, a dataset's
  ``<text>`` envelope): the sanitiser unwraps unknown tags, and html5ever drops
  some of them with their content;
* an inline element (``span``, ``font``, ``b`` ...) holding blocks (a blog
  post's body in a ``<span>``): read as inline it flattens its headings, lists
  and tables into one run of text.
"""

from __future__ import annotations

from lxml import etree

from .dom import HtmlElement, letters, link_density, text_content

#: Every element HTML defines (current and obsolete) that the reader may meet; anything else is a
#: custom or made-up element.
_KNOWN_NAMES = """
a abbr acronym address applet area article aside audio b base basefont bdi bdo big blink blockquote body br
button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em
embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html
i iframe img input ins isindex kbd keygen label legend li link listing main map mark marquee math menu menuitem
meta meter nav nobr noembed noframes noscript object ol optgroup option output p param picture plaintext pre
progress q rb rp rt rtc ruby s samp script search section select slot small source span strike strong style sub
summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp
"""
KNOWN = frozenset(_KNOWN_NAMES.split())

#: Inline elements that sometimes wrap whole blocks of an article.
INLINE_WRAPPERS = frozenset({"span", "font", "b", "i", "u", "em", "strong", "small", "big", "tt", "ins",
                             "nobr", "label", "a"})

#: Structure whose presence inside an inline wrapper makes the wrapper a block.  A bare ``div`` does
#: not count: widgets injected into running text (badges, inline-block buttons) are divs.
STRUCTURE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote",
                       "figure", "pre"})
#: Blocks that make an unknown element a block.
BLOCKS = STRUCTURE | {"div", "section", "article", "hr", "address", "center", "main", "header", "footer"}

#: A form holding at least this share of the page's text wraps the page rather than asking for input.
PAGE_FORM_SHARE = 0.5
#: Furniture elements that, holding most of the page's text, little of it in links, wrap the page
#: instead (a real navigation bar or footer is mostly links, whatever its size).
PAGE_WRAPPERS = frozenset({"nav", "aside", "header", "footer", "menu"})
PAGE_WRAPPER_LINKS = 0.5


def unwrap(root: HtmlElement) -> None:
    """Turn page-wide forms and landmarks, unknown elements and block-holding inline elements into ``div``."""
    body = root.find(".//body")
    scope = body if body is not None else root
    # A wrapper holds at least PAGE_FORM_SHARE of the page's text only if the page holds at most
    # 1 / PAGE_FORM_SHARE times the longest wrapper's: the page is read that far, no further
    # (it may be long, and scripts are still in it).
    lengths = {el: _length(el) for el in scope.iter("form", *PAGE_WRAPPERS)}
    total = _length(scope, max(lengths.values()) / PAGE_FORM_SHARE) if lengths else 0
    holders = _block_holders(scope, STRUCTURE)
    block_holders: set[HtmlElement] | None = None  # found when an unknown element is met (rare)
    for el in list(scope.iter(etree.Element)):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or ":" in tag:
            continue  # namespaced Word markup is cleanup's business
        if tag == "form":
            if total and _known(lengths, el) >= PAGE_FORM_SHARE * total or _holds_prose(el):
                el.tag = "div"
        elif tag in PAGE_WRAPPERS:
            if total and _known(lengths, el) >= PAGE_FORM_SHARE * total and link_density(el) < PAGE_WRAPPER_LINKS:
                el.tag = "div"
        elif tag not in KNOWN:
            if block_holders is None:
                block_holders = _block_holders(scope, BLOCKS)
            el.tag = "div" if el in block_holders else "span"
        elif tag in INLINE_WRAPPERS and el in holders:
            if tag == "a" and el.get("href"):
                continue  # a linked card: its link matters and the reader keeps its text
            el.tag = "div"


def _known(lengths: dict[HtmlElement, int], el: HtmlElement) -> int:
    return lengths[el] if el in lengths else _length(el)


def _block_holders(scope: HtmlElement, tags: frozenset[str]) -> set[HtmlElement]:
    """Every element with a block inside it (one walk up from each block, stopping at the first
    ancestor already known)."""
    holders: set[HtmlElement] = set()
    for el in scope.iter(*tags):
        for anc in el.iterancestors():
            if anc in holders:
                break
            holders.add(anc)
    return holders


#: A paragraph this long inside a form is text to read, not a field's label or help.
PROSE_CHARS = 200


def _holds_prose(form: HtmlElement) -> bool:
    """A form around an article (old CMSs wrap the story in their "email this" form)."""
    return any(_length(p) >= PROSE_CHARS for p in form.iter("p"))


def _length(el: HtmlElement, limit: float | None = None) -> int:
    """Characters of text other than white space (:func:`~.dom.letters`).  With ``limit``, the
    text is read only until it has more than ``limit`` of them, and the count so far returned."""
    if limit is not None:
        count = 0
        for piece in el.itertext():
            count += letters(piece)
            if count > limit:
                break
        return count
    return letters(text_content(el))

