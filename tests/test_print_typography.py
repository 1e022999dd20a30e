"""Print typography: the editor's note after the title block, link addresses in a list
after the article (or in footnotes), never inline; a part opener laid out as a page;
complete source lines.  The tagged structure stays valid and in reading order."""

from __future__ import annotations

import re
import zipfile

import pikepdf
import pytest
from conftest import assert_epubcheck_clean
from pdfcheck import pdfua_errors, qpdf_check, struct_elements, unreachable_marked_content

from pubbuild.assemble.build import build
from pubbuild.backends import BuildOptions
from pubbuild.backends.pdf.document import PdfXhtmlWriter
from pubbuild.model import Article, ArticleMeta

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Harbour Works</title>
<meta name="author" content="Ann Author"/></head><body><article><h1>Harbour Works</h1>
<p>The harbour authority published its <a href="https://harbour.example/plans/2024">plans for the
coming year</a> after a long consultation, and the <a href="https://council.example/minutes">council
minutes</a> record the vote that followed it in some detail for the public.</p>
<p>The plans were welcomed by the fishing cooperative, which had asked for a new quay for years;
the <a href="https://harbour.example/plans/2024">same plans</a> also foresee a ferry terminal.</p>
<h2>What comes next</h2>
<p>Work begins in the spring. See https://harbour.example for updates as the work goes on.</p>
</article></body></html>"""

MANIFEST = """title: Typography Pack
language: en
date: 2024-06-01
parts:
  - title: The Harbour
    introduction: |
      Two reports on the harbour, read together: what was planned, and what the council
      decided about it. Both were saved in May 2024.
    articles:
      - source: sources/harbour.html
        url: https://news.example/harbour
        retrieved: 2024-05-02
        note: Read this one *first*.
