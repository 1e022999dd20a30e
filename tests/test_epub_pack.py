"""The EPUB of a briefing pack: reading order, parts in the nav, editor's notes, generated
matter, and the print edition's page numbers (markers compared with the PDF's own text).

Every EPUB built here goes through EPUBCheck.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, assert_epubcheck_clean
from lxml import etree
from packutil import copy_root

from pubbuild import backends
from pubbuild.assemble.publication import load_publication
from pubbuild.backends.epub.backend import EpubBackend
from pubbuild.backends.epub.page_markers import apply_page_map, fold, locate
from pubbuild.backends.pagemap import PageBreak
from pubbuild.backends.pagemap import counted as counts
from pubbuild.backends.pdf.page_map import page_breaks
from pubbuild.cli import main
from pubbuild.writer.shared_sections import (
    INTRODUCTION_ID,
    editor_note,
    introduction_section,
    matter_section,
    part_opener,
)

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
EPUB_TYPE = f"{{{NS['epub']}}}type"
#: Every structural semantic pubbuild writes, with the DPUB-ARIA role that must go with it.
ROLES = {"chapter": "doc-chapter", "part": "doc-part", "preface": "doc-preface",
         "introduction": "doc-introduction", "bibliography": "doc-bibliography",
         "colophon": "doc-colophon", "toc": "doc-toc", "page-list": "doc-pagelist",
         "pagebreak": "doc-pagebreak", "noteref": "doc-noteref", "endnotes": "doc-endnotes",
         "subtitle": "doc-subtitle", "cover": None, "titlepage": None, "landmarks": None,
         "endnote": None}
FEATURES = ("pageNavigation", "pageBreakMarkers")


class Book:
    """An EPUB opened for XPath queries."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.opf = self.xml("content.opf")
        self.nav = self.xml("nav.xhtml")

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(f"EPUB/{name}"))

    def spine(self) -> list[str]:
        hrefs = {i.get("id"): i.get("href") for i in self.opf.xpath("//opf:manifest/opf:item", namespaces=NS)}
        return [hrefs[r] for r in self.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]

    def features(self) -> list[str]:
        return self.opf.xpath("//opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=NS)

    def meta(self, prop: str) -> list[str]:
        return self.opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)


def counted(text: str) -> str:
    return "".join(c for c in text if counts(c) and c != "\u2010")


@pytest.fixture(scope="module")
def packs(sample_build, tmp_path_factory) -> dict[str, Book]:
    """The sample and tests/roots/test-pack, built with `pubbuild epub`, EPUBCheck-clean
    (the sample is the session's ``sample_build``, made with that very command)."""
    out = tmp_path_factory.mktemp("packs")
    path = out / "test-pack.epub"
    assert main(["-q", "epub", str(copy_root("test-pack", out)), "-o", str(path)]) == 0
    books = {"sample": Book(sample_build["epub"]), "test-pack": Book(path)}
    for book in books.values():
        assert_epubcheck_clean(book.path)
    return books


# ------------------------------------------------------------------ reading order and nav


def test_spine_is_the_reading_order(packs):
    assert packs["test-pack"].spine() == [
        "cover.xhtml", "titlepage.xhtml", "about.xhtml", "accessibility.xhtml", "introduction.xhtml",
        "nav.xhtml", "part-1.xhtml", "harbour.xhtml", "part-2.xhtml", "archive.xhtml", "notes.xhtml",
        "sources.xhtml", "colophon.xhtml"]
    sample = packs["sample"].spine()
    assert sample[sample.index("nav.xhtml") + 1:] == [
        "part-1.xhtml", "artsakh-ceasefire.xhtml", "part-2.xhtml", "reading-rooms.xhtml",
        "letters-from-yerevan.xhtml", "field-notes.xhtml", "sources.xhtml", "colophon.xhtml"]


