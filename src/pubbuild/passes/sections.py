"""Group each heading with its content into nested :class:`Section` nodes.

Backends render sections as ``<section>`` elements, which gives reading systems
and the PDF structure tree the article's outline; the table of contents is
built from them.  Headings inside lists, quotes and tables stay where they are.
"""

from __future__ import annotations

from ..model import Article, Block, Heading, Section
from .context import PassContext


def run(article: Article, ctx: PassContext) -> None:
    article.blocks = sectionize(article.blocks)


def sectionize(blocks: list[Block]) -> list[Block]:
    """Nest a flat block list by heading level."""
    root: list[Block] = []
    stack: list[Section] = []
    for block in blocks:
        if isinstance(block, Heading):
            while stack and stack[-1].heading.level >= block.level:
                stack.pop()
            section = Section(block, [], lang=block.lang, line=block.line)
            (stack[-1].children if stack else root).append(section)
            stack.append(section)
        else:
            (stack[-1].children if stack else root).append(block)
    return root
