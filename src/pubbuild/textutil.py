"""Small helpers over model nodes shared by readers, passes and backends."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING

from .model import (
    Block,
    Cell,
    DefinitionList,
    Figure,
    Heading,
    Image,
    Inline,
    InlineImage,
    LineBreak,
    Link,
    List,
    NoteRef,
    Paragraph,
    Preformatted,
    Quote,
    Section,
    Span,
    Styled,
    Table,
    Text,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def plain_text(nodes: Iterable[Inline], ref: str = "{}") -> str:
    """The text of inline nodes, as a reader would hear it; a note reference is its label
    (formatted with ``ref``: ``"[{}]"`` sets it apart from the word it follows)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Styled, Span, Link)):
            out.append(plain_text(node.children, ref))
        elif isinstance(node, LineBreak):
            out.append("\n")
        elif isinstance(node, NoteRef):
            out.append(ref.format(node.label))
        elif isinstance(node, InlineImage):
            out.append(node.image.alt or "")
    return "".join(out)


def has_text(nodes: Iterable[Inline]) -> bool:
    """``bool(plain_text(nodes).strip())``, read only up to the first word: the reader asks it
    of every run and paragraph it converts, and joining the whole run was a tenth of reading
    a clean article.  It walks the nodes as :func:`plain_text` does (kept beside it, and
    checked against it by ``tests/test_textutil.py``); a line break is white space.  (One
    walk serving both, through a generator or a per-node function, made :func:`plain_text`
    half as slow again.)"""
    for node in nodes:
        if isinstance(node, Text):
            if node.text and not node.text.isspace():
                return True
        elif isinstance(node, (Styled, Span, Link)):
            if has_text(node.children):
                return True
        elif isinstance(node, NoteRef):
            if node.label and not node.label.isspace():
                return True
        elif isinstance(node, InlineImage):
            alt = node.image.alt
            if alt and not alt.isspace():
                return True
    return False


def block_text(blocks: Iterable[Block], sep: str = "\n\n", marked: bool = False) -> str:
    """Plain text of blocks, paragraphs separated by ``sep``.  ``marked`` writes what the
    reader sees beside the words: a list item's bullet or number ("- ", "2. ") and a note
    reference's label in brackets ("word[1]")."""
    ref = "[{}]" if marked else "{}"
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            parts.append(plain_text(block.children, ref))
        elif isinstance(block, Section):
            parts.append(plain_text(block.heading.children, ref))
            parts.append(block_text(block.children, sep, marked))
        elif isinstance(block, List):
            for n, list_item in enumerate(block.items, block.start or 1):
                mark = (f"{n}. " if block.ordered else "- ") if marked else ""
                parts.append(mark + block_text(list_item.children, " ", marked))
        elif isinstance(block, DefinitionList):
            for item in block.items:
                parts.extend(plain_text(t, ref) for t in item.terms)
                parts.extend(block_text(d, " ", marked) for d in item.descriptions)
        elif isinstance(block, Quote):
            parts.append(block_text(block.children, sep, marked))
            if block.attribution:
                parts.append(plain_text(block.attribution, ref))
        elif isinstance(block, Figure):
            if block.caption:
                parts.append(plain_text(block.caption, ref))
        elif isinstance(block, Table):
            if block.caption:
                parts.append(plain_text(block.caption, ref))
            for row in block.head + block.body + block.foot:
                parts.append("\t".join(block_text(c.children, " ", marked) for c in row.cells))
        elif isinstance(block, Preformatted):
            parts.append(block.text)
    return sep.join(p for p in parts if p.strip())


def slug(text: str, limit: int) -> str:
    """Lower-case ASCII words of ``text`` joined by hyphens, at most ``limit`` characters
    (empty when nothing is left): the one folding behind file stems and anchors alike."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:limit].strip("-")


def walk_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block, depth first, in reading order (sections, list items, quotes, cells)."""
    for block in blocks:
        yield block
        if isinstance(block, Section):
            yield from walk_blocks(block.children)
        elif isinstance(block, List):
            for item in block.items:
                yield from walk_blocks(item.children)
        elif isinstance(block, DefinitionList):
            for entry in block.items:
                for d in entry.descriptions:
                    yield from walk_blocks(d)
        elif isinstance(block, Quote):
            yield from walk_blocks(block.children)
        elif isinstance(block, Table):
            for row in block.head + block.body + block.foot:
                for cell in row.cells:
                    yield from walk_blocks(cell.children)


def walk_inlines(nodes: Iterable[Inline]) -> Iterator[Inline]:
    """Every inline node, depth first."""
    for node in nodes:
        yield node
        if isinstance(node, (Styled, Span, Link)):
            yield from walk_inlines(node.children)


def inline_runs(block: Block) -> Iterator[list[Inline]]:
    """The inline lists directly held by a block (paragraph text, caption, heading ...)."""
    if isinstance(block, (Paragraph, Heading)):
        yield block.children
    elif isinstance(block, Section):
        yield block.heading.children
    elif isinstance(block, (Figure, Table)) and block.caption:
        yield block.caption
    elif isinstance(block, Quote) and block.attribution:
        yield block.attribution
    elif isinstance(block, DefinitionList):
        for item in block.items:
            yield from item.terms


def images(blocks: Iterable[Block]) -> Iterator[Image]:
    """Every image in blocks (figures and inline images), in reading order."""
    for block in walk_blocks(blocks):
        if isinstance(block, Figure):
            yield from block.images
        for run in inline_runs(block):
            for node in walk_inlines(run):
                if isinstance(node, InlineImage):
                    yield node.image


__all__ = [
    "Cell",
    "block_text",
    "images",
    "inline_runs",
    "plain_text",
    "slug",
    "walk_blocks",
    "walk_inlines",
]


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of the dataclass ``cls``, None for any other type: looked up once per
    class (``dataclasses.fields`` builds its tuple anew on every call, 20,000 times per pack)."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None
        return names


def model_nodes(root: object) -> Iterator[DataclassInstance]:
    """Every model node under ``root`` (itself included), whatever field holds it: a
    stack, not recursion, so a model of any depth is walked."""
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif (names := field_names(type(node))) is not None:  # an instance: a class's type is not
            yield node  # type: ignore[misc]  # a dataclass instance, as field_names says
            stack.extend(getattr(node, name) for name in names)
