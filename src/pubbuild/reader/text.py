"""Plain text and Markdown sources."""

from __future__ import annotations

import re
from pathlib import Path

from .. import diagnostics
from ..model import Article, ArticleMeta, Paragraph, Text
from .html import read_html


def read_text(text: str, source: Path | None, root: Path | None, diags: list,
              base_url: str | None = None) -> Article:
    """Plain text: the first line is the title when a blank line follows; blank lines
    separate paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
    meta = ArticleMeta()
    if chunks and "\n" not in chunks[0] and len(chunks[0]) <= 200 and len(chunks) > 1:
        meta.title = chunks.pop(0)
    blocks = []
    for chunk in chunks:
        lines = [ln.strip() for ln in chunk.split("\n") if ln.strip()]
        if len(lines) > 1 and all(_ITEM.match(ln) for ln in lines):
            # one item per line: each its own paragraph, for the pseudo-list pass to gather
            blocks.extend(Paragraph([Text(re.sub(r"\s+", " ", ln))]) for ln in lines)
        else:
            blocks.append(Paragraph([Text(re.sub(r"\s+", " ", chunk))]))
    if not blocks:
        diags.append(diagnostics.make("S002", "no text found in the file", _name(source, root)))
    return Article(meta=meta, blocks=blocks, source=source, diagnostics=diags)


#: A line that starts a list item in plain text ("- x", "* x", "• x", "1. x", "2) x").
_ITEM = re.compile(r"^([-*•·–]|\(?\d{1,3}[.)])\s+\S")


def _name(source: Path | None, root: Path | None) -> str | None:
    if source is None:
        return None
    try:
        return str(source.relative_to(root)) if root else str(source)
    except ValueError:
        return str(source)


def read_markdown(text: str, source: Path | None, root: Path | None, diags: list,
                  base_url: str | None = None) -> Article:
    """Markdown (CommonMark with tables) via markdown-it-py, then the HTML reader.
    Raw HTML in the Markdown is not passed through."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    body = md.render(text)
    return read_html(f"<html><body><article>{body}</article></body></html>", source, root, diags,
                     base_url=base_url)
