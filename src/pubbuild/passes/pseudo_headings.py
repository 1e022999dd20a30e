"""Promote pseudo-headings to headings.

Authors without a heading style make headings by hand: a short line, in bold
or title-like, ending in a colon that introduces the prose after it ("Steps
to Resolve the Conflict:"); and, in documents written without web page
furniture (exports, Word and Google Docs files), a short bold-only paragraph.
Screen-reader users navigate by headings and a table of contents is built from
them, so these become real headings (without the colon), one level below the
last real heading.

On a web page (a CMS had heading styles to offer) a lone bold line *without*
a colon is as often a lead-in, a pull-out or emphasis as a heading; there the
evidence must be clearer: three or more such lines, each short, without a
closing full stop, each followed by a paragraph of body text (parallel, as
headings are).  Measured (``bench/normalize_bench.py``): with two lines the
rule also fired on two Readability pages whose two bold subheads the
Readability ground truth keeps as bold, and heading agreement fell from 0.914
to 0.888; with three it is unchanged, and on the 600 Dragnet, L3S and
CleanEval pages it fires on 10, nearly all real subheads.  A colon line
followed directly by a list or a quotation is that list's lead-in sentence,
not a heading.
"""

from __future__ import annotations

import re

from ..model import Article, Block, Heading, LineBreak, Link, Paragraph, Styled, Text
from ..textutil import plain_text
from .context import PassContext
from .inlinetools import rstrip_chars

MAX_WORDS = 12
MAX_CHARS = 100
SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by",
               "from", "vs", "de", "la", "le", "et", "und", "der", "die", "das"}


def _bold_only(p: Paragraph) -> bool:
    kids = [k for k in p.children if not (isinstance(k, Text) and not k.text.strip(" :"))]
    return len(kids) == 1 and isinstance(kids[0], Styled) and kids[0].kind in ("strong", "b") \
        and not any(isinstance(n, (LineBreak, Link)) for n in kids[0].children)


def _title_like(text: str) -> bool:
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or not words[0][0].isupper():
        return False
    big = [w for w in words if w.lower() not in SMALL_WORDS]
    return bool(big) and sum(w[0].isupper() for w in big) / len(big) >= 0.6


def is_pseudo_heading(p: Paragraph, following: Block | None, bold_alone: bool = False) -> bool:
    if following is None or any(isinstance(k, (LineBreak, Link)) for k in p.children):
        return False
    text = plain_text(p.children).strip()
    if not text or len(text) > MAX_CHARS or len(text.split()) > MAX_WORDS:
        return False
    if re.search(r"[.!?;,]\s*\S", text) or text[-1] in ".!?;,\"”'’)":
        return False  # a sentence, not a title
    if not isinstance(following, Paragraph):
        return False
    if not text.endswith(":"):
        return bold_alone and _bold_only(p)
    return _bold_only(p) or (len(text.split()) <= 8 and _title_like(text[:-1]))


#: Shortest paragraph counted as the body text a web-page pseudo-heading introduces.
BODY_CHARS = 80
#: How many parallel bold lines a web page needs before they are taken as headings.
MIN_PARALLEL = 3


def _parallel_bold(blocks: list[Block]) -> set[int]:
    """On a web page: the bold-only lines that head the body text below them, when there
    are :data:`MIN_PARALLEL` or more of them side by side in the article (parallel, as
    headings are).  A lone bold line is as often a lead-in or a pull-out as a heading."""
    found = []
    for i, block in enumerate(blocks[:-1]):
        following = blocks[i + 1]
        if isinstance(block, Paragraph) and _bold_only(block) \
                and is_pseudo_heading(block, following, bold_alone=True) \
                and isinstance(following, Paragraph) and not _bold_only(following) \
                and len(plain_text(following.children)) >= BODY_CHARS:
            found.append(i)
    return set(found) if len(found) >= MIN_PARALLEL else set()


def promote(blocks: list[Block], ctx: PassContext, bold_alone: bool = False) -> list[Block]:
    out: list[Block] = []
    parallel = set() if bold_alone else _parallel_bold(blocks)
    last_real: int | None = None
    real_levels = [b.level for b in blocks if isinstance(b, Heading)]
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            last_real = block.level
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, Paragraph) and is_pseudo_heading(block, following, bold_alone or i in parallel) \
                and not isinstance(following, Heading):
            kids = block.children
            if _bold_only(block):
                kids = next(k for k in kids if isinstance(k, Styled)).children
            kids = rstrip_chars(list(kids), ":")
            level = last_real + 1 if last_real else (min(real_levels) if real_levels else 1)
            ctx.diag("H002", f"{plain_text(kids)[:60]!r} promoted to a heading", node=block)
            out.append(Heading(level=min(level, 6), children=kids, lang=block.lang, line=block.line))
            continue
        out.append(block)
    return out


def run(article: Article, ctx: PassContext) -> None:
    # A document without page furniture (an export, a Word or Docs file: not a web page whose
    # article was located) was written where bold was the only way to mark a heading.
    web_page = article.meta.page_kind == "web page"
    article.blocks = promote(article.blocks, ctx, bold_alone=not web_page)