"""


def _project(tmp, pdf_keys: str = ""):
    (tmp / "sources").mkdir(parents=True)
    (tmp / "sources" / "harbour.html").write_text(ARTICLE, encoding="utf-8")
    (tmp / "pubbuild.yaml").write_text(MANIFEST + pdf_keys, encoding="utf-8")
    return tmp / "pubbuild.yaml"


def _pdf(manifest):
    html = manifest.parent / "out" / "pack.html"
    pdf, _, _ = build("pdf", manifest, manifest.parent / "out" / "pack.pdf",
                      BuildOptions(extra={"emit_html": html, "jobs": 1}))
    return pdf, html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def listed(tmp_path_factory):
    return _pdf(_project(tmp_path_factory.mktemp("listed")))


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory):
    return _pdf(_project(tmp_path_factory.mktemp("footnoted"), "pdf:\n  link_addresses: footnotes\n"))


def _article(html: str) -> str:
    return html[html.index('<section class="article'):html.index("</body>")]


# ------------------------------------------------------------------ editor's note


def test_editors_note_follows_the_title_block_in_the_pdf(listed):
    article = _article(listed[1])
    assert article.index("</header>") < article.index('<aside class="editor-note"') < \
        article.index("The harbour authority")


def test_editors_note_follows_the_title_block_in_the_epub(tmp_path):
    epub, _, _ = build("epub", _project(tmp_path), tmp_path / "pack.epub")
    with zipfile.ZipFile(epub) as z:
        doc = z.read("EPUB/harbour.xhtml").decode()
    chapter = doc[doc.index('<section epub:type="chapter"'):]
    assert chapter.index("</header>") < chapter.index('<aside class="editor-note"') < \
        chapter.index("The harbour authority")
    assert_epubcheck_clean(epub)


# ------------------------------------------------------------------ link addresses


def test_addresses_are_listed_after_the_article_never_inline(listed):
    article = _article(listed[1])
    assert 'class="link-url"' not in article
    # a numbered marker after each link; the same address keeps its number
    markers = re.findall(r'<sup class="link-ref"><a href="#harbour-link-(\d)">\[(\d)\]</a></sup>', article)
    assert markers == [("1", "1"), ("2", "2"), ("1", "1")]
    listing = article[article.index('<section class="link-addresses"'):]
    assert article.index("Work begins in the spring") < article.index('<section class="link-addresses"')
    assert re.findall(r'<li id="harbour-link-(\d)"><a href="([^"]+)">', listing) == [
        ("1", "https://harbour.example/plans/2024"), ("2", "https://council.example/minutes")]
    assert '<h3 id="harbour-links-heading">Link addresses</h3>' in listing


def test_link_list_pdf_is_tagged_valid_and_in_reading_order(listed):
    pdf, _ = listed
    qpdf_check(pdf)
    assert pdfua_errors(pdf) == []
    with pikepdf.open(pdf) as doc:
        assert unreachable_marked_content(doc) == []
        kinds = [str(e.S) for e in struct_elements(doc)]
        with doc.open_outline() as outline:
            part = next(item for item in outline.root if item.title == "The Harbour")
            article = part.children[0]
            assert [c.title for c in article.children] == ["What comes next", "Link addresses"]
    assert "/L" in kinds and "/Lbl" in kinds or "/LI" in kinds
    # Each address's number is its label (Lbl), printed before it on its line, whether the
    # stylesheet sets it inside the line or beside it (print.css: .link-addresses ol).
    assert kinds.count("/Lbl") >= 2  # the two addresses (and the list of sources)
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^\s*1\.\s+https://harbour\.example/plans/2024$", text, re.MULTILINE)
    assert re.search(r"^\s*2\.\s+https://council\.example/minutes$", text, re.MULTILINE)


def test_footnotes_put_the_address_at_the_page_foot(footnoted):
    pdf, html = footnoted
    article = _article(html)
    assert 'class="link-addresses"' not in article and 'class="link-ref"' not in article
    assert article.count('<span class="link-footnote">') == 3
    qpdf_check(pdf)
    assert pdfua_errors(pdf) == []
    with pikepdf.open(pdf) as doc:
        assert unreachable_marked_content(doc) == []
    import subprocess

    texts = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    page = next(t for t in texts if "The harbour authority" in t)
    body, foot = page.rsplit("plans for the", 1)[0], page.split("Work begins in the spring")[-1]
    assert "https://harbour.example/plans/2024" not in body  # not inline after the link
    assert "https://council.example/minutes" in foot


def test_manifest_rejects_an_unknown_link_mode(tmp_path):
    from pubbuild.assemble.manifest import load
    from pubbuild.errors import ConfigurationError

    with pytest.raises(ConfigurationError) as err:
        load(_project(tmp_path, "pdf:\n  link_addresses: inline\n"))
    assert any("link_addresses must be list or footnotes" in p for p in err.value.problems)


# ------------------------------------------------------------------ part opener


def test_part_opener_is_a_designed_page(listed):
    """Title in the upper third, the introduction a centred block of a narrower
    measure, in type no smaller than the text's."""
    from weasyprint import HTML

    document = HTML(string=listed[1]).render()
    page = next(p for p in document.pages
                if any(getattr(b, "element", None) is not None and b.element.get("id") == "part-1-title"
                       for b in _boxes(p._page_box)))
    boxes = list(_boxes(page._page_box))
    section = next(b for b in boxes if getattr(b, "element", None) is not None
                   and b.element.get("id") == "part-1" and b.element_tag == "section")
    title = next(b for b in section.children if getattr(b, "element_tag", None) == "h1")
    intro = next(b for b in section.children if getattr(b, "element_tag", None) == "p")
    height = page.height
    assert 0.2 * height < title.position_y < 0.4 * height
    left = intro.position_x - section.content_box_x()
    right = section.content_box_x() + section.width - (intro.position_x + intro.margin_width())
    assert intro.width < 0.8 * section.width and abs(left - right) < 1  # centred, narrower
    assert intro.style["font_size"] >= 14  # px: 10.5pt body text is 14px
    assert title.position_y + title.margin_height() <= intro.position_y


def _boxes(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


# ------------------------------------------------------------------ source line


@pytest.mark.parametrize(("meta", "expected"), [
    ({"source_url": "https://news.example/a", "retrieved": "2019-11-18"},
     "Source: news.example, retrieved November 18, 2019, https://news.example/a"),
    ({"site_name": "Daily", "authors": ["A. B"], "published": "2019-11-17", "retrieved": "2019-11-18"},
     "Source: Daily, A. B, November 17, 2019, retrieved November 18, 2019"),
])
def test_source_line_names_where_the_article_came_from(meta, expected):
    article = Article(ArticleMeta(title="T", language="en", **meta))
    line = re.sub(r"<[^>]+>", "", PdfXhtmlWriter(article).source_line())
    assert line == expected


def test_source_line_of_a_local_file_names_it(tmp_path):
    article = Article(ArticleMeta(title="T", language="en", retrieved="2019-11-18"),
                      source=tmp_path / "notes.txt")
    line = re.sub(r"<[^>]+>", "", PdfXhtmlWriter(article).source_line())
    assert line == "Source: notes.txt, retrieved November 18, 2019"
