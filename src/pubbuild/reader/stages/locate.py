"""Stage ``locate``: the element that holds the article.

On a web page the extractor (:mod:`..extract`, Readability's algorithm) finds it
and drops the furniture inside it on its way; a document (a fragment, a draft)
is tried too, its article kept only when it sits in a layout table's cell (a
table-built page, which then counts as a web page).  Otherwise the article is the
page's single ``article``, else its ``main``, else its body; there a word
processor's Title and Subtitle paragraphs and a byline near the top are
metadata and leave the body.  A page read whole is its body.
"""

from __future__ import annotations

from lxml import etree

from ...model import ArticleMeta
from .. import extract, metadata
from ..dom import HtmlElement, remove, text_content
from ..state import DOCUMENT, WEB_PAGE, WHOLE_PAGE, ReadState


def run(state: ReadState) -> None:
    """Set ``state.container`` (None when nothing was found)."""
    doc = state.doc
    assert doc is not None
    meta = state.meta
    if state.kind == WHOLE_PAGE:
        body = doc.find(".//body")
        state.container = body if body is not None else doc
        return
    found = None
    # A document is extracted only to find a table-built page's article in a layout table's
    # cell: without a table cell it is the article already, and extraction is not even tried.
    if state.kind == WEB_PAGE or state.kind == DOCUMENT and next(doc.iter("td"), None) is not None:
        found = extract.extract(doc, meta.title, furnished=state.kind == WEB_PAGE, declared=state.declared)
    if found is not None:
        state.container, byline, whole_page = found
        state.kind = WEB_PAGE  # a document found to be a table-built page is one
        if whole_page:
            state.ctx.diag("S012", "the article found held little of the page's text; the whole page "
                                   "was read without its furniture")
        if byline and not meta.authors:
            meta.authors = metadata.split_authors(byline)
        return
    state.container = main_element(doc)
    _take_title_style(state.container, meta)
    _take_byline(state.container, meta)


def main_element(root: HtmlElement) -> HtmlElement:
    """The element holding the article on a clean page: a single ``article``, else
    ``main``, else the body."""
    articles = list(root.iter("article"))
    if len(articles) == 1:
        return articles[0]
    main = next(root.iter("main"), None)
    if main is None:
        main = next((e for e in root.iter(etree.Element) if e.get("role") == "main"), None)
    if main is not None:
        return main
    body = root.find(".//body")
    return body if body is not None else root


def _take_byline(container: HtmlElement, meta: ArticleMeta) -> None:
    """A byline near the top ("By A · 2 May 2024") is metadata: the header shows it, so it
    leaves the body (on full pages the extractor does this on its way)."""
    for n, el in enumerate(container.iter("p", "div", "span", "address")):
        if n > 12:
            return
        text = metadata.clean(text_content(el))
        if len(text) > 100:
            return
        if extract.BYLINE.search(f"{el.get('class') or ''} {el.get('id') or ''}") and 0 < len(text) and \
                el.getparent() is not None:
            if not meta.authors:
                meta.authors = metadata.split_authors(text)
            if not meta.published:
                meta.published = next((metadata.iso_date(t.get("datetime")) for t in el.iter("time")), None)
            remove(el)
            return


def _take_title_style(container: HtmlElement, meta: ArticleMeta) -> None:
    """In an export (no page furniture), a paragraph in the word processor's Title style
    is the document's title, shown and meant; its Subtitle style the subtitle.  Both
    are metadata and leave the body."""
    for el in list(container.iter("p", "div"))[:9]:  # at the top of the document
        text = metadata.clean(text_content(el))
        if not text or len(text) > 200:
            continue
        cls = el.get('class') or ''
        if metadata.TITLE_STYLE.search(cls):
            meta.title = text
            remove(el)
        elif metadata.SUBTITLE_STYLE.search(cls) and not meta.subtitle:
            meta.subtitle = text
            remove(el)
