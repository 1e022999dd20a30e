"""Bound what one article may ask of a backend: title length and notes.

A page can be valid HTML and still unprintable: a title of megabytes or ten
thousand footnotes cost the PDF layout minutes and gigabytes, and no reader is
served by them.  This pass cuts the title to a limit (``L002``) and keeps notes
past a limit as plain text (``L003``), saying so, so the build goes on with an
output of bounded size.  It runs last, on the numbered notes.  The source's size
(``reader.MAX_BYTES``) and table rows (``reader.html.MAX_TABLE_ROWS``, ``L001``)
are bounded in the reader, before they cost anything.
"""

from __future__ import annotations

from ..model import Article, Paragraph, Styled, Text
from .notes import _refs

#: Longest title or subtitle kept, in characters (a long headline is ~120).
MAX_TITLE = 300
#: Most notes linked as notes; later ones are kept as plain paragraphs at the end.
MAX_NOTES = 2000


def run(article: Article, ctx) -> None:
    _titles(article, ctx)
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


def _unlink_notes(article: Article, ctx) -> None:
    """Notes past :data:`MAX_NOTES` become numbered paragraphs after the text and their
    references plain superscript numbers: nothing is lost, but only the first notes
    cost the layout a link pair each."""
    kept, rest = article.notes[:MAX_NOTES], article.notes[MAX_NOTES:]
    moved = {n.id for n in rest}
    for nodes, i, ref in list(_refs(article)):
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
                     f"{len(rest):,} kept as plain text after the article")
