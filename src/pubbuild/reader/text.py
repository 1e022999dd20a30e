"""Plain text and Markdown sources."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Article, ArticleMeta, Paragraph, Text
from .html import read_html


def read_text(text: str, source: Path | None, root: Path | None, diags: list) -> Article:
    """Plain text: the first line is the title when a blank line follows; blank lines
    separate paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
    meta = ArticleMeta()
    if chunks and "\n" not in chunks[0] and len(chunks[0]) <= 200 and len(chunks) > 1:
        meta.title = chunks.pop(0)
    blocks = [Paragraph([Text(re.sub(r"\s+", " ", c))]) for c in chunks]
    return Article(meta=meta, blocks=blocks, source=source, diagnostics=diags)


def read_markdown(text: str, source: Path | None, root: Path | None, diags: list) -> Article:
    """Markdown (CommonMark with tables) via markdown-it-py, then the HTML reader.
    Raw HTML in the Markdown is not passed through."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    body = md.render(text)
    return read_html(f"<html><body><article>{body}</article></body></html>", source, root, diags)
