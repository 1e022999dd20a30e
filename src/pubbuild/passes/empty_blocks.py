"""Drop blocks that hold nothing a reader can perceive.

Word processors and CMS editors leave empty paragraphs (``<p>&nbsp;</p>``),
empty list items and tables with no cells; in a publication they become
stray vertical gaps, and screen readers announce "blank" or an empty list.
"""

from __future__ import annotations

from ..model import Article, Block, Figure, InlineImage, List, Paragraph, Quote, Table
from ..textutil import plain_text, walk_inlines
from .context import PassContext


def _empty_paragraph(p: Paragraph) -> bool:
    if plain_text(p.children).strip():
        return False
    return not any(isinstance(n, InlineImage) for n in walk_inlines(p.children))


def clean(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph) and _empty_paragraph(block):
            continue
        if isinstance(block, List):
            for item in block.items:
                item.children = clean(item.children)
            block.items = [i for i in block.items if i.children]
            if not block.items:
                continue
        elif isinstance(block, Quote):
            block.children = clean(block.children)
            if not block.children:
                continue
        elif isinstance(block, Figure) and not block.images or isinstance(block, Table) and not (block.head or block.body or block.foot):
            continue
        out.append(block)
    return out


def run(article: Article, ctx: PassContext) -> None:
    article.blocks = clean(article.blocks)
