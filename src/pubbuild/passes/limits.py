"""Bound what one article may ask of a backend: title length, text length, notes, table cells.

A page can be valid HTML and still unprintable: a title of megabytes, a page of
millions of words or ten thousand footnotes cost the PDF layout minutes and
gigabytes, and no reader is served by them.  This pass cuts the title (``L002``)
and the text (``L004``) to a limit, keeping the beginning, and keeps notes past a
limit as plain text (``L003``), saying so, so the build goes on with an output of
bounded size.  It runs last, on the numbered notes.  The source's size
(``reader.MAX_BYTES``), the page (``reader.stages.parse.MAX_CHARS``) and table rows
(``reader.convert.MAX_TABLE_ROWS``, ``L001``) are bounded in the reader, before they
cost anything; the cells of a table here (``L006``): 2,000 rows of 100 cells cost the
PDF 214 s and 5.3 GB, one row of 20,000 cells 56 s and 2.1 GB.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..model import Article, Block, Paragraph, Row, Section, Styled, Table, Text
from ..reader.decode import XML_INVALID, scrub
from ..textutil import block_text, field_names, model_nodes, plain_text, walk_blocks
from .context import PassContext
from .notes import _refs

#: Longest title or subtitle kept, in characters (a long headline is ~120).
MAX_TITLE = 300
#: Most notes linked as notes; later ones are kept as plain paragraphs at the end.  Each
#: linked note costs the PDF a link pair, a back link and their tags: 1,200 notes took 41 s
#: against 12 s for 300 (2 cores at load 12), so a thousand keeps that under half a minute.
MAX_NOTES = 1000
#: Most characters of body text kept (about 400 printed pages; a long report has 200,000).
MAX_TEXT = 1_000_000
#: Longest editor's note or introduction in the manifest, in characters (about eight pages);
#: a longer one is a manifest error (exit 2): a megabyte of note cost the PDF 98 s.
MAX_PROSE = 20_000
#: Most columns one table row may span (a wide statistical table has 30); cells past them go.
MAX_COLUMNS = 100
#: Most cells one table may hold (2,000 rows of 10 columns); rows past them go.
MAX_CELLS = 20_000


def run(article: Article, ctx: PassContext) -> None:
    _scrub_strings(article, ctx)
    _titles(article, ctx)
    # Notes past the limit become text first, so that the text limit counts them too (cut
    # after, they added any amount of text past it: 10,000 notes cost the PDF 295 s).
    if len(article.notes) > MAX_NOTES:
        _unlink_notes(article, ctx)
    article.blocks, left, at = _cut(article.blocks, MAX_TEXT)
    if left < 0:
        ctx.diag("L004", f"text longer than {MAX_TEXT:,} characters; the rest is left out", node=at)
        _drop_orphan_notes(article)
    cut = [_bound_table(b, ctx) for b in list(walk_blocks(article.blocks)) if isinstance(b, Table)]
    if any(cut):
        _drop_orphan_notes(article)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "\u2026"


def _titles(article: Article, ctx: PassContext) -> None:
    meta = article.meta
    for name in ("title", "subtitle"):
        value = getattr(meta, name)
        if value and len(value) > MAX_TITLE:
            setattr(meta, name, shorten(value, MAX_TITLE))
            ctx.diag("L002", f"{name} of {len(value):,} characters shortened to {MAX_TITLE}")


def _cut(blocks: list[Block], budget: int) -> tuple[list[Block], int, Block | None]:
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


def _unlink_notes(article: Article, ctx: PassContext) -> None:
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


def _bound_table(table: Table, ctx: PassContext) -> bool:
    """Rows cut to :data:`MAX_COLUMNS` columns (a span reaching past them shortened) and
    the table to :data:`MAX_CELLS` cells, head rows first; said once per table (``L006``).
    Whether anything was cut."""
    narrowed = sum(_narrow(row) for row in table.head + table.body + table.foot)
    budget, cut = MAX_CELLS, 0
    for part in ("head", "foot", "body"):  # a head and a foot are kept before body rows
        rows: list[Row] = getattr(table, part)
        for i, row in enumerate(rows):
            budget -= len(row.cells)
            if budget < 0:
                cut += len(rows) - i
                setattr(table, part, rows[:i])
                break
    if narrowed or cut:
        found = ", ".join(f for f in (f"{narrowed:,} rows wider than {MAX_COLUMNS} columns cut"
                                      if narrowed else "",
                                      f"{cut:,} rows past {MAX_CELLS:,} cells left out" if cut else "") if f)
        ctx.diag("L006", f"table too large: {found}", node=table)
    return bool(narrowed or cut)


def _narrow(row: Row) -> bool:
    """Cut ``row`` to :data:`MAX_COLUMNS` columns; whether anything was cut."""
    width = 0
    for i, cell in enumerate(row.cells):
        if width + cell.colspan > MAX_COLUMNS:
            if width < MAX_COLUMNS:
                cell.colspan = MAX_COLUMNS - width
                i += 1
            del row.cells[i:]
            return True
        width += cell.colspan
    return False


def _scrub_strings(article: Article, ctx: PassContext) -> None:
    """Characters XML cannot carry out of every string of the model (``S010``).  The page's
    text was cleaned when decoded, but metadata decoded again after that (JSON-LD's
    ``"\\u0000"`` and ``"\\ud800"`` escapes) was not, and stopped the writers."""
    found = 0
    for node in model_nodes(article):
        if isinstance(node, Diagnostic):
            continue
        for name in field_names(type(node)) or ():
            value = getattr(node, name)
            if isinstance(value, str):
                if XML_INVALID.search(value) is None:
                    continue  # (nearly every string: no call, no tuple)
                clean, removed = scrub(value)
                if removed:
                    setattr(node, name, clean)
                    found += removed
            elif isinstance(value, list) and value and isinstance(value[0], str) \
                    and all(isinstance(v, str) for v in value):  # (a list of nodes fails at once)
                cleaned = [scrub(v) for v in value]
                if any(n for _, n in cleaned):
                    setattr(node, name, [c for c, _ in cleaned])
                    found += sum(n for _, n in cleaned)
    if found:
        ctx.diag("S010", f"{found} control characters or lone surrogates removed from the page's metadata")