def test_toc_nests_articles_under_parts(packs):
    toc = packs["test-pack"].nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)[0]
    top = toc.xpath("x:ol/x:li/x:a", namespaces=NS)
    assert [(a.text, a.get("href")) for a in top] == [
        ("About this pack", "about.xhtml#about-title"),
        ("Accessibility", "accessibility.xhtml#accessibility-title"),
        ("Introduction", "introduction.xhtml#introduction-title"),
        ("Part One", "part-1.xhtml#part-1-title"), ("Part Two", "part-2.xhtml#part-2-title"),
        ("List of sources", "sources.xhtml#sources-title"), ("Colophon", "colophon.xhtml#colophon-title")]
    part = "x:ol/x:li[x:a[@href='{}']]/x:ol/x:li/x:a/@href".format
    assert toc.xpath(part("part-1.xhtml#part-1-title"), namespaces=NS) == ["harbour.xhtml#title"]
    assert toc.xpath(part("part-2.xhtml#part-2-title"), namespaces=NS) == [
        "archive.xhtml#title", "notes.xhtml#title"]
    # every entry points at an element that exists
    book = packs["test-pack"]
    for href in toc.xpath(".//x:a/@href", namespaces=NS):
        doc, frag = href.split("#")
        assert book.xml(doc).xpath(f"//*[@id='{frag}']"), href
    ncx = book.xml("toc.ncx")
    assert ncx.xpath("//ncx:navMap/ncx:navPoint[ncx:navLabel/ncx:text='Part Two']/ncx:navPoint"
                     "/ncx:content/@src", namespaces=NS) == ["archive.xhtml#title", "notes.xhtml#title"]


