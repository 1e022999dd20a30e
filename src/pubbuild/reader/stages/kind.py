"""Stage ``kind``: how the page is read, decided before any extraction.

A page with furniture markup (landmarks, furniture classes, a comment form, many
links) is a web page whose article must be located; a word processor's or
converter's export is already an article and is never extracted; anything else
(a fragment, a draft, a table-built page that names none of its parts) is a
document, read whole unless ``locate`` finds the table-built kind.  Passes read the
outcome from ``ArticleMeta.page_kind``.
"""

from __future__ import annotations

from .. import cleanup, extract
from ..state import DOCUMENT, EXPORT, WEB_PAGE, WHOLE_PAGE, ReadState


def run(state: ReadState) -> None:
    """Set ``state.kind``."""
    doc = state.doc
    assert doc is not None
    if state.whole:
        state.kind = WHOLE_PAGE
    elif extract.has_furniture(doc):
        state.kind = WEB_PAGE
    elif cleanup.is_export(doc):
        state.kind = EXPORT
    else:
        state.kind = DOCUMENT
