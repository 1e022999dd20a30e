"""Make body headings a hierarchy that starts at 1 and skips no level.

Pages use ``h2`` for their first body heading (the ``h1`` is the title), or jump
from ``h2`` to ``h4``; screen-reader users navigate by level, so a skipped
level reads as a missing section.  Levels are shifted so the shallowest is 1 and
each heading is at most one deeper than the one before.
"""

from __future__ import annotations

from ..model import Article, Heading
from ..textutil import plain_text, walk_blocks
from .context import PassContext


def run(article: Article, ctx: PassContext) -> None:
    headings = [b for b in walk_blocks(article.blocks) if isinstance(b, Heading)]
    if not headings:
        return
    top = min(h.level for h in headings)
    previous = 0
    stack: dict[int, int] = {}  # source level -> repaired level
    for h in headings:
        source = h.level
        # the repaired level of the nearest shallower source level, plus one
        parents = [lvl for src, lvl in stack.items() if src < source]
        level = (max(parents) + 1) if parents else 1
        level = min(level, previous + 1, 6)
        if source - top + 1 != level:
            ctx.diag("H001", f"heading {plain_text(h.children)[:60]!r} moved from level "
                     f"{source - top + 1} to {level}", node=h)
        stack = {src: lvl for src, lvl in stack.items() if src < source}
        stack[source] = level
        h.level = level
        previous = level