def test_landmarks(packs):
    for book in packs.values():
        marks = dict(zip(book.nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS),
                         book.nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@href", namespaces=NS)))
        assert marks["toc"] == "nav.xhtml#toc"
        assert marks["bodymatter"] == "part-1.xhtml"
        assert marks["cover"] == "cover.xhtml" and marks["titlepage"] == "titlepage.xhtml"
        assert marks["introduction"] == "introduction.xhtml"
        assert marks["bibliography"] == "sources.xhtml" and marks["colophon"] == "colophon.xhtml"


def test_every_epub_type_has_its_role(packs):
    seen = set()
    for book in packs.values():
        for href in book.spine():
            for el in book.xml(href).xpath("//*[@epub:type]", namespaces=NS):
                if el.xpath("ancestor::x:nav[@epub:type='landmarks']", namespaces=NS):
                    continue
                for t in el.get(EPUB_TYPE).split():
                    assert t in ROLES, (href, t)
                    assert el.get("role") == ROLES[t], (href, t, el.get("role"))
                    seen.add(t)
    assert {"part", "preface", "introduction", "bibliography", "colophon", "chapter"} <= seen


def test_part_openers_and_introduction(packs):
    book = packs["test-pack"]
    one = book.xml("part-1.xhtml")
    section = one.xpath("//x:body/x:section[@epub:type='part'][@role='doc-part']", namespaces=NS)[0]
    assert section.get("aria-labelledby") == "part-1-title"
    assert section.xpath("string(x:h1)", namespaces=NS) == "Part One"
    assert section.xpath("string(x:p)", namespaces=NS) == "The first part's introduction."
    two = book.xml("part-2.xhtml")  # a part without an introduction: its title alone
    assert two.xpath("count(//x:section[@epub:type='part']/*)", namespaces=NS) == 1
    intro = book.xml("introduction.xhtml")
    assert intro.xpath("string(//x:section[@epub:type='introduction']/x:h1)", namespaces=NS) == "Introduction"
    assert intro.xpath("string(//x:section[@epub:type='introduction']/x:p/x:strong)", namespaces=NS) == "three"


def test_editor_note_follows_the_title_block_and_is_marked_as_the_editors(packs):
    book = packs["test-pack"]
    doc = book.xml("harbour.xhtml")
    chapter = doc.xpath("//x:body/x:section/*", namespaces=NS)
    assert [el.tag.split("}")[1] for el in chapter][:2] == ["header", "aside"]
    aside = chapter[1]
    label = aside.get("aria-labelledby")
    assert doc.xpath(f"string(//*[@id='{label}'])") == "Editor's note"
    assert aside.xpath("string(x:p[2])", namespaces=NS) == "Read this one first."
    assert aside.xpath("string(x:p[2]/x:em)", namespaces=NS) == "first"
    for other in ("archive.xhtml", "notes.xhtml"):
        assert not book.xml(other).xpath("//x:aside", namespaces=NS), other
    sample = packs["sample"].xml("artsakh-ceasefire.xhtml")
    assert sample.xpath("string(//x:aside/x:p[2])", namespaces=NS).startswith("Kept as published")


def test_generated_matter_documents(packs):
    book = packs["test-pack"]
    for stem, kind in (("about", "preface"), ("sources", "bibliography"), ("colophon", "colophon"),
                       ("accessibility", None)):
        doc = book.xml(f"{stem}.xhtml")
        section = doc.xpath("//x:body/x:section", namespaces=NS)[0]
        assert section.get(EPUB_TYPE) == kind, stem
        assert section.get("aria-labelledby") == f"{stem}-title"
        assert doc.xpath(f"string(//x:h1[@id='{stem}-title'])", namespaces=NS) == doc.xpath(
            "string(//x:head/x:title)", namespaces=NS)
    sources = book.xml("sources.xhtml")
    assert sources.xpath("count(//x:section/x:ol/x:li)", namespaces=NS) == 3
    assert "https://news.example/harbour" in sources.xpath("string(//x:section)", namespaces=NS)


def test_no_page_numbers_without_a_page_map(packs):
    for book in packs.values():
        assert not book.nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
        assert not set(FEATURES) & set(book.features())
        assert not book.meta("pageBreakSource")
        for href in book.spine():
            assert not book.xml(href).xpath("//*[@role='doc-pagebreak']"), href
        assert "page numbers" not in book.meta("schema:accessibilitySummary")[0]
    summary = packs["test-pack"].meta("schema:accessibilitySummary")[0]
    assert summary.startswith("This publication contains 3 articles in 2 parts")


def test_publication_without_parts_keeps_a_flat_toc(tmp_path):
    project = tmp_path / "flat"
    (project / "sources").mkdir(parents=True)
    (project / "sources" / "a.md").write_text("# Alpha\n\nFirst text.\n")
    (project / "sources" / "about.md").write_text("# Beta\n\nAn article whose file is called about.\n")
    (project / "pubbuild.yaml").write_text(
        "title: Flat\nlanguage: en\ndate: 2024-01-01\narticles:\n  - source: sources/a.md\n"
        "    note: A note.\n  - sources/about.md\n")
    out = tmp_path / "flat.epub"
    assert main(["-q", "epub", str(project / "pubbuild.yaml"), "-o", str(out)]) == 0
    assert_epubcheck_clean(out)
    book = Book(out)
    labels = book.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:a/text()", namespaces=NS)
    assert labels == ["About this pack", "Accessibility", "Alpha", "Beta", "List of sources", "Colophon"]
    # the article called "about" does not take the generated page's file
    assert book.spine() == ["cover.xhtml", "titlepage.xhtml", "about.xhtml", "accessibility.xhtml",
                            "nav.xhtml", "a.xhtml", "about-2.xhtml", "sources.xhtml", "colophon.xhtml"]
    assert book.xml("about-2.xhtml").xpath("string(//x:h1)", namespaces=NS) == "Beta"
    marks = book.nav.xpath("//x:nav[@epub:type='landmarks']//x:a[@epub:type='bodymatter']/@href",
                           namespaces=NS)
    assert marks == ["a.xhtml"]
    assert book.xml("a.xhtml").xpath("string(//x:aside/x:p[2])", namespaces=NS) == "A note."


# ------------------------------------------------------------------ print page numbers


def print_html(pub) -> str:
    """The pack as one HTML document, the way a paginated backend lays it out: every
    top-level section's id is the stem of the EPUB document with the same content, all
    rendered through the shared writer (:mod:`pubbuild.writer.shared_sections`) and the PDF
    backend's own writer (which prints link addresses the EPUB does not have).  The
    contents page comes after the title page, as in print (the EPUB's nav comes later)."""
    from pubbuild.backends.pdf.backend import PdfBackend, PdfXhtmlWriter
    from pubbuild.backends.pdf.document import title_page

    lang, src = pub.meta.language, PdfBackend().image_src
    out = [title_page(pub).replace('<section class="titlepage"', '<section id="titlepage" class="titlepage"', 1)]
    out.append('<nav id="toc"><h1>Contents</h1><ol style="list-style: none">' + "".join(
        f"<li>{m.title}</li>" for m in pub.front_matter) + "</ol></nav>")
    for m in pub.front_matter:
        out.append(matter_section(PdfXhtmlWriter, m, lang, f"{m.id}-", src, section_id=m.id))
    if pub.introduction:
        out.append(introduction_section(PdfXhtmlWriter, pub.introduction, lang, "intro-", src,
                                        section_id=INTRODUCTION_ID))
    for part in pub.parts:
        out.append(part_opener(PdfXhtmlWriter, part, lang, f"{part.id}-", src, section_id=part.id))
        for a in part.articles:
            writer = PdfXhtmlWriter(a, id_prefix=f"{a.slug}-", language=a.meta.language, image_src=src)
            note = editor_note(PdfXhtmlWriter, a.editor_note_blocks, lang, a.meta.language,
                               f"{a.slug}-", src)
            out.append(f'<section class="article" id="{a.slug}">{writer.article_body(note)}</section>')
    for m in pub.back_matter:
        out.append(matter_section(PdfXhtmlWriter, m, lang, f"{m.id}-", src, section_id=m.id))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"/><title>t</title></head>'
            f"<body>{''.join(out)}</body></html>")


