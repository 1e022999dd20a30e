"""Page-break markers sit where the PDF's pages begin (compared with the PDF's own text)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from pubbuild.backends.epub.page_markers import (
    EPUB_NS,
    XHTML,
    PagedDocs,
    insert_markers,
    page_break_source,
    page_list,
)
from pubbuild.backends.pagemap import PageBreak, counted
from pubbuild.backends.pdf.page_map import page_breaks

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

WORDS = ["accessibility", "briefing", "parliament", "hyphenation", "archive", "committee", "reading-room", "infrastructure", "ceasefire", "international", "correspondence"]


def _paragraph(n: int, length: int) -> str:
    return " ".join(WORDS[(n * 7 + i) % len(WORDS)] + ("," if i % 9 == 8 else "") for i in range(length))


def _sections() -> dict[str, str]:
    """Three top-level sections, as the PDF HTML and the EPUB documents both carry them."""
    rows = "".join(f"<tr><td>Town {i}</td><td>{i * 37}</td></tr>" for i in range(45))
    return {
        "front": "<h1>About this pack</h1><p>A short front page.</p>",
        "alpha": ("<h1>Alpha article</h1>"
                  + "".join(f"<p>{_paragraph(n, 90)} <em>emphasis {n}</em> after.</p>" for n in range(6))
                  + "<ol>" + "".join(f"<li>item number {i} in a list of points</li>" for i in range(12)) + "</ol>"),
        "beta": ("<h1>Beta article</h1><p>Before the table.</p>"
                 "<table><thead><tr><th>Region</th><th>Visits</th></tr></thead>"
                 f"<tbody>{rows}</tbody></table>"
                 + "".join(f"<p>{_paragraph(n, 60)}</p>" for n in range(3))),
    }


CSS = """@page { size: A6; margin: 12mm 10mm; @bottom-center { content: counter(page); } }
body { font-family: "DejaVu Serif", serif; font-size: 10pt; }
p { hyphens: auto; text-align: justify; }
section { break-before: page; }
thead { display: table-header-group; }
"""


def _counted_text(text: str) -> str:
    return "".join(c for c in text if counted(c) and c != "\u2010")


def _flow_start(page_text: str, expected: str) -> str:
    """The page's text without what layout generates before the flow: a repeated table
    header and a list item's number or bullet."""
    if page_text.startswith("RegionVisits") and not expected.startswith("Region"):
        page_text = page_text[len("RegionVisits"):]
    if page_text.startswith(("•", "◦", "▪")) and not expected.startswith(("•", "◦", "▪")):
        page_text = page_text[1:]
    return re.sub(r"^\d+\.", "", page_text) if not re.match(r"\d", expected) else page_text


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    from weasyprint import CSS as Css
    from weasyprint import HTML

    body = "".join(f'<section id="{k}">{v}</section>' for k, v in _sections().items())
    html = HTML(string=f'<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>{body}</body></html>')
    document = html.render(stylesheets=[Css(string=CSS)])
    breaks = page_breaks(html.etree_element, document)
    pdf = tmp_path_factory.mktemp("pagemap") / "doc.pdf"
    document.write_pdf(str(pdf))
    return breaks, pdf, len(document.pages)


