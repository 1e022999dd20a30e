"""Give every heading, figure and table an anchor unique in the article.

Tables of contents, note links and the PDF's bookmarks point at these anchors;
they must be valid XML ids and must not collide when articles are combined
(the backends prefix them with the article's slug).  Slugs hold only
``[a-z0-9-]``, so the notes pass's ``fn.N`` anchors can never collide with them.
"""

from __future__ import annotations

from .. import textutil
from ..model import Article, Figure, Heading, Section, Table
from ..textutil import plain_text, walk_blocks
from .context import PassContext


def slug_id(text: str, fallback: str) -> str:
    """An ASCII, XML-safe anchor from text (an XML name starts with a letter)."""
    slug = textutil.slug(text, 40)
    return slug if slug and slug[0].isalpha() else f"{fallback}-{slug}" if slug else fallback


def run(article: Article, ctx: PassContext) -> None:
    used: set[str] = set()

    def claim(wanted: str, fallback: str) -> str:
        base = slug_id(wanted, fallback) if wanted else fallback
        candidate, n = base, 2
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        return candidate

    for block in walk_blocks(article.blocks):
        heading = block.heading if isinstance(block, Section) else block
        if isinstance(heading, Heading):
            heading.id = claim(heading.id or plain_text(heading.children), "h")
        elif isinstance(block, Figure):
            block.id = claim(block.id, "fig")
        elif isinstance(block, Table):
            block.id = claim(block.id, "table")