def lay_out(pub, html: str, pdf: Path) -> tuple[list[PageBreak], float]:
    """WeasyPrint's layout of ``html`` with the PDF backend's stylesheets (fonts, geometry,
    print.css): the page map, and the PDF; also the top margin (points), where the running
    heads sit."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from pubbuild.backends.pdf.backend import PdfBackend
    from pubbuild.backends.pdf.fetcher import STYLES, make_fetcher

    backend, fonts, fetcher = PdfBackend(), FontConfiguration(), make_fetcher(pub.root, False, [])
    # Small pages, so that page breaks fall inside paragraphs, lists, tables and notes too;
    # each part opener on a new page, as in print.
    extra = "@page { size: A6; margin: 14mm 10mm 12mm; } section.part { break-before: page; }"
    css = CSS(string=backend.stylesheets(backend.geometry(pub)) + extra, base_url=STYLES.as_uri() + "/",
              url_fetcher=fetcher, font_config=fonts)
    doc = HTML(string=html, base_url=pub.root.as_uri() + "/", url_fetcher=fetcher)
    document = doc.render(stylesheets=[css], font_config=fonts)
    document.write_pdf(str(pdf))
    top = document.pages[-1]._page_box.margin_top * 0.75 - 2  # CSS px to pt
    return page_breaks(doc.etree_element, document), top


def pdf_pages(pdf: Path, top: float) -> list[str]:
    """Each page's counted text, the top margin (running heads) cropped off."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required")
    # -raw: in drawing order, so that table cells wrapped over several lines stay whole
    text = subprocess.run(["pdftotext", "-raw", "-x", "0", "-y", str(int(top)), "-W", "10000",
                           "-H", "10000", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():  # pdftotext ends every page, the last one too, with \f
        pages.pop()
    return [counted(page) for page in pages]


def marker_context(book: Book) -> dict[str, tuple[str, list[str]]]:
    """Page label -> (the counted text of its document that follows the marker, the
    header rows of the document's tables, which print repeats on every page)."""
    found, nav_pages = {}, 0
    for href in book.spine():
        doc = book.xml(href)
        heads = [counted("".join(h.itertext())) for h in doc.xpath("//x:thead", namespaces=NS)]
        for span in doc.xpath("//*[@role='doc-pagebreak']"):
            assert span.get(EPUB_TYPE) == "pagebreak" and span.tag == f"{{{NS['x']}}}span"
            assert span.get("aria-label") not in found, "one marker per page"
            after = counted("".join(span.xpath("following::text()")))
            if href == "nav.xhtml":
                # The two contents list different entries: every page of the printed contents
                # is marked where the EPUB's begins, and only the first begins with "Contents".
                assert span.getparent().tag == f"{{{NS['x']}}}body"
                after = "" if nav_pages else after[:len("Contents")]
                nav_pages += 1
            found[span.get("aria-label")] = (after, heads)
    return found


def flow_start(page_text: str, expected: str, heads: list[str] = ()) -> str:
    """A page's text without what layout generates before the flow: a table's header
    row repeated on a new page, a list item's number."""
    for head in heads:
        if head and page_text.startswith(head) and not expected.startswith(head[:len(expected)]):
            page_text = page_text[len(head):]
    return re.sub(r"^\d+\.", "", page_text) if not re.match(r"\d", expected) else page_text


def check_markers_against_pdf(book: Book, texts: list[str], n_pages: int) -> int:
    """Each marker's following text begins the PDF page of its number; how many were checked."""
    context = marker_context(book)
    assert sorted(context, key=int) == [str(n) for n in range(1, n_pages + 1)]
    checked = 0
    for label, (after, heads) in context.items():
        page = texts[int(label) - 1]
        if not page or not after:
            continue  # the cover (an image) and the page after the last text
        probe = after[:10]
        assert flow_start(page, probe, heads).startswith(probe), (label, after[:30], page[:40])
        checked += 1
    return checked


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    """The sample laid out for print, and its EPUB built with the page map."""
    out = tmp_path_factory.mktemp("paged")
    pub = load_publication(ROOT / "pubbuild.yaml")
    breaks, top = lay_out(pub, print_html(pub), out / "sample.pdf")
    path = out / "sample.epub"
    EpubBackend(page_map=breaks).write(pub, path)
    assert_epubcheck_clean(path)
    return Book(path), breaks, pdf_pages(out / "sample.pdf", top)


def test_page_map_covers_the_pack(paged):
    _, breaks, _ = paged
    containers = {b.container for b in breaks}
    assert len(breaks) >= 20
    assert {"titlepage", "toc", "about", "accessibility", "part-1", "part-2",
            "artsakh-ceasefire", "reading-rooms", "sources", "colophon"} <= containers


def test_markers_sit_where_the_pdf_pages_begin(paged):
    book, breaks, texts = paged
    checked = check_markers_against_pdf(book, texts, len(breaks))
    assert checked >= len(breaks) - 1
    # the contents page ("toc" in print) is marked in the nav document
    nav_markers = book.nav.xpath("//x:body/x:span[@role='doc-pagebreak']/@aria-label", namespaces=NS)
    assert nav_markers == [b.label for b in breaks if b.container == "toc"]


def test_paged_epub_is_reproducible(paged, tmp_path):
    book, breaks, _ = paged
    pub = load_publication(ROOT / "pubbuild.yaml")
    EpubBackend(page_map=breaks).write(pub, tmp_path / "again.epub")
    assert (tmp_path / "again.epub").read_bytes() == book.path.read_bytes()


def test_page_list_and_metadata(paged):
    book, breaks, _ = paged
    pages = book.nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert len(pages) == 1 and pages[0].get("role") == "doc-pagelist" and pages[0].get("hidden") == "hidden"
    links = pages[0].xpath(".//x:a", namespaces=NS)
    assert [a.text for a in links] == [b.label for b in breaks]
    for a in links:
        doc, frag = a.get("href").split("#")
        target = book.xml(doc).xpath(f"//*[@id='{frag}']")
        assert target and target[0].get("role") == "doc-pagebreak" and target[0].get("aria-label") == a.text
    assert set(FEATURES) <= set(book.features())
    assert book.meta("pageBreakSource") == [
        book.opf.xpath("string(//dc:identifier)", namespaces=NS) + " (PDF edition)"]
    assert "page numbers of the print (PDF) edition" in book.meta("schema:accessibilitySummary")[0]
    ncx = book.xml("toc.ncx")
    assert ncx.xpath("count(//ncx:pageList/ncx:pageTarget)", namespaces=NS) == len(breaks)
    assert ncx.xpath("string(//ncx:meta[@name='dtb:maxPageNumber']/@content)", namespaces=NS) == str(len(breaks))


def test_markers_stay_out_of_headings_and_lists(paged):
    book, _, _ = paged
    for href in book.spine():
        for span in book.xml(href).xpath("//*[@role='doc-pagebreak']"):
            assert not span.xpath("ancestor::x:h1|ancestor::x:h2|ancestor::x:h3|ancestor::x:a",
                                  namespaces=NS), href
            assert span.getparent().tag.split("}")[1] not in ("ol", "ul", "table", "tr"), href


def test_print_edition_without_section_ids_still_places_every_page(tmp_path):
    """The PDF backend's own document with the ids of its cover, title page and contents
    taken away (as they were before issue 6): the cover page goes to the EPUB's cover, the
    others are found by their text."""
    from pubbuild.backends.pdf.backend import PdfBackend

    pub = load_publication(ROOT / "pubbuild.yaml")
    html = PdfBackend().html(pub)
    for ident in ("cover", "titlepage", "nav"):
        assert f' id="{ident}"' in html
        html = html.replace(f' id="{ident}"', "", 1)
    breaks, top = lay_out(pub, html, tmp_path / "plain.pdf")
    assert [b.container for b in breaks[:3]] == [None, None, None]
    EpubBackend(page_map=breaks).write(pub, tmp_path / "plain.epub")
    assert_epubcheck_clean(tmp_path / "plain.epub")
    book = Book(tmp_path / "plain.epub")
    where = {label: href for href in book.spine()
             for label in book.xml(href).xpath("//*[@role='doc-pagebreak']/@aria-label")}
    # The cover image, the title page (two pages in A6), the contents (two pages): a page
    # whose offset grows continues the section of the page before it.
    section, before = None, None
    for b in breaks:
        if b.container is not None:
            continue
        if not b.text:
            section = "cover.xhtml"
        elif b.text.startswith("Contents"):
            section = "nav.xhtml"
        elif before is None or b.offset <= before.offset:
            section = "titlepage.xhtml"
        assert where[b.label] == section, (b, where[b.label])
        before = b
    assert where["1"] == "cover.xhtml" and "nav.xhtml" in where.values()
    check_markers_against_pdf(book, pdf_pages(tmp_path / "plain.pdf", top), len(breaks))


# ------------------------------------------------------------------ locating breaks


def test_locate_follows_text_the_editions_do_not_share():
    # The PDF prints a link's address after its text; the EPUB has back links instead.
    pdf = "Introtextreadmore(https://x.example/a)andthenthenextpagebeginsherewithwords↩nothing"
    epub = "Introtextreadmoreandthenthenextpagebeginsherewithwords↩↩nothing"
    start = pdf.index("thenextpage")
    later = pdf.index("nothing")
    got = locate(fold(epub), [PageBreak(1, "1", "s", 0, text=pdf[:30]),
                                   PageBreak(2, "2", "s", start, text=pdf[start:start + 30]),
                                   PageBreak(3, "3", "s", later, text=pdf[later:later + 30])])
    assert [b.offset for b in got] == [0, epub.index("thenextpage"), epub.index("nothing")]


def test_locate_falls_back_on_the_drift_corrected_offset():
    epub = "aaaaabbbbbcccccdddddeeeee"
    got = locate(epub, [PageBreak(1, "1", "s", 5, text="bbbbbccccc"),
                        PageBreak(2, "2", "s", 17, text="zzzzzzzzzz")])  # not in the EPUB
    assert [b.offset for b in got] == [5, 17]
    shifted = locate("xx" + epub, [PageBreak(1, "1", "s", 5, text="bbbbbccccc"),
                                   PageBreak(2, "2", "s", 17, text="zzzzzzzzzz")])
    assert [b.offset for b in shifted] == [7, 19]


def test_marker_ids_do_not_collide_with_content_ids():
    doc = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
           'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title></head><body>'
           '<h1 id="page-2">Page 2</h1><p>Some words on the first page and more on the second.</p></body></html>')
    paged = apply_page_map([("a1", "a.xhtml", doc)],
                           [PageBreak(1, "1", "a", 0, text="Page2Somewords"),
                            PageBreak(2, "2", "a", 27, text="moreonthesecond")])
    root = etree.fromstring(paged.docs[0][2].encode())
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids)) == 3
    assert paged.anchors == {1: "page-1", 2: "page-2-2"}
    marker = root.xpath("//*[@id='page-2-2']")[0]
    assert counted("".join(marker.xpath("following::text()"))).startswith("moreonthesecond")


