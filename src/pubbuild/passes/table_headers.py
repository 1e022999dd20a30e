"""Say which table cells are headers (WCAG 1.3.1), as sighted readers take them.

Pages mark header cells with ``th`` less often than they show them: a first row
of header cells is the table's head; a first row (or column) whose every cell is
wholly bold or emphasised, in a table with more rows (or columns), is one too;
and every header cell says what it heads (``scope``), so a screen reader can
announce it with each cell.  A structural repair of the model, so a pass: the
reader only says which cells its source marked.
"""

from __future__ import annotations

from typing import Literal

from ..model import Article, Block, Cell, Inline, Note, Paragraph, Styled, Table, Text
from ..textutil import plain_text, walk_blocks


def run(article: Article, ctx: object) -> None:
    for table in _tables(article.blocks, article.notes):
        mark_headers(table)


def _tables(blocks: list[Block], notes: list[Note]) -> list[Table]:
    found = [b for b in walk_blocks(blocks) if isinstance(b, Table)]
    for note in notes:
        found += [b for b in walk_blocks(note.children) if isinstance(b, Table)]
    return found


def _has_text(nodes: list[Inline]) -> bool:
    return bool(plain_text(nodes).strip())


def _emphasised(cell: Cell) -> list[Inline] | None:
    """The content of a cell that is wholly bold or emphasised (one paragraph, one
    ``strong``/``em`` run), without the emphasis; None for any other cell."""
    if len(cell.children) != 1 or not isinstance(cell.children[0], Paragraph):
        return None
    kids = [k for k in cell.children[0].children if not (isinstance(k, Text) and not k.text.strip())]
    if len(kids) == 1 and isinstance(kids[0], Styled) and kids[0].kind in ("strong", "em") \
            and _has_text(kids[0].children):
        return kids[0].children
    return None


def _promote(cell: Cell, scope: Literal["col", "row"]) -> None:
    inner = _emphasised(cell)
    if inner is not None:  # a header cell is shown as one; the emphasis said only that
        cell.children = [Paragraph(inner)]
    cell.header, cell.scope = True, cell.scope or scope


def mark_headers(table: Table) -> None:
    """Say which cells are headers (WCAG 1.3.1): a first row of header cells is the head;
    a first row (or column) whose every cell is wholly bold or emphasised, in a table
    with more rows (or columns), is one too, as sighted readers take it; and every
    header cell says what it heads (``scope``)."""
    rows = table.body
    if not table.head and rows and all(c.header for c in rows[0].cells):
        table.head.append(rows.pop(0))
    if not table.head and len(rows) >= 2 and len(rows[0].cells) >= 2 \
            and not any(c.header for r in rows for c in r.cells) \
            and all(_emphasised(c) is not None for c in rows[0].cells) \
            and not all(_emphasised(c) is not None for c in rows[1].cells):
        for cell in rows[0].cells:
            _promote(cell, "col")
        table.head.append(rows.pop(0))
    firsts = [r.cells[0] for r in rows if r.cells]
    if len(firsts) >= 2 and all(len(r.cells) >= 2 for r in rows) \
            and not any(c.header for r in rows for c in r.cells) \
            and all(_emphasised(c) is not None for c in firsts) \
            and not all(_emphasised(c) is not None for r in rows for c in r.cells[1:]):
        for cell in firsts:
            _promote(cell, "row")
    for row in table.head:
        for cell in row.cells:
            if cell.header and not cell.scope:
                cell.scope = "colgroup" if cell.colspan > 1 else "col"
    for row in table.body + table.foot:
        if row.cells and row.cells[0].header and not row.cells[0].scope:
            row.cells[0].scope = "row"
