"""Plain text and Markdown sources."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .. import diagnostics
from ..model import Article, ArticleMeta, Block, Paragraph, Text
from .html import read_html


def read_text(text: str, source: Path | None, root: Path | None, diags: list,
              base_url: str | None = None) -> Article:
    """Plain text: the first line is the title when a blank line follows; blank lines
    separate paragraphs.

    A page saved as text keeps what its HTML marked as furniture, now as plain lines: a
    comment section from its heading on ("Leave a Reply"), comment-form lines ("Your email
    address will not be published"), sharing prompts ("Share this:").  They go, by the same
    vocabulary the HTML reader uses (:mod:`.furniture`).  A run of lines that are each a
    list item, a "Term: description" or a line ending in a colon is one paragraph per line,
    so that the pseudo-structure passes make lists and headings of them as they do for HTML.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = _chunks(text)
    meta = ArticleMeta()
    if chunks and "\n" not in chunks[0][1] and len(chunks[0][1]) <= 200 and len(chunks) > 1:
        meta.title = chunks.pop(0)[1]
    chunks, dropped = _without_furniture(chunks)
    if dropped:
        diags.append(diagnostics.make("S003", f"page furniture removed: {dropped} line{'s' * (dropped != 1)} "
                                      "(comment section, comment form, sharing prompts)", _name(source, root)))
    blocks: list[Block] = []
    for first, chunk in chunks:
        lines = [(first + n, ln.strip()) for n, ln in enumerate(chunk.split("\n")) if ln.strip()]
        if len(lines) > 1 and all(_own_line(ln) for _, ln in lines):
            # one item or heading per line: each its own paragraph, for the passes to gather
            blocks.extend(Paragraph([Text(re.sub(r"\s+", " ", ln))], line=n) for n, ln in lines)
        else:
            blocks.append(Paragraph([Text(re.sub(r"\s+", " ", chunk))], line=first))
    if not blocks:
        diags.append(diagnostics.make("S002", "no text found in the file", _name(source, root)))
    return Article(meta=meta, blocks=blocks, source=source, diagnostics=diags)


#: Lines of a comment form or a sharing widget as a page saved as text keeps them (their
#: HTML is a form or a widget, which the HTML reader drops whole).
FORM_LINE = re.compile(
    r"^(?:your email address will not be published\b.*|required fields are marked\b.*"
    r"|save my name, email,? and website\b.*|notify me of (?:follow-up comments|new posts)\b.*"
    r"|(?:share|like) this:?|click to (?:share|email|print)\b.*|post navigation"
    r"|(?:name|e-?mail|website|comment)\s*\*?\s*:?|(?:post|submit) comment)$", re.IGNORECASE)


def _without_furniture(chunks: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], int]:
    """``chunks`` without a trailing comment section and without furniture lines, and how
    many lines went.  A comment heading ends the article only in its second half: a
    "Comments" heading early on may be the article's own subject."""
    from .furniture import COMMENT_HEADING, CONTROL

    total = sum(len(c) for _, c in chunks) or 1
    seen = 0
    dropped = 0
    for n, (_, chunk) in enumerate(chunks):
        if seen * 2 >= total and COMMENT_HEADING.match(chunk.split("\n")[0].strip()):
            dropped += sum(c.count("\n") + 1 for _, c in chunks[n:])
            chunks = chunks[:n]
            break
        seen += len(chunk)
    out = []
    for first, chunk in chunks:
        kept = [ln for ln in chunk.split("\n")
                if not (FORM_LINE.match(ln.strip()) or CONTROL.match(ln.strip()))]
        dropped += chunk.count("\n") + 1 - len(kept)
        if kept:
            out.append((first, "\n".join(kept)))
    return out, dropped