def test_offsets_survive_characters_that_fold_to_two():
    doc = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
           'xmlns:epub="http://www.idpf.org/2007/ops" lang="de"><head><title>t</title></head><body>'
           '<p>Die STRASSE heißt Große Straße, Maß für Maß. Zweite Seite beginnt hier.</p></body></html>')
    text = counted("Die STRASSE heißt Große Straße, Maß für Maß. Zweite Seite beginnt hier.")
    start = text.index("Zweite")
    paged = apply_page_map([("a1", "a.xhtml", doc)],
                           [PageBreak(1, "1", "a", 0, text=text[:30]),
                            PageBreak(2, "2", "a", start, text=text[start:start + 30])])
    root = etree.fromstring(paged.docs[0][2].encode())
    marker = root.xpath("//*[@id='page-2']")[0]
    assert counted("".join(marker.xpath("following::text()"))) == "ZweiteSeitebeginnthier."


# ------------------------------------------------------------------ pubbuild build


def test_pack_build_hands_the_page_map_to_the_epub(tmp_path, monkeypatch):
    """`pubbuild build` lays out the paginated format first and passes its page map on,
    whatever order the formats are asked in."""
    from pubbuild.assemble.build import build_all

    class LaidOut(backends.Backend):
        name, suffix, description, paginated = "laidout", ".print.pdf", "test print edition", True

        def write(self, pub, target):
            self.page_map, LaidOut.top = lay_out(pub, print_html(pub), target)

    backends.names()  # load the real ones first
    monkeypatch.setitem(backends.REGISTRY, "laidout", LaidOut)
    manifest = copy_root("test-pack", tmp_path)
    result = build_all(manifest, formats=["epub", "laidout"], cache=False)
    book = Book(result.outputs["epub"])
    assert_epubcheck_clean(book.path)
    assert result.page_map
    texts = pdf_pages(result.outputs["laidout"], LaidOut.top)
    assert check_markers_against_pdf(book, texts, len(result.page_map)) >= 5
    assert set(FEATURES) <= set(book.features())


