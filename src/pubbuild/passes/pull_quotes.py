"""Drop pull quotes: block quotes that repeat a sentence of the article itself.

Magazines set a sentence of the body again in large type as decoration.  In
a linear publication the reader meets it twice, once out of context; a
screen reader reads it twice.  A real quotation is not already in the body,
so it stays.
"""

from __future__ import annotations

import re

from ..model import Article, Block, Quote
from ..textutil import block_text
from .context import PassContext

_NORM = re.compile(r"[\W_]+")
MIN_CHARS = 25


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def run(article: Article, ctx: PassContext) -> None:
    quotes = [b for b in article.blocks if isinstance(b, Quote)]
    if not quotes:
        return
    body = _norm(block_text([b for b in article.blocks if not isinstance(b, Quote)], " "))
    keep: list[Block] = []
    for block in article.blocks:
        if isinstance(block, Quote):
            text = _norm(block_text(block.children, " "))
            if len(text) >= MIN_CHARS and text in body:
                ctx.diag("S008", f"pull quote {text[:50]!r} repeats the body text; removed", node=block)
                continue
        keep.append(block)
    article.blocks = keep
