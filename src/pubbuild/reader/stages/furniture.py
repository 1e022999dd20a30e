"""Stage ``furniture``: the page furniture left around the article goes.

On a web page the extractor has cleaned the article on its way; a page read whole
loses its furniture elements (``nav``, ``aside``, ``footer``, ``form``, ``dialog``,
``menu``); a document loses only its site's own navigation (breadcrumbs, "Back to
..." links, "last updated" footers); an export is left as it is.
"""

from __future__ import annotations

from .. import extract
from .. import furniture as rules
from ..dom import remove
from ..state import EXPORT, WEB_PAGE, WHOLE_PAGE, ReadState


def run(state: ReadState) -> None:
    """Remove the furniture around ``state.container``."""
    container = state.container
    if container is None:
        return
    if state.kind == WHOLE_PAGE:
        for el in list(container.iter(*extract.FURNITURE_TAGS)):
            remove(el)
    elif state.kind not in (WEB_PAGE, EXPORT):
        rules.clean_unfurnished(container)