@pytest.mark.parametrize("name", ["sample", "test-pack"])
def test_pubbuild_build_gives_epub_and_pdf_whose_page_numbers_agree(name, tmp_path, request):
    """The real thing: `pubbuild build` lays out the PDF, and every page of it is marked in
    the EPUB right before the text the PDF page begins with (the test pack: the session's
    shared build of it)."""
    if name == "sample":
        out = tmp_path / "out"
        assert main(["-q", "build", str(ROOT / "pubbuild.yaml"), "-o", str(out)]) == 0
        outputs = {fmt: out / f"south-caucasus-and-beyond.{fmt}" for fmt in ("epub", "pdf")}
    else:
        outputs = request.getfixturevalue("test_pack_build").outputs
    book = Book(outputs["epub"])
    assert_epubcheck_clean(book.path)
    texts = pdf_pages(outputs["pdf"], 0)  # -raw: the running heads come after the flow
    assert check_markers_against_pdf(book, texts, len(texts)) >= len(texts) - 1  # all but the cover
    assert set(FEATURES) <= set(book.features())
    assert book.meta("pageBreakSource")


def test_check_rebuilding_the_epub_keeps_the_print_page_numbers(tmp_path, monkeypatch):
    """`pubbuild check` rebuilds a stale EPUB from the page map recorded with the
    up-to-date print edition, rather than dropping its page numbers."""
    from pubbuild import check as check_module
    from pubbuild.assemble.build import build_all
    from pubbuild.pipeline import recorded_page_map

    class LaidOut(backends.Backend):
        name, suffix, description, paginated = "laidout", ".print.pdf", "test print edition", True
        writes = 0

        def write(self, pub, target):
            LaidOut.writes += 1
            self.page_map, _ = lay_out(pub, print_html(pub), target)

    backends.names()
    monkeypatch.setitem(backends.REGISTRY, "laidout", LaidOut)
    monkeypatch.setattr(EpubBackend, "validate", classmethod(lambda cls, path: (False, [])))  # run below
    manifest = copy_root("test-pack", tmp_path)
    result = build_all(manifest, formats=["epub", "laidout"], cache=False)
    assert recorded_page_map(result.outputs["laidout"]) == result.page_map
    result.outputs["epub"].unlink()
    report = check_module.check(manifest)
    assert LaidOut.writes == 1, "the print edition was up to date"
    assert {o.format: o.rebuilt for o in report.outputs} == {"epub": True, "laidout": False, "pdf": True}
    book = Book(result.outputs["epub"])
    assert_epubcheck_clean(book.path)
    assert len(marker_context(book)) == len(result.page_map)
    assert set(FEATURES) <= set(book.features())