def _pdf_pages(pdf: Path, n: int, top: float = 0) -> list[str]:
    """Each page's text; ``top`` (points) crops the top margin, where running heads sit."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required")
    out = []
    crop = ["-x", "0", "-y", str(int(top)), "-W", "10000", "-H", "10000"] if top else []
    for page in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", *crop,
                               str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        out.append(_counted_text(text))
    return out


def test_every_page_has_one_break_in_order(laid_out):
    breaks, _, pages = laid_out
    assert pages >= 8, "the test document must span several pages"
    assert [b.page for b in breaks] == list(range(1, pages + 1))
    assert [b.label for b in breaks] == [str(n) for n in range(1, pages + 1)]
    assert {b.container for b in breaks} == {"front", "alpha", "beta"}
    keyed = [(["front", "alpha", "beta"].index(b.container), b.offset) for b in breaks]
    assert keyed == sorted(keyed)


def test_breaks_match_the_pdf_text(laid_out):
    breaks, pdf, pages = laid_out
    texts = _pdf_pages(pdf, pages)
    repeated_header = list_item = 0
    for b, page_text in zip(breaks, texts):
        expected = _counted_text(b.text)[:12]
        assert expected, b
        repeated_header += page_text.startswith("RegionVisits") and not expected.startswith("Region")
        list_item += bool(re.match(r"\d+\.item", page_text))
        assert _flow_start(page_text, expected).startswith(expected), (b, page_text[:40])
        assert b.container in _sections()
    assert repeated_header >= 1, "the test must cover a table header repeated on a new page"
    assert list_item >= 1, "the test must cover a page that begins inside a list"
    assert any(b.offset and b.text[:1].islower() for b in breaks), "and one inside a paragraph"


def test_markers_in_the_epub_documents_sit_where_pages_begin(laid_out):
    breaks, pdf, pages = laid_out
    texts = _pdf_pages(pdf, pages)
    by_container: dict[str, list[PageBreak]] = {}
    for b in breaks:
        by_container.setdefault(b.container, []).append(b)
    found: dict[str, str] = {}
    for key, content in _sections().items():
        doc = etree.fromstring(
            f'<html xmlns="{XHTML}" xmlns:epub="{EPUB_NS}"><head><title>t</title></head><body>'
            f'<section id="{key}">{content}</section></body></html>')
        section = doc.find(f".//{{{XHTML}}}section")
        assert insert_markers(section, by_container.get(key, [])) == len(by_container.get(key, []))
        xml = etree.tostring(doc, encoding="unicode")
        # The markers changed nothing but themselves: the text is the same.
        assert _counted_text("".join(section.itertext())) == _counted_text(
            "".join(etree.fromstring(f'<s xmlns="{XHTML}">{content}</s>').itertext()))
        for b in by_container.get(key, []):
            assert f'id="page-{b.label}"' in xml and f'aria-label="{b.label}"' in xml
        # Text following each marker, up to the next one.
        for span in section.iter(f"{{{XHTML}}}span"):
            if span.get(f"{{{EPUB_NS}}}type") != "pagebreak":
                continue
            assert span.get("role") == "doc-pagebreak"
            following = "".join(span.xpath("following::text()"))
            found[span.get("aria-label")] = _counted_text(following)[:12]
    for b, page_text in zip(breaks, texts):
        after = found[b.label]
        assert after and _flow_start(page_text, after).startswith(after), (b.label, after, page_text[:30])


def test_insert_markers_splits_text_and_tails():
    doc = etree.fromstring(f'<div xmlns="{XHTML}"><p>ab <em>cd</em> ef</p><p>gh</p></div>')
    breaks = [PageBreak(1, "1", "x", 0), PageBreak(2, "2", "x", 3), PageBreak(3, "3", "x", 4),
              PageBreak(4, "4", "x", 6), PageBreak(5, "5", "x", 8, before_text=False)]
    assert insert_markers(doc, breaks) == 5
    labels = []
    for node in doc.iter():
        if node.get("role") == "doc-pagebreak":
            labels.append((node.get("aria-label"), _counted_text("".join(node.xpath("following::text()")))))
    assert labels == [("1", "abcdefgh"), ("2", "defgh"), ("3", "efgh"), ("4", "gh"), ("5", "")]
    assert _counted_text("".join(doc.itertext())) == "abcdefgh"


def test_page_list_and_source():
    breaks = [PageBreak(1, "1", "about", 0), PageBreak(2, "2", "alpha", 10)]
    nav = page_list(PagedDocs([], breaks, {1: "page-1", 2: "page-2"}), {"about": "about.xhtml", "alpha": "alpha.xhtml"})
    assert 'epub:type="page-list"' in nav and 'href="alpha.xhtml#page-2"' in nav
    assert page_break_source("urn:uuid:1") == "urn:uuid:1 (PDF edition)"


# ------------------------------------------------------------------ end to end on the sample


def _with_page_markers(epub: Path, breaks: list[PageBreak], identifier: str, out: Path) -> int:
    """The sample EPUB with the PDF's page breaks added the way the EPUB backend will add
    them (markers in each content document, a page-list nav, the metadata); how many."""
    import zipfile

    inserted = 0
    src = zipfile.ZipFile(epub)
    docs = {n.rsplit("/", 1)[-1].removesuffix(".xhtml"): n for n in src.namelist() if n.endswith(".xhtml")}
    if any(b"doc-pagebreak" in src.read(n) for n in docs.values()):
        # The EPUB backend marked the print pages itself in the same build: check it as it is.
        shutil.copyfile(epub, out)
        return sum(src.read(n).count(b'role="doc-pagebreak"') for n in docs.values())
    # Every section of the PDF is an EPUB document; a pack's generated matter only where the
    # EPUB backend renders it: elsewhere its pages are marked where the next known one begins.
    stems: list[str] = []
    for n, b in enumerate(breaks):
        later = (x.container for x in breaks[n:] if x.container in docs)
        stems.append(next(later, "titlepage"))
    assert {a.container for a in breaks if a.container and a.container not in docs} <= {
        "about", "accessibility", "introduction", "sources", "colophon", "part-1", "part-2"}
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            stem = info.filename.rsplit("/", 1)[-1].removesuffix(".xhtml")
            mine = [replace(b, offset=0, before_text=True) if b.container != stem else b
                    for b, s in zip(breaks, stems) if s == stem]
            if mine:
                doc = etree.fromstring(data)
                inserted += insert_markers(doc.find(f"{{{XHTML}}}body"), mine)
                data = etree.tostring(doc, xml_declaration=True, encoding="utf-8")
            if stem == "nav":
                where = dict(zip((b.page for b in breaks), stems))
                nav = page_list(PagedDocs([], [replace(b, container=where[b.page]) for b in breaks],
                                          {b.page: f"page-{b.label}" for b in breaks}),
                                {stem: f"{stem}.xhtml" for stem in docs})
                data = data.replace(b"</body>", nav.encode() + b"</body>")
            elif info.filename.endswith(".opf"):
                meta = (f'<meta property="pageBreakSource">{page_break_source(identifier)}</meta>'
                        '<meta property="schema:accessibilityFeature">pageNavigation</meta>'
                        '<meta property="schema:accessibilityFeature">pageBreakMarkers</meta></metadata>')
                data = data.replace(b"</metadata>", meta.encode())
            dst.writestr(info, data, compress_type=zipfile.ZIP_STORED if info.filename == "mimetype"
                         else zipfile.ZIP_DEFLATED)
    return inserted


def test_sample_epub_with_pdf_page_breaks_stays_valid(sample_build, tmp_path):
    import os

    from conftest import ROOT, assert_epubcheck_clean
    from weasyprint import CSS as Css
    from weasyprint import HTML

    from pubbuild.assemble.publication import load_publication
    from pubbuild.backends.pdf.backend import STYLES, PdfBackend, make_fetcher

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        pub = load_publication(ROOT / "pubbuild.yaml")
    finally:
        os.chdir(cwd)
    html = HTML(string=PdfBackend().html(pub), base_url=pub.root.as_uri() + "/",
                url_fetcher=make_fetcher(pub.root, False, []))
    document = html.render(stylesheets=[Css(filename=str(STYLES / "print.css"))], pdf_tags=True)
    breaks = page_breaks(html.etree_element, document)
    pdf = tmp_path / "sample.pdf"
    document.write_pdf(str(pdf))
    # pdftotext also reads the running heads (artifacts in the top margin): crop them off
    top = document.pages[1]._page_box.margin_top * 0.75 - 2  # CSS px to pt
    texts = _pdf_pages(pdf, len(document.pages), top)
    for b, page_text in zip(breaks, texts):
        expected = _counted_text(b.text)[:8]
        assert _flow_start(page_text, expected).startswith(expected), (b, page_text[:30])
    out = tmp_path / "paged.epub"
    assert _with_page_markers(sample_build["epub"], breaks, pub.meta.identifier, out) == len(breaks)
    assert_epubcheck_clean(out)


def test_markers_stay_out_of_headings_and_lists():
    doc = etree.fromstring(f'<body xmlns="{XHTML}"><section><h1>Title</h1><p>one two</p>'
                           '<ul><li>item</li></ul><h2>Next</h2></section></body>')
    breaks = [PageBreak(1, "1", "x", 0), PageBreak(2, "2", "x", 0),  # a blank page, then the title
              PageBreak(3, "3", "x", 5), PageBreak(4, "4", "x", 11), PageBreak(5, "5", "x", 15, before_text=False)]
    assert insert_markers(doc, breaks) == 5
    xml = etree.tostring(doc, encoding="unicode")
    xml = xml.replace(f' xmlns:epub="{EPUB_NS}"', "").replace(f' xmlns="{XHTML}"', "")
    mark = '<span epub:type="pagebreak" role="doc-pagebreak" id="page-{0}" aria-label="{0}"/>'.format
    # Hoisted as far as the page's first element starts: here before the section.
    assert xml == ("<body>" + mark(1) + mark(2) + "<section><h1>Title</h1>" + mark(3) + "<p>one two</p>"
                   "<ul><li>" + mark(4) + "item</li></ul>" + mark(5) + "<h2>Next</h2></section></body>")


@pytest.mark.parametrize(("names", "record", "wanted"), [
    (["laidout"], False, False),          # `pubbuild pdf` alone: nobody takes the map
    (["laidout"], True, True),            # kept with the output's record
    (["epub", "laidout"], False, True),   # handed on to the EPUB
])
def test_the_page_map_is_looked_for_only_when_someone_takes_it(names, record, wanted, tmp_path,
                                                               monkeypatch):
    """Finding where pages begin walks every laid-out box: the pipeline tells a paginated
    backend whether a later backend or the output's record will use the map."""
    from pubbuild import backends, pipeline
    from pubbuild.assemble.publication import load_publication
    from pubbuild.backends.epub.backend import EpubBackend

    seen: dict[str, bool] = {}

    class LaidOut(backends.Backend):
        name, suffix, description, paginated = "laidout", ".print.pdf", "test print edition", True

        def write(self, pub, target):
            seen["laidout"] = self.page_map_wanted
            target.write_bytes(b"%PDF-1.7\n")

    def epub_write(self, pub, target):
        seen["epub"] = self.page_map_wanted
        target.write_bytes(b"PK")

    backends.names()  # load the real ones first
    monkeypatch.setitem(backends.REGISTRY, "laidout", LaidOut)
    monkeypatch.setattr(EpubBackend, "write", epub_write)
    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    pub = load_publication(root / "pubbuild.yaml")
    pipeline.render(pub, names, backends.BuildOptions(), lambda cls: tmp_path / f"out{cls.suffix}",
                    record=record)
    assert seen["laidout"] is wanted
    assert seen.get("epub", False) is False  # the last one hands nothing on
