"""Bound what one article may ask of a backend: title length, text length, notes.

A page can be valid HTML and still unprintable: a title of megabytes, a page of
millions of words or ten thousand footnotes cost the PDF layout minutes and
gigabytes, and no reader is served by them.  This pass cuts the title (``L002``)
and the text (``L004``) to a limit, keeping the beginning, and keeps notes past a
limit as plain text (``L003``), saying so, so the build goes on with an output of
bounded size.  It runs last, on the numbered notes.  The source's size
(``reader.MAX_BYTES``), the page (``reader.stages.parse.MAX_CHARS``) and table rows
(``reader.convert.MAX_TABLE_ROWS``, ``L001``) are bounded in the reader, before they
cost anything.
"""

from __future__ import annotations

from ..model import Article, Paragraph, Section, Styled, Text
from ..textutil import block_text, plain_text
from .notes import _refs

#: Longest title or subtitle kept, in characters (a long headline is ~120).
MAX_TITLE = 300
#: Most notes linked as notes; later ones are kept as plain paragraphs at the end.
MAX_NOTES = 2000
#: Most characters of body text kept (about 400 printed pages; a long report has 200,000).
MAX_TEXT = 1_000_000


def run(article: Article, ctx) -> None:
    _titles(article, ctx)
    article.blocks, left, at = _cut(article.blocks, MAX_TEXT)
    if left < 0:
        ctx.diag("L004", f"text longer than {MAX_TEXT:,} characters; the rest is left out", node=at)
        _drop_orphan_notes(article)
    if len(article.notes) > MAX_NOTES:
        _unlink_notes(article, ctx)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "\u2026"


def _titles(article: Article, ctx) -> None:
    meta = article.meta
    for name in ("title", "subtitle"):
        value = getattr(meta, name)
        if value and len(value) > MAX_TITLE:
            setattr(meta, name, shorten(value, MAX_TITLE))
            ctx.diag("L002", f"{name} of {len(value):,} characters shortened to {MAX_TITLE}")


def _cut(blocks: list, budget: int) -> tuple[list, int, object]:
    """The blocks whose text fits in ``budget`` characters, the budget left (negative
    when something was cut) and the block where the text was cut.  Sections are entered,
    so one huge section is cut inside."""
    for i, block in enumerate(blocks):
        if isinstance(block, Section):
            budget -= len(plain_text(block.heading.children))
            block.children, budget, at = _cut(block.children, budget)
            if budget < 0:
                return blocks[: i + 1], budget, at or block
            continue
        budget -= len(block_text([block]))
        if budget < 0:
            return blocks[:i], budget, block
    return blocks, budget, None


def _drop_orphan_notes(article: Article) -> None:
    """Notes whose references were cut go with them; kept notes link back only to the
    references that are still there."""
    present: dict[str, set[str]] = {}
    for _, _, ref, _ in _refs(article):
        present.setdefault(ref.note_id, set()).add(ref.id)
    article.notes = [n for n in article.notes if n.id in present]
    for note in article.notes:
        note.ref_ids = [r for r in note.ref_ids if r in present[note.id]]


def _unlink_notes(article: Article, ctx) -> None:
    """Notes past :data:`MAX_NOTES` become numbered paragraphs after the text and their
    references plain superscript numbers: nothing is lost, but only the first notes
    cost the layout a link pair each."""
    kept, rest = article.notes[:MAX_NOTES], article.notes[MAX_NOTES:]
    moved = {n.id for n in rest}
    for nodes, i, ref, _ in list(_refs(article)):
        if ref.note_id in moved:
            nodes[i] = Styled("sup", [Text(ref.label)])
    for note in rest:
        first = note.children[0] if note.children else None
        if isinstance(first, Paragraph):
            first.children.insert(0, Text(f"[{note.label}] "))
        else:
            article.blocks.append(Paragraph([Text(f"[{note.label}]")]))
        article.blocks.extend(note.children)
    article.notes = kept
    ctx.diag("L003", f"{len(kept) + len(rest):,} notes: the first {MAX_NOTES:,} linked as notes, "
                     f"{len(rest):,} kept as plain text after the article", node=rest[0])
