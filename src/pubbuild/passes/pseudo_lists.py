"""Turn pseudo-lists into real lists.

Editors type lists as paragraphs: "• item", "- item", "1. item", or a run of
"Term: description" paragraphs.  Marked up as a list, a screen reader
announces "list, 6 items" and lets the reader skip it; as paragraphs it is
just text.  Runs of at least :data:`MIN_ITEMS` paragraphs are converted
(:data:`MIN_TERMS` for "Term: description", which is a weaker signal).  A
last item that runs on into the next paragraph ("...in the region.The
conflict is...") is split: the rest becomes the paragraph after the list.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ..model import (
    Article,
    Block,
    Inline,
    LineBreak,
    List,
    ListItem,
    Paragraph,
    Quote,
    Section,
    Styled,
    Text,
)
from ..textutil import plain_text
from .context import PassContext
from .inlinetools import split_at, strip_prefix

MIN_ITEMS = 2
MIN_TERMS = 3
BULLET = re.compile(r"^\s*[•·▪‣◦●○■□➢➤►▶✓✔\-–—*]\s+")
NUMBER = re.compile(r"^\s*\(?(\d{1,3})[.)]\s+")
#: "Term: description" - a short capitalised term without sentence punctuation.
TERM = re.compile(r"^\s*([A-Z0-9][^.!?:;]{0,60}?)\s*:\s+(?=\S)")
RUN_ON = re.compile(r"(?<=[a-z]{2})[.!?](?=[A-Z][a-z]+\s)")


def _kind(p: Paragraph) -> tuple[str, int | None] | None:
    text = plain_text(p.children)
    if BULLET.match(text):
        return "bullet", None
    m = NUMBER.match(text)
    if m:
        return "number", int(m.group(1))
    m = TERM.match(text)
    if m and len(m.group(1).split()) <= 8 and len(text) > len(m.group(0)) + 10:
        return "term", None
    return None


def _item(p: Paragraph, kind: str) -> ListItem:
    if kind in ("bullet", "number"):
        prefix = BULLET if kind == "bullet" else NUMBER
        return ListItem([Paragraph(strip_prefix(p.children, prefix), lang=p.lang, line=p.line)], line=p.line)
    text = plain_text(p.children)
    m = TERM.match(text)
    assert m is not None, "_kind() said this paragraph starts with a term"
    colon = len(m.group(0).rstrip())
    term, rest = split_at(p.children, colon)
    if len(term) == 1 and isinstance(term[0], Styled) and term[0].kind in ("strong", "b"):
        strong = term[0]
    else:
        strong = Styled("strong", _flatten_strong(term))
    return ListItem([Paragraph([strong, *rest], lang=p.lang, line=p.line)], line=p.line)


def _flatten_strong(nodes: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for n in nodes:
        if isinstance(n, Styled) and n.kind in ("strong", "b"):
            out.extend(n.children)
        else:
            out.append(n)
    return out


def _numbers_follow(paragraphs: list[Paragraph]) -> bool:
    nums = []
    for p in paragraphs:
        m = NUMBER.match(plain_text(p.children))
        assert m is not None, "_kind() said this paragraph starts with a number"
        nums.append(int(m.group(1)))
    return all(b == a + 1 for a, b in pairwise(nums))


def _split_run_on(lst: List) -> Paragraph | None:
    """Split a last item that swallowed the next paragraph; return that paragraph."""
    last = lst.items[-1].children[-1]
    if not isinstance(last, Paragraph):
        return None
    m = RUN_ON.search(plain_text(last.children))
    if m is None:
        return None
    head, tail = split_at(last.children, m.end())
    last.children = head
    return Paragraph(_lstrip(tail), lang=last.lang, line=last.line)


def _lstrip(nodes: list[Inline]) -> list[Inline]:
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].text.lstrip())
    return nodes


def _br_list(p: Paragraph) -> List | None:
    """One paragraph whose ``<br>``-separated lines all start with a bullet."""
    lines: list[list[Inline]] = [[]]
    for node in p.children:
        if isinstance(node, LineBreak):
            lines.append([])
        else:
            lines[-1].append(node)
    lines = [ln for ln in lines if plain_text(ln).strip()]
    if len(lines) < MIN_ITEMS or not all(BULLET.match(plain_text(ln).lstrip()) for ln in lines):
        return None
    items = [ListItem([Paragraph(strip_prefix(_lstrip(list(ln)), BULLET), line=p.line)], line=p.line)
             for ln in lines]
    return List(items, line=p.line)


def convert(blocks: list[Block], ctx: PassContext) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, (Section, Quote)):
            block.children = convert(block.children, ctx)
        if not isinstance(block, Paragraph):
            out.append(block)
            i += 1
            continue
        br_list = _br_list(block)
        if br_list is not None:
            ctx.diag("H003", f"line-broken bullets turned into a list of {len(br_list.items)} items",
                     node=block)
            out.append(br_list)
            i += 1
            continue
        kind = _kind(block)
        run: list[Paragraph] = [block]
        if kind is not None:
            for following in blocks[i + 1:]:
                other = _kind(following) if isinstance(following, Paragraph) else None
                if other is None or other[0] != kind[0] or not isinstance(following, Paragraph):
                    break
                run.append(following)
        j = i + len(run)
        if kind and kind[0] == "number":  # only as far as the numbers count up one by one
            k = 1
            while k < len(run) and _numbers_follow(run[: k + 1]):
                k += 1
            run, j = run[:k], i + k
        enough = MIN_TERMS if kind and kind[0] == "term" else MIN_ITEMS
        if not kind or len(run) < enough:
            out.append(block)
            i += 1
            continue
        lst = List([_item(p, kind[0]) for p in run], ordered=kind[0] == "number",
                   start=kind[1] if kind[0] == "number" and kind[1] != 1 else None, line=block.line)
        ctx.diag("H003", f"{len(run)} paragraphs turned into a list ({plain_text(run[0].children)[:40]!r} ...)",
                 node=block)
        out.append(lst)
        rest = _split_run_on(lst)
        if rest is not None and plain_text(rest.children).strip():
            out.append(rest)
        i = j
    return out


def run(article: Article, ctx: PassContext) -> None:
    article.blocks = convert(article.blocks, ctx)
