"""Helpers the structural passes share: splitting a paragraph's inline content."""

from __future__ import annotations

import re

from ..model import Inline, Link, Span, Styled, Text
from ..textutil import plain_text


def strip_prefix(nodes: list[Inline], pattern: re.Pattern[str]) -> list[Inline]:
    """``nodes`` without the leading text matched by ``pattern`` (which may sit inside
    the first styled run, as in ``<strong>1.</strong> Item``)."""
    if not nodes:
        return nodes
    first = nodes[0]
    if isinstance(first, Text):
        m = pattern.match(first.text)
        if m:
            rest = first.text[m.end():]
            return ([Text(rest)] if rest else []) + nodes[1:]
        return nodes
    if isinstance(first, (Styled, Span, Link)):
        inner = strip_prefix(first.children, pattern)
        if inner is not first.children:
            if not plain_text(inner).strip():
                return _lstrip(nodes[1:])
            clone = type(first)(**{f: getattr(first, f) for f in first.__slots__})
            clone.children = inner
            return [clone] + nodes[1:]
    return nodes


def _lstrip(nodes: list[Inline]) -> list[Inline]:
    if nodes and isinstance(nodes[0], Text):
        text = nodes[0].text.lstrip()
        return ([Text(text)] if text else []) + nodes[1:]
    return nodes


def split_at(nodes: list[Inline], offset: int) -> tuple[list[Inline], list[Inline]]:
    """Split inline content at a character offset of its plain text."""
    head: list[Inline] = []
    tail: list[Inline] = []
    pos = 0
    for node in nodes:
        text = plain_text([node])
        if pos + len(text) <= offset:
            head.append(node)
        elif pos >= offset:
            tail.append(node)
        elif isinstance(node, Text):
            head.append(Text(node.text[: offset - pos]))
            tail.append(Text(node.text[offset - pos:]))
        elif isinstance(node, (Styled, Span, Link)):
            a, b = split_at(node.children, offset - pos)
            for part, target in ((a, head), (b, tail)):
                clone = type(node)(**{f: getattr(node, f) for f in node.__slots__})
                clone.children = part
                target.append(clone)
        else:
            head.append(node)
        pos += len(text)
    return head, tail


def rstrip_chars(nodes: list[Inline], chars: str) -> list[Inline]:
    """``nodes`` with trailing ``chars`` (and white space) removed from the last text."""
    if not nodes:
        return nodes
    last = nodes[-1]
    if isinstance(last, Text):
        text = last.text.rstrip().rstrip(chars).rstrip()
        return nodes[:-1] + ([Text(text)] if text else [])
    if isinstance(last, (Styled, Span, Link)):
        clone = type(last)(**{f: getattr(last, f) for f in last.__slots__})
        clone.children = rstrip_chars(last.children, chars)
        return nodes[:-1] + [clone]
    return nodes
