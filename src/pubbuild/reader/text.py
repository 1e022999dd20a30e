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
    chunks = _chunks(text)
    meta = ArticleMeta()
    if chunks and "\n" not in chunks[0][1] and len(chunks[0][1]) <= 200 and len(chunks) > 1:
        meta.title = chunks.pop(0)[1]
    blocks = []
    for first, chunk in chunks:
        lines = [(first + n, ln.strip()) for n, ln in enumerate(chunk.split("\n")) if ln.strip()]
        if len(lines) > 1 and all(_ITEM.match(ln) for _, ln in lines):
            # one item per line: each its own paragraph, for the pseudo-list pass to gather
            blocks.extend(Paragraph([Text(re.sub(r"\s+", " ", ln))], line=n) for n, ln in lines)
        else:
            blocks.append(Paragraph([Text(re.sub(r"\s+", " ", chunk))], line=first))
    if not blocks:
        diags.append(diagnostics.make("S002", "no text found in the file", _name(source, root)))
    return Article(meta=meta, blocks=blocks, source=source, diagnostics=diags)


def _chunks(text: str) -> list[tuple[int, str]]:
    """The text's paragraphs (runs of lines between blank lines), stripped, each with the
    line it starts on."""
    out = []
    line, pos = 1, 0
    for match in re.finditer(r"(?:^|(?<=\n))(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        line += text.count("\n", pos, match.start())  # counted on from the last chunk, not from 0
        pos = match.start()
        out.append((line, match.group().strip()))
    return out


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
    env: dict = {}
    tokens = md.parse(text, env)
    for token in tokens:  # each block says which Markdown line it starts on ...
        if token.map and token.nesting >= 0 and token.tag:
            token.attrSet("data-md-line", str(token.map[0] + 1))
    marked = md.renderer.render(tokens, md.options, env)
    # ... which is noted per line of the HTML, then taken out again: the reader reads the
    # very HTML md.render makes, and its diagnostics name the Markdown line.
    md_lines: list[int] = []
    for html_line in marked.split("\n"):
        found = _MD_LINE.search(html_line)
        md_lines.append(int(found.group(1)) if found else (md_lines[-1] if md_lines else 1))
    body = _MD_LINE.sub("", marked)
    return read_html(f"<html><body><article>{body}</article></body></html>", source, root, diags,
                     base_url=base_url, line_map=lambda n: md_lines[min(n, len(md_lines)) - 1])


#: The attribute :func:`read_markdown` marks blocks with (raw HTML is off, so only it makes one).
_MD_LINE = re.compile(r' data-md-line="(\d+)"')
