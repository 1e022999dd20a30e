"""Stage ``declared``: what a web page declares as its article body, read before scripts go.

The JSON-LD ``articleBody`` lives in a script, which ``strip`` removes; the microdata
mark (``itemprop="articleBody"``) stays on its element, so only its presence is
noted here.  ``locate`` weighs both (:mod:`..declared`).  Only web pages are looked
at: the others are not extracted, or (a table-built page) predate schema.org.
"""

from __future__ import annotations

from .. import declared
from ..state import WEB_PAGE, ReadState


def run(state: ReadState) -> None:
    """Set ``state.declared``."""
    if state.kind == WEB_PAGE:
        assert state.doc is not None
        state.declared = declared.declaration(state.doc, state.text)
