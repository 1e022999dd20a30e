"""Stage ``headline``: the article's title, subtitle and the tidied metadata.

The title is metadata, shown in the article's header: the first ``h1`` (or the
first heading that repeats the title) leaves the body; so does a subtitle found at
the top of the article.  An article with nothing left in it stops the reader here.
"""

from __future__ import annotations

import re

from ...model import ArticleMeta
from .. import extract, metadata
from ..dom import HtmlElement, remove, text_content
from ..state import ReadState


def run(state: ReadState) -> None:
    """Tidy ``state.meta``; take the title and subtitle out of ``state.container``."""
    meta = state.meta
    metadata.tidy(meta)
    container = state.container
    if container is None or not text_content(container).strip() and container.find(".//img") is None:
        state.stop = True
        return
    title_el = state.doc.find(".//title") if state.doc is not None else None
    page_title = metadata.clean(text_content(title_el)) if title_el is not None else ""
    _take_title(container, meta, _names_site(page_title, meta))
    sub = metadata.find_subtitle(container)
    if sub is not None:
        if not meta.subtitle:
            meta.subtitle = metadata.clean(text_content(sub))
        if metadata.clean(text_content(sub)) == meta.subtitle:
            remove(sub)


def _take_title(container: HtmlElement, meta: ArticleMeta, title_names_site: bool = False) -> None:
    """The article title is metadata: the first ``h1`` (or the first heading matching the
    title) leaves the body.  An ``h1`` unlike the page's title stays: it is then a
    heading of the body (Readability's rule too), unless the page's ``<title>`` adds the
    site's name and the ``h1`` opens the article: then the ``<title>`` is the site's label
    for the page, and the ``h1`` the article's own headline."""
    h1 = next(container.iter("h1"), None)
    if h1 is not None:
        heading = metadata.clean(text_content(h1))
        if not meta.title or _similar(heading, meta.title) or (
                title_names_site and extract.similar(heading, meta.title) >= HEADLINE_OVERLAP
                and _opens(container, h1)):
            meta.title = heading
            remove(h1)
            return
    if meta.title:
        for h in container.iter("h1", "h2", "h3"):
            if _is_title(metadata.clean(text_content(h)), meta.title):
                remove(h)  # the title again, as the first heading of the body
            break



#: Share of words an ``h1`` shares with the page's title to be its headline rather than a
#: section's or the site's label (which share none: "Gear & Gadgets", "Music from this release").
HEADLINE_OVERLAP = 0.3
#: Text allowed before a headline that opens the article (a kicker, a section label).
OPENING_CHARS = 100


def _opens(container: HtmlElement, h1: HtmlElement) -> bool:
    """Whether ``h1`` comes before any of the article's text but a short label."""
    seen = len((container.text or "").strip())
    for el in container.iterdescendants():
        if el is h1:
            return True
        seen += len((el.text or "").strip()) + len((el.tail or "").strip())
        if seen > OPENING_CHARS:
            return False
    return False


def _names_site(page_title: str, meta: ArticleMeta) -> bool:
    """Whether the page's ``<title>`` is the article's title with the site's name added."""
    return bool(page_title) and metadata.without_site(page_title, meta.site_name, meta.source_url) != page_title


def _is_title(heading: str, title: str) -> bool:
    """``heading`` is the title: the same words, or the title is the heading plus a site name."""
    h, t = heading.lower().strip(), title.lower().strip()
    if not h:
        return False
    if h == t or extract.similar(h, t) > 0.75:
        return True
    return t.startswith(h) and re.match(r"\s*[|\-–—:·»/]\s", t[len(h):]) is not None


def _similar(a: str, b: str) -> bool:
    a, b = a.lower().strip(), b.lower().strip()
    return bool(a) and (a == b or a in b or b in a or extract.similar(a, b) > 0.75)
