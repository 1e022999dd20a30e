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
    _take_title(container, meta)
    sub = metadata.find_subtitle(container)
    if sub is not None:
        if not meta.subtitle:
            meta.subtitle = metadata.clean(text_content(sub))
        if metadata.clean(text_content(sub)) == meta.subtitle:
            remove(sub)


def _take_title(container: HtmlElement, meta: ArticleMeta) -> None:
    """The article title is metadata: the first ``h1`` (or the first heading matching the
    title) leaves the body.  An ``h1`` unlike the page's title stays: it is then a
    heading of the body (Readability's rule too)."""
    h1 = next(container.iter("h1"), None)
    if h1 is not None:
        heading = metadata.clean(text_content(h1))
        if not meta.title or _similar(heading, meta.title):
            meta.title = heading
            remove(h1)
            return
    if meta.title:
        for h in container.iter("h1", "h2", "h3"):
            if _is_title(metadata.clean(text_content(h)), meta.title):
                remove(h)  # the title again, as the first heading of the body
            break



#####REFUSE
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
