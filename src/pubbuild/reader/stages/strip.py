"""Stage ``strip``: what is never content leaves the page, whatever its kind.

Math becomes its text; wrappers that hide structure (a page-wide ``form``, unknown
elements, inline elements holding blocks) become ``div``; scripts, styles and other
elements the sanitiser would drop go with their content; hidden and screen-only
elements go; a word processor's cruft is cleaned.  What is left says whether the
page has text at all.
"""

from __future__ import annotations

import re

from lxml import etree

from .. import cleanup, extract, wrappers
from ..dom import HtmlElement, has_words, remove
from ..sanitize import DROP
from ..state import ReadState

#: Classes that mark content as screen-only furniture, never printed.
_NOPRINT = re.compile(r"(^|\s)(noprint|no-print|d-print-none|hidden-print|print-hidden|screen-only)(\s|$)",
                      re.IGNORECASE)


def run(state: ReadState) -> None:
    """Strip ``state.doc`` and set ``state.has_text``."""
    doc = state.doc
    assert doc is not None
    cleanup.math_to_text(doc)
    cleanup.ruby_to_text(doc)
    wrappers.unwrap(doc)
    for el in list(doc.iter(*DROP - {"head", "title", "meta", "link", "base"})):
        remove(el)
    # One list of the elements serves both walks below: the cleanup's rewrites touch only an
    # element and its own children, so those met inside a hidden element already removed change
    # nothing in the page (and the page's walk once less is 3% of this stage).
    elements = list(doc.iter(etree.Element))
    for el in [e for e in elements if _hidden(e)]:
        if el.getparent() is not None:  # hidden or screen-only: not part of the publication
            remove(el)
    cleanup.clean(doc, elements)
    body = doc.find(".//body")
    state.has_text = has_words(body if body is not None else doc)


def _hidden(el: HtmlElement) -> bool:
    """Hidden (a hiding style, ``hidden``, ``aria-hidden`` except on a fallback image) or
    screen-only.  One function reading each attribute once: it runs on every element."""
    style = el.get("style")
    if style is not None and extract.HIDDEN_STYLE.search(style):
        return True
    if el.get("hidden") is not None:
        return True
    cls = el.get("class")
    if el.get("aria-hidden") == "true" and "fallback-image" not in (cls or ""):
        return True
    return cls is not None and "print" in cls.lower() and bool(_NOPRINT.search(cls))
