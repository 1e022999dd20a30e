"""Link notes and their references both ways, numbered in reading order.

Readers move footnotes out of the body into ``Article.notes``.  This pass
numbers them in the order they are first referred to, gives every reference an
anchor so the note can link back, drops notes nothing refers to only when they
are empty, and turns a reference to a missing note into plain superscript text
(with a diagnostic), so no link points nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Article, Block, Inline, Link, NoteRef, Span, Styled, Text
from ..textutil import inline_runs, walk_blocks
from .context import PassContext


def _refs(article: Article) -> Iterator[tuple[list[Inline], int, NoteRef, Block]]:
    """(list, index, ref, block) for every note reference, in reading order."""
    def scan(nodes: list[Inline], block: Block) -> Iterator[tuple[list[Inline], int, NoteRef, Block]]:
        for i, node in enumerate(nodes):
            if isinstance(node, NoteRef):
                yield nodes, i, node, block
            elif isinstance(node, (Styled, Span, Link)):
                yield from scan(node.children, block)

    for block in walk_blocks(article.blocks):
        for run in inline_runs(block):
            yield from scan(run, block)


def run(article: Article, ctx: PassContext) -> None:
    notes = {n.id: n for n in article.notes}
    order: dict[str, None] = {}  # an ordered set: thousands of notes stay linear
    for nodes, i, ref, block in list(_refs(article)):
        note = notes.get(ref.note_id)
        if note is None:
            ctx.diag("N001", f"note reference {ref.label!r} points to missing #{ref.note_id}", node=block)
            nodes[i] = Styled("sup", [Text(ref.label)])
            continue
        order.setdefault(ref.note_id)
        note.ref_ids.append("")
        ref.id = str(len(note.ref_ids))  # provisional: the n-th reference to this note
    ordered = [notes[i] for i in order] + [n for n in article.notes if n.id not in order and n.children]
    for number, note in enumerate(ordered, 1):
        note.label = str(number)
        note.ref_ids = [f"fnref.{number}.{k}" for k in range(1, len(note.ref_ids) + 1)]
    for nodes, i, ref, _block in _refs(article):
        note = notes[ref.note_id]
        ref.label = note.label
        ref.id = f"fnref.{note.label}.{ref.id}"
        ref.note_id = f"fn.{note.label}"
    for note in ordered:
        note.id = f"fn.{note.label}"
    article.notes = ordered
