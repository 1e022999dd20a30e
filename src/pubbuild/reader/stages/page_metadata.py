"""Stage ``page_metadata``: what the page says about itself, read before anything is removed.

Title, authors, dates, language, site and address come from the whole page (its
head, its structured data, a word processor's document properties); the page's
``<base>`` and address then fix the base that relative addresses resolve against.
"""

from __future__ import annotations

from urllib.parse import urljoin

from .. import metadata
from ..state import ReadState


def run(state: ReadState) -> None:
    """Fill ``state.meta`` from the page and set the context's base address."""
    doc = state.doc
    assert doc is not None
    meta = metadata.page_metadata(doc)
    metadata.office_metadata(meta, doc, state.text)
    state.meta = meta
    ctx = state.ctx
    base = next((b.get("href") for b in doc.iter("base") if b.get("href")), None)
    if base and ctx.base_url:
        base = urljoin(ctx.base_url, base)
    ctx.base_url = base or ctx.base_url or meta.source_url