def _own_line(line: str) -> bool:
    """A line that stands alone in plain text: a list item, a "Term: description" or a
    short line ending in a colon (the passes' own tests of them)."""
    from ..passes.pseudo_lists import TERM

    if _ITEM.match(line):
        return True
    if line.endswith(":") and len(line) <= 120:
        return True
    term = TERM.match(line)
    return term is not None and len(term.group(1).split()) <= 8 and len(line) > len(term.group(0)) + 10


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
    """Markdown (CommonMark with tables, strikethrough, footnotes and definition lists) via
    markdown-it-py and its plugins (``mdit-py-plugins``), then the HTML reader.

    YAML front matter gives the article's metadata (:data:`FRONT_MATTER`); footnotes become
    the article's notes; raw HTML goes through the same sanitiser as an HTML source (the
    HTML reader's); table cells keep their column's alignment."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = (MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
          .use(front_matter_plugin).use(footnote_plugin).use(deflist_plugin))
    env: dict = {}
    tokens = md.parse(text, env)
    meta = ArticleMeta()
    for token in tokens:  # each block says which Markdown line it starts on ...
        if token.type == "front_matter":
            meta = _front_matter(token.content, _name(source, root), diags)
        elif token.map and token.nesting >= 0 and token.tag:
            token.attrSet("data-md-line", str(token.map[0] + 1))
    marked = md.renderer.render(tokens, md.options, env)
    # ... which is noted per line of the HTML, then taken out again: the reader reads the
    # very HTML md.render makes, and its diagnostics name the Markdown line.
    md_lines: list[int] = []
    for html_line in marked.split("\n"):
        found = _MD_LINE.search(html_line)
        md_lines.append(int(found.group(1)) if found else (md_lines[-1] if md_lines else 1))
    # The footnotes' separator is the plugin's decoration (the notes get their own heading);
    # a column's alignment is an attribute the sanitiser keeps (a style attribute it drops).
    body = _ALIGN.sub(r' align="\1"', _MD_LINE.sub("", marked).replace('<hr class="footnotes-sep" />', ""))
    head = "".join(f'<meta name="{name}" content="{escape(value, quote=True)}"/>'
                   for name, value in _head_meta(meta))
    lang = f' lang="{escape(meta.language, quote=True)}"' if meta.language else ""
    title = f"<title>{escape(meta.title)}</title>" if meta.title else ""
    article = read_html(f"<html{lang}><head>{title}{head}</head><body><article>{body}</article></body></html>",
                        source, root, diags, base_url=base_url or meta.source_url,
                        line_map=lambda n: md_lines[min(n, len(md_lines)) - 1])
    for key in ("title", "subtitle", "authors", "language", "source_url", "site_name", "published",
                "description"):
        value = getattr(meta, key)
        if value:  # what the front matter says wins over what the reader guessed
            setattr(article.meta, key, value)
    return article


#: Front-matter keys -> :class:`ArticleMeta` fields (several spellings are in use).
FRONT_MATTER = {
    "title": "title", "subtitle": "subtitle", "author": "authors", "authors": "authors",
    "date": "published", "published": "published", "language": "language", "lang": "language",
    "url": "source_url", "source": "source_url", "source_url": "source_url", "canonical_url": "source_url",
    "site": "site_name", "publisher": "site_name", "description": "description", "summary": "description",
}


def _front_matter(text: str, name: str | None, diags: list) -> ArticleMeta:
    """The article's metadata from YAML front matter; a key it cannot use is reported
    (``S002``'s neighbour in spirit: the rest is kept), never a traceback."""
    import datetime as _dt

    import yaml

    from .. import langtag

    meta = ArticleMeta()
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        diags.append(diagnostics.make("S005", f"front matter is not YAML, left out ({exc.__class__.__name__})",
                                      name, 1))
        return meta
    if not isinstance(data, dict):
        return meta
    for key, value in data.items():
        field_name = FRONT_MATTER.get(str(key).lower())
        if field_name is None or value is None:
            continue
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = value.isoformat()
        if field_name == "authors":
            names = value if isinstance(value, list) else [value]
            meta.authors = [str(n).strip() for n in names if str(n).strip()]
        elif field_name == "language":
            meta.language = langtag.from_source(str(value))
        elif isinstance(value, (str, int, float)):
            setattr(meta, field_name, str(value).strip() or None)
    return meta


def _head_meta(meta: ArticleMeta) -> list[tuple[str, str]]:
    """What the HTML reader's metadata step reads from ``<meta>``: the authors."""
    return [("author", name) for name in meta.authors]


_ALIGN = re.compile(r' style="text-align:(left|right|center)"')

#: The attribute :func:`read_markdown` marks blocks with.
_MD_LINE = re.compile(r' data-md-line="(\d+)"')
