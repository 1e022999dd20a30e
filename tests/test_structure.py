"""Issue 14 at the book level: what the normaliser repairs reaches both editions valid
and alike (EPUBCheck on the EPUB, the PDF's text for the print edition)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import assert_epubcheck_clean
from pdfcheck import page_texts

from pubbuild.cli import main
from pubbuild.model import (
    Article,
    ArticleMeta,
    DefinitionItem,
    DefinitionList,
    Image,
    InlineImage,
    Link,
    NoteRef,
    Paragraph,
    Quote,
    Text,
)
from pubbuild.writer.xhtml import XhtmlWriter

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "normalize"


def test_model_structures_html_forbids_render_valid():
    """Structures the model can hold but HTML cannot (a link in a link, a note marker in
    a link, a term without a description, a description without a term) render valid."""
    inner = Link("https://valley.example/b", [Text("inner"), NoteRef("fn1", "1", "r1"),
                                              InlineImage(Image("https://images.valley.example/i.png", "An icon."))])
    article = Article(ArticleMeta(title="T"), blocks=[
        Paragraph([Link("https://valley.example/a?q=a|b c", [Text("outer "), inner])]),
        DefinitionList([DefinitionItem([[Text("Lonely term")]], []),
                        DefinitionItem([[Text("Term")]], [[Paragraph([Text("Described.")])]]),
                        DefinitionItem([], [[Paragraph([Text("Orphan description.")])]])]),
        Quote([Paragraph([Text("Quoted.")])], cite="http://valley.example/q"),
    ])
    html = XhtmlWriter(article, image_src=lambda image: None).blocks(article.blocks)
    assert html.count("<a ") == 1 and "<sup>1</sup>" in html
    assert "[Image: An icon. (view the image online)]" in html
    assert 'href="https://valley.example/a?q=a%7Cb%20c"' in html
    assert "<p>Lonely term</p>\n<dl>\n<dt>Term</dt>\n<dd>Described.</dd>\n</dl>\n" in html
    assert "<p>Orphan description.</p>" in html and "cite=" not in html


def test_repaired_page_passes_epubcheck_and_both_editions_agree(tmp_path):
    page = FIXTURES / "invalid-structure-repaired" / "in.html"
    epub, pdf = tmp_path / "p.epub", tmp_path / "p.pdf"
    assert main(["-q", "epub", str(page), "-o", str(epub)]) == 0
    assert_epubcheck_clean(epub)
    assert main(["-q", "pdf", str(page), "-o", str(pdf)]) == 0
    text = " ".join(" ".join(page_texts(pdf)).split())
    # decorative images leave nothing behind in print either
    assert "[Image: image]" not in text and "Image not available" not in text
    # the remote image's stand-in stands apart from its caption and credit
    # (on paper the link gets a numbered marker and its address is listed after the article)
    stand_in = "[Image: A dry-stone wall after the flood. (view the image online{})]"
    marker = re.search(r"view the image online\[(\d+)\]\)\] The north wall in May\. Photo: Ana Stone", text)
    assert marker, text
    assert f"{marker.group(1)}. https://images.valley.example/wall.jpg" in text
    with zipfile.ZipFile(epub) as book:
        chapter = " ".join(re.sub("<[^>]+>", "", book.read("EPUB/in.xhtml").decode()).split())
    assert stand_in.format("") + " The north wall in May. Photo: Ana Stone" in chapter
    assert "[Image: image]" not in chapter


def test_manifest_url_resolves_site_relative_images(tmp_path, capsys):
    """``url:`` is the page's address: a site-relative image is then a remote image
    (not fetched without --allow-network), and every diagnostic names the image."""
    (tmp_path / "sources").mkdir()
    page = FIXTURES / "image-site-relative-without-address" / "in.html"
    (tmp_path / "sources" / "archive.html").write_bytes(page.read_bytes())
    (tmp_path / "sources" / "draft.html").write_text(
        '<html lang="en"><head><title>Draft</title></head><body><p>The river valley was settled long '
        'before the first written records.</p><img src="pics/missing.png" alt="A missing picture.">'
        "</body></html>")
    (tmp_path / "pubbuild.yaml").write_text(
        "title: Addresses\nlanguage: en\narticles:\n"
        "  - source: sources/archive.html\n    url: https://valley.example/stories/terraces.html\n"
        "  - source: sources/draft.html\n")
    out = tmp_path / "a.epub"
    assert main(["epub", str(tmp_path / "pubbuild.yaml"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "A002 image https://valley.example/archive/3834a.jpg not fetched" in err
    assert "S006" not in err and "'/archive/3834a.jpg' not found" not in err
    assert "S007 image 'pics/missing.png' not found" in err
    # one cause, one finding: the packager does not report again the image the reader did not find
    assert "E001" not in err and "image  " not in err
    assert_epubcheck_clean(out)


def test_declared_language_is_checked_and_the_accessibility_page_claims_only_that(tmp_path, capsys):
    (tmp_path / "sources").mkdir()
    page = FIXTURES / "language-declared-contradicted" / "in.html"
    (tmp_path / "sources" / "flood.html").write_bytes(page.read_bytes())
    (tmp_path / "pubbuild.yaml").write_text("title: Languages\nlanguage: en\narticles:\n"
                                            "  - sources/flood.html\n")
    out = tmp_path / "l.epub"
    assert main(["epub", str(tmp_path / "pubbuild.yaml"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "sources/flood.html: warning: A006 the page declares language 'de' but its text reads as 'en'" in err
    assert "'en' is used" in err
    with zipfile.ZipFile(out) as book:
        a11y = book.read("EPUB/accessibility.xhtml").decode()
        chapter = book.read("EPUB/flood.xhtml").decode()
    assert "carry their own language tag" not in a11y and "tagged en" in a11y
    assert 'lang="de"' not in chapter
