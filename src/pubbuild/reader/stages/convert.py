"""Stage ``convert``: the article container to the document model.

Words that touch only by style are set apart (:mod:`..spacing`); ``file:``
addresses are reported; the container passes the nh3 allow-list and is parsed
again; its footnotes move out of the body into notes; the rest maps onto the
model's closed vocabulary through the converter tables of :mod:`..convert`.
"""

from __future__ import annotations

from lxml import etree

from .. import spacing
from ..context import Context
from ..convert import blocks, extract_notes
from ..dom import HtmlElement
from ..sanitize import sanitize
from ..state import WEB_PAGE, ReadState
from .parse import fromstring


def run(state: ReadState) -> None:
    """Set ``state.blocks`` and ``state.notes`` from ``state.container``."""
    container = state.container
    assert container is not None
    ctx = state.ctx
    if state.kind == WEB_PAGE:
        ctx.diag("S003", "page furniture removed (menus, sidebars, comments, share buttons)")
    spacing.separate(container)
    html = _serialized(container)
    if "file:" in html.lower():  # (no attribute can start with it otherwise: skip the walk)
        _refuse_file_urls(container, ctx)
    frag = _sanitized(html)
    state.notes = extract_notes(frag, ctx)
    state.blocks = blocks(frag, ctx)
    state.stop = not state.blocks


def _refuse_file_urls(container: HtmlElement, ctx: Context) -> None:
    """``file:`` URLs never reach the output (the sanitiser drops the scheme); say so,
    since a page pointing at local files outside the project is worth knowing about."""
    for el in container.iter(etree.Element):
        for name in ("src", "href", "data-src", "srcset"):
            value = (el.get(name) or "").strip()
            if value[:5].lower() == "file:":
                ctx.diag("S006", f"{el.tag} {name} {value[:120]!r} is a local file URL; refused", el)


def _serialized(container: HtmlElement) -> str:
    """The container as HTML, each element with its source line (``data-line``)."""
    for el in container.iter(etree.Element):
        if el.sourceline:
            el.set("data-line", str(el.sourceline))
    return str(etree.tostring(container, encoding="unicode", method="html"))


def _sanitized(html: str) -> HtmlElement:
    """The container's HTML through the nh3 allow-list, re-parsed."""
    clean = sanitize(html)
    parser = etree.HTMLParser(huge_tree=True, remove_comments=True)
    root = fromstring(f"<html><body><div>{clean}</div></body></html>", parser)
    frag = root.find("body/div")
    return frag if frag is not None else root
