"""Markdown read fully: front matter as the article's metadata, footnotes as notes, inline HTML
through the HTML sources' sanitiser, table alignment, definition lists."""

from __future__ import annotations

import zipfile

from pubbuild.cli import main
from pubbuild.model import DefinitionList, Paragraph, Styled, Table
from pubbuild.passes import run_passes
from pubbuild.reader.text import read_markdown

ARTICLE = """---
title: Notes from the quay
subtitle: A week of repairs
author: [Ann Writer, Bo Editor]
date: 2024-05-01
language: en-GB
url: https://harbour.example/notes
---

The committee met on Tuesday[^minutes] and agreed the <abbr title="Port Authority">PA</abbr>
timetable <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">here</a>.

| Month | Ships | Note |
|:------|------:|:----:|
| May   | 12    | calm |

Quay
: The stone platform where ships tie up.

[^minutes]: The minutes are kept by the harbour office.
"""


def _read(text: str = ARTICLE):
    article = read_markdown(text, None, None, [])
    run_passes(article, "notes.md")
    return article


def test_front_matter_is_the_articles_metadata():
    article = _read()
    m = article.meta
    assert (m.title, m.subtitle, m.authors) == ("Notes from the quay", "A week of repairs",
                                                ["Ann Writer", "Bo Editor"])
    assert (m.published, m.language, m.source_url) == ("2024-05-01", "en-GB", "https://harbour.example/notes")
    # it is metadata, not text: no block repeats it
    assert not any("title:" in str(b) or "Ann Writer" in str(b) for b in article.blocks)


def test_footnotes_are_notes():
    article = _read()
    [note] = article.notes
    assert "kept by the harbour office" in str(note.children)
    assert "[^minutes]" not in str(article.blocks)
    assert not [b for b in article.blocks if type(b).__name__ == "Rule"]  # no plugin separator


def test_inline_html_goes_through_the_sanitiser():
    first = _read().blocks[0]
    assert isinstance(first, Paragraph)
    assert any(isinstance(n, Styled) and n.kind == "abbr" and n.title == "Port Authority"
               for n in first.children)
    text = str(first)
    assert "alert" not in text and "javascript" not in text and "<script" not in text


def test_table_columns_keep_their_alignment():
    table = next(b for b in _read().blocks if isinstance(b, Table))
    assert [c.align for c in table.head[0].cells] == ["left", "right", "center"]
    assert [c.align for c in table.body[0].cells] == ["left", "right", "center"]


def test_definition_lists():
    dl = next(b for b in _read().blocks if isinstance(b, DefinitionList))
    assert [t.text for t in dl.items[0].terms[0]] == ["Quay"]
    assert "stone platform" in str(dl.items[0].descriptions)


def test_malformed_front_matter_is_not_a_traceback():
    article = _read("---\ntitle: [unclosed\n---\n\nBody text of the article.\n")
    assert "Body text" in str(article.blocks)


def test_markdown_article_builds_with_its_metadata(tmp_path):
    (tmp_path / "notes.md").write_text(ARTICLE)
    out = tmp_path / "notes.epub"
    assert main(["-q", "epub", str(tmp_path / "notes.md"), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        opf = z.read("EPUB/content.opf").decode()
        chapter = next(z.read(n).decode() for n in z.namelist() if n.endswith("notes.xhtml"))
    assert "<dc:title" in opf and "Notes from the quay" in opf and "Ann Writer" in opf
    assert 'xml:lang="en-GB"' in chapter or 'lang="en-GB"' in chapter
    assert 'style="text-align: right"' in chapter
    assert "<dl>" in chapter and "doc-noteref" in chapter and "doc-endnote" in chapter
