"""HTML to the document model: the stages of :mod:`.stages` over one :class:`.ReadState`.

:func:`read_html` runs the stages (parse, page metadata, page kind, strip, locate,
furniture, headline, convert).  When the article found converts to nothing although
the page has text, the page is read once more as a ``whole page`` (its body, without
its furniture elements): an article is empty only when its page is.  The converters
(tag -> model node) are in :mod:`.convert`; structural repairs happen after, in the
passes of :mod:`pubbuild.passes`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..diagnostics import Diagnostic
from ..model import Article
from .context import Context
from .stages import run_stages
from .stages.parse import MAX_CHARS, parse
from .state import ReadState


def read_html(text: str, source: Path | None, root: Path | None, diags: list[Diagnostic],
              base_url: str | None = None, *, line_map: Callable[[int], int] | None = None) -> Article:
    """Read article HTML: a full saved page, an export, a fragment or a Word file.

    ``line_map`` turns a line of ``text`` into a line of the file it was made from
    (Markdown rendered to HTML)."""
    start = len(diags)
    state = run_stages(ReadState(text, Context(base_url, source, root, diags, line_map)))
    if not state.blocks and state.has_text:
        # The first reading's findings give way to the second's, S012 saying what happened.
        del diags[start:]
        ctx = Context(base_url, source, root, diags, line_map)
        ctx.diag("S012", "the article found was empty although the page has text; the whole page was "
                         "read without its furniture")
        state = run_stages(ReadState(text, ctx, whole=True))
    if not state.blocks:
        state.ctx.diag("S002", "no article content found on the page")
    state.meta.page_kind = state.kind
    return Article(meta=state.meta, blocks=state.blocks, notes=state.notes, source=source, diagnostics=diags)


__all__ = ["MAX_CHARS", "Context", "parse", "read_html"]
