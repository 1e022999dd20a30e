"""Point links inside the article at the anchors the ids pass gave, or unwrap them.

A page links to its own sections by their ids (``#History``); the ids pass
replaces those ids with clean, unique anchors, and elements that are not
headings, figures or tables keep no anchor at all.  A link left pointing
nowhere is an error in an EPUB and a dead end for a reader, so each ``#id``
link is re-pointed at the anchor made from the same id, or becomes plain text.
"""

from __future__ import annotations

from ..model import Article, Block, Figure, Heading, Inline, Link, Section, Span, Styled, Table
from ..textutil import inline_runs, walk_blocks
from .context import PassContext
from .ids import slug_id


def _anchors(article: Article) -> set[str]:
    found: set[str] = set()
    for block in walk_blocks(article.blocks):
        heading = block.heading if isinstance(block, Section) else block
        if isinstance(heading, Heading) and heading.id:
            found.add(heading.id)
        elif isinstance(block, (Figure, Table)) and block.id:
            found.add(block.id)
    return found


def _fix(nodes: list[Inline], anchors: set[str], ctx: PassContext, block: Block) -> None:
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if isinstance(node, Link) and node.href.startswith("#"):
            target = node.href[1:]
            candidates = [target, slug_id(target, "h"), slug_id(target, "fig"), slug_id(target, "table")]
            # "#" alone is the top of the page (a script's hook): no target in the article
            found = next((c for c in candidates if c in anchors), None) if target else None
            if found is None:
                nodes[i:i + 1] = node.children  # keep the words, drop the dead link
                ctx.diag("N002", f"link to #{target} inside the article has no target; kept as text",
                         node=block)
                continue
            node.href = "#" + found
        if isinstance(node, (Styled, Span, Link)):
            _fix(node.children, anchors, ctx, block)
        i += 1


def run(article: Article, ctx: PassContext) -> None:
    anchors = _anchors(article)
    for block in walk_blocks([*article.blocks, *(b for note in article.notes for b in note.children)]):
        for run_ in inline_runs(block):
            _fix(run_, anchors, ctx, block)
