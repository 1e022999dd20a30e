"""The EPUB backend: metadata claims queried with XPath, validity, determinism, images.

Each ``tests/roots/epub-*`` folder is a tiny project built once per module; every
EPUB built here goes through EPUBCheck.
"""

from __future__ import annotations

import http.server
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import ROOTS, assert_epubcheck_clean
from lxml import etree

from pubbuild.backends.epub.images import sanitize_svg, sniff
from pubbuild.cli import main
from pubbuild.svg import SvgProblem

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Book:
    """An EPUB opened for queries."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.opf = self.xml("EPUB/content.opf")
        self.nav = self.xml("EPUB/nav.xhtml")

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    def meta(self, prop: str) -> list[str]:
        return self.opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)

    def dc(self, name: str) -> list[str]:
        return self.opf.xpath(f"//dc:{name}/text()", namespaces=NS)

    def documents(self) -> dict[str, etree._Element]:
        items = self.opf.xpath("//opf:item[@media-type='application/xhtml+xml']/@href", namespaces=NS)
        return {href: self.xml(f"EPUB/{href}") for href in items}


def build(target: Path, out: Path, *extra: str, quiet: bool = True) -> Path:
    assert main([*(["-q"] if quiet else []), "epub", str(target), "-o", str(out), *extra]) == 0
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Book]:
    """Every root built once and checked by EPUBCheck."""
    out = tmp_path_factory.mktemp("roots")
    result = {}
    for name in ("epub-images", "epub-text", "epub-certified"):
        path = build(ROOTS / name / "pubbuild.yaml", out / f"{name}.epub")
        assert_epubcheck_clean(path)
        result[name] = Book(path)
    return result


# ------------------------------------------------------------------ claims


def test_text_only_book_claims_nothing_visual(books):
    b = books["epub-text"]
    assert b.meta("schema:accessMode") == ["textual"]
    assert b.meta("schema:accessModeSufficient") == ["textual"]
    features = b.meta("schema:accessibilityFeature")
    assert {"structuralNavigation", "tableOfContents", "readingOrder",
            "displayTransformability"} <= set(features)
    assert "alternativeText" not in features
    assert b.meta("schema:accessibilityHazard") == ["none"]
    assert not b.meta("dcterms:conformsTo") and not b.meta("a11y:certifiedBy")
    summary = b.meta("schema:accessibilitySummary")[0]
    assert "3 articles" in summary and "no images apart from the cover" in summary
    assert "(hy)" in summary  # the Armenian article is announced


def test_image_without_alt_blocks_alternative_text_and_claim(books):
    b = books["epub-images"]
    assert b.meta("schema:accessMode") == ["textual", "visual"]
    # one image has no text alternative: text alone is not sufficient
    assert b.meta("schema:accessModeSufficient") == ["textual,visual"]
    assert "alternativeText" not in b.meta("schema:accessibilityFeature")
    # the manifest names a certifier, but pubbuild's own checks failed
    assert not b.meta("dcterms:conformsTo") and not b.meta("a11y:certifiedBy")
    summary = b.meta("schema:accessibilitySummary")[0]
    assert "4 of 5 images have a text alternative; 1 does not" in summary
    assert "not claimed to conform" in summary


def test_clean_certified_book_makes_the_claim(books):
    b = books["epub-certified"]
    assert b.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert b.meta("a11y:certifiedBy") == ["Example Accessibility Lab"]
    cred = b.opf.xpath("//opf:meta[@property='a11y:certifierCredential']", namespaces=NS)[0]
    certifier_id = b.opf.xpath("//opf:meta[@property='a11y:certifiedBy']/@id", namespaces=NS)[0]
    assert cred.text == "DAISY Ace Certified" and cred.get("refines") == f"#{certifier_id}"
    assert "alternativeText" in b.meta("schema:accessibilityFeature")
    assert b.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert b.dc("identifier") == ["urn:isbn:9780000000002"]


def test_every_article_records_its_source(books):
    b = books["epub-text"]
    assert b.dc("source") == ["notes.md", "plain.txt", "Yerevan Letters, Նամակ Երևանից"]
    doc = b.xml("EPUB/armenian.xhtml")
    line = "".join(doc.xpath("//x:p[@class='source']//text()", namespaces=NS))
    # an Armenian article's source line is in Armenian, its date written out for hy
    assert line.startswith("Աղբյուր՝ Yerevan Letters, ") and "վերցված է 2023 թ. մայիսի 4" in line
    assert doc.xpath("//x:p[@class='source']/x:time/@datetime", namespaces=NS) == ["2023-05-04"]
    c = books["epub-certified"]
    assert c.dc("source") == ["https://reports.example/clean"]
    line = "".join(c.xml("EPUB/article.xhtml").xpath("//x:p[@class='source']//text()", namespaces=NS))
    assert line.startswith("Source: Reports Example, ")
    for part in ("February 20, 2024", "retrieved February 25, 2024", "https://reports.example/clean"):
        assert part in line


# ------------------------------------------------------------------ structure


def test_documents_have_language_titles_and_roles(books):
    for name, b in books.items():
        lang = b.opf.get(XML_LANG)
        assert lang and b.dc("language")[0] == lang, name
        for href, doc in b.documents().items():
            assert doc.get("lang") and doc.get(XML_LANG) == doc.get("lang"), (name, href)
            assert doc.xpath("string(//x:head/x:title)", namespaces=NS).strip(), (name, href)
            for el in doc.xpath("//*[@epub:type]", namespaces=NS):
                types = el.get(f"{{{NS['epub']}}}type").split()
                role = el.get("role")
                expected = {"chapter": "doc-chapter", "toc": "doc-toc", "noteref": "doc-noteref",
                            "endnotes": "doc-endnotes", "footnote": "doc-footnote",
                            "subtitle": "doc-subtitle"}
                for t in types:
                    if t in expected and not el.xpath("ancestor::x:nav[@epub:type='landmarks']",
                                                      namespaces=NS):
                        assert role == expected[t], (name, href, t)
            assert not doc.xpath("//x:article", namespaces=NS)
    chapters = books["epub-text"].xml("EPUB/armenian.xhtml")
    assert chapters.get("lang") == "hy"
    assert chapters.xpath("string(//x:head/x:title)", namespaces=NS) == "Նամակ Երևանից"
    assert chapters.xpath("//x:body/x:section[@epub:type='chapter'][@role='doc-chapter']",
                          namespaces=NS)


def test_nav_toc_landmarks_and_no_page_list(books):
    b = books["epub-text"]
    toc = b.nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)[0]
    assert toc.get("role") == "doc-toc"
    labels = toc.xpath("x:ol/x:li/x:a/text()", namespaces=NS)
    # the articles, between the generated front and back matter (no parts: a flat list)
    assert labels == ["About this pack", "Accessibility", "Notes on Quiet Rooms", "A Plain Letter",
                      "Նամակ Երևանից", "List of sources", "Colophon"]
    articles = "x:ol/x:li[x:a[substring-after(@href, '#') = 'title']]"
    assert toc.xpath(f"{articles}[1]/x:ol/x:li/x:a/text()", namespaces=NS) == ["Seats", "Hours"]
    assert toc.xpath(f"{articles}[3]/x:a/@lang", namespaces=NS) == ["hy"]
    landmarks = b.nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert {"toc", "bodymatter", "cover"} <= set(landmarks)
    assert not b.nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    ncx = b.xml("EPUB/toc.ncx")
    assert ncx.xpath("//ncx:navPoint/ncx:navLabel/ncx:text/text()", namespaces=NS)[2:4] == [
        "Notes on Quiet Rooms", "Seats"]
    assert b.opf.xpath("//opf:spine/@toc", namespaces=NS) == ["ncx"]


def test_covers(books):
    generated = books["epub-text"]
    href = generated.opf.xpath("//opf:item[@properties='cover-image']/@href", namespaces=NS)
    assert href == ["images/cover.svg"]
    svg = generated.xml("EPUB/images/cover.svg")
    assert "Words Alone" in svg.xpath("string(//*[local-name()='title'])")
    cover = generated.xml("EPUB/cover.xhtml")
    assert cover.xpath("//x:img/@alt", namespaces=NS) == ["Cover of Words Alone: Notes without pictures"]
    given = books["epub-certified"]
    item = given.opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)[0]
    assert item.get("media-type") == "image/png"
    assert given.zip.read(f"EPUB/{item.get('href')}") == (ROOTS / "epub-certified/images/cover.png").read_bytes()


def test_images_packaged_by_content(books):
    b = books["epub-images"]
    types = {i.get("href"): i.get("media-type")
             for i in b.opf.xpath("//opf:item[starts-with(@href, 'images/')]", namespaces=NS)}
    assert len(types) == 7  # cover, chart, JPEG, converted BMP, SVG, photo, decorative GIF
    for href, media in types.items():
        assert sniff(b.zip.read(f"EPUB/{href}")) == media, href
    article = b.xml("EPUB/article.xhtml")
    src = article.xpath("//x:img[@alt='A red square.']/@src", namespaces=NS)[0]
    assert types[src] == "image/jpeg"  # named .png, really a JPEG
    src = article.xpath("//x:img[@alt='A blue square.']/@src", namespaces=NS)[0]
    assert types[src] == "image/png"  # BMP converted
    svg_src = article.xpath("//x:img[@alt='Three grey circles in a row.']/@src", namespaces=NS)[0]
    svg = b.zip.read(f"EPUB/{svg_src}").decode()
    for bad in ("script", "onload", "onclick", "foreignObject", "javascript", "tracker.example",
                "animate", "boom"):
        assert bad not in svg, bad
    assert svg.count("<circle") == 3
    # the remote image: its text alternative and a link, never fetched
    missing = article.xpath("//x:*[@class='missing-image']", namespaces=NS)[0]
    assert "Fishing boats in a harbour at dawn." in "".join(missing.itertext())
    assert missing.xpath("x:a/@href", namespaces=NS) == ["https://images.example/harbour.jpg"]


def test_remote_image_diagnostic(tmp_path, capsys):
    build(ROOTS / "epub-images/pubbuild.yaml", tmp_path / "i.epub", quiet=False)
    text = capsys.readouterr().err
    assert "A002 image https://images.example/harbour.jpg not fetched (use --allow-network)" in text
    assert "E002 accessibility conformance claim withheld" in text


# ------------------------------------------------------------------ determinism


def test_rebuild_is_byte_identical_and_honours_source_date_epoch(tmp_path, monkeypatch):
    manifest = ROOTS / "epub-images/pubbuild.yaml"
    a, b = build(manifest, tmp_path / "a.epub"), build(manifest, tmp_path / "b.epub")
    assert a.read_bytes() == b.read_bytes()
    z = zipfile.ZipFile(a)
    assert z.namelist()[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in z.infolist()} == {(2024, 2, 3, 0, 0, 0)}  # the manifest date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    c = build(manifest, tmp_path / "c.epub")
    zc = zipfile.ZipFile(c)
    assert {i.date_time for i in zc.infolist()} == {(2020, 9, 13, 12, 26, 40)}
    assert Book(c).meta("dcterms:modified") == ["2020-09-13T12:26:40Z"]
    assert Book(c).dc("identifier") == Book(a).dc("identifier")


# ------------------------------------------------------------------ one-article builds

ONE_ARTICLE = ["epub-images/article.html", "epub-text/notes.md", "epub-text/plain.txt",
               "epub-text/armenian.html", "epub-certified/article.html", "epub-rtl/article.html"]


@pytest.mark.parametrize("source", ONE_ARTICLE)
def test_one_article_build_is_valid(source, tmp_path):
    out = build(ROOTS / source, tmp_path / "one.epub")
    assert_epubcheck_clean(out)
    b = Book(out)
    assert len(b.opf.xpath("//opf:spine/opf:itemref", namespaces=NS)) == 4  # cover, title, nav, article
    assert b.dc("title")[0] == b.nav.xpath("string(//x:nav[@epub:type='toc']//x:li[1]/x:a)", namespaces=NS)


def test_right_to_left_book(tmp_path):
    b = Book(build(ROOTS / "epub-rtl/article.html", tmp_path / "rtl.epub"))
    assert b.opf.get("dir") == "rtl" and b.opf.get(XML_LANG) == "he"
    assert b.opf.xpath("//opf:spine/@page-progression-direction", namespaces=NS) == ["rtl"]
    assert b.xml("EPUB/article.xhtml").get("dir") == "rtl"
    summary = b.opf.xpath("//opf:meta[@property='schema:accessibilitySummary']", namespaces=NS)[0]
    assert summary.get(XML_LANG) == "en"  # written in English inside a Hebrew package


# ------------------------------------------------------------------ network


class _Server:
    """A local HTTP server that serves one PNG and counts requests."""

    def __init__(self, png: bytes) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                if self.path == "/photo.png":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.end_headers()
                    self.wfile.write(png)
                else:
                    self.send_error(404)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server((ROOTS / "epub-certified/images/chart.png").read_bytes())
    yield s
    s.close()


@pytest.mark.slow
def test_allow_network_fetches_remote_images(tmp_path, server, capsys):
    src = tmp_path / "remote.html"
    src.write_text(f'<html lang="en"><head><title>Remote</title></head><body><article><h1>Remote</h1>'
                   f'<p>Text.</p><figure><img src="{server.url}/photo.png" alt="A chart."></figure>'
                   f'<figure><img src="{server.url}/gone.png" alt="A lost picture."></figure>'
                   f"</article></body></html>")
    offline = build(src, tmp_path / "offline.epub")
    assert server.hits == []  # never fetched without --allow-network
    assert not [n for n in zipfile.ZipFile(offline).namelist() if n.endswith(".png")]
    capsys.readouterr()
    online = build(src, tmp_path / "online.epub", "--allow-network", quiet=False)
    err = capsys.readouterr().err
    assert sorted(server.hits) == ["/gone.png", "/photo.png"]
    assert_epubcheck_clean(online)
    b = Book(online)
    article = b.xml("EPUB/remote.xhtml")
    href = article.xpath("//x:img[@alt='A chart.']/@src", namespaces=NS)[0]
    assert b.zip.read(f"EPUB/{href}") == (ROOTS / "epub-certified/images/chart.png").read_bytes()
    assert "A002 image " + server.url + "/gone.png not fetched: HTTP 404" in err
    assert "A lost picture." in "".join(article.xpath("//x:*[@class='missing-image']//text()",
                                                      namespaces=NS))


# ------------------------------------------------------------------ errors and units


def test_unusable_cover_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n")
    (tmp_path / "cover.png").write_text("not an image at all")
    (tmp_path / "pubbuild.yaml").write_text("title: T\ncover: cover.png\narticles: [a.txt]\n")
    assert main(["epub", str(tmp_path / "pubbuild.yaml"), "-o", str(tmp_path / "t.epub")]) == 1
    err = capsys.readouterr().err
    assert "cover.png: cover image cannot be used" in err and "Traceback" not in err


SVG_CASES = [
    ("script", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script><rect/></svg>',
     ["<script", "x()"], ["<rect"]),
    ("handlers", b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><g onclick="y()"/></svg>',
     ["onload", "onclick"], ["<g"]),
    ("external-href", (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                       b'<use xlink:href="http://e.example/s.svg#a"/><use href="#local"/></svg>'),
     ["e.example"], ['href="#local"']),
    ("css-url", (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://e.example/)"/>'
                 b'<rect fill="url(#g)"/></svg>'), ["e.example"], ['fill="url(#g)"']),
    ("link-unwrapped", b'<svg xmlns="http://www.w3.org/2000/svg"><text>a <a href="javascript:x">b</a> c</text></svg>',
     ["javascript", "<a "], ["a b c"]),
    ("script-in-link", (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"><a><script>x()</script></a>'
                        b'<circle/></a></svg>'), ["<script", "x()", "<a"], ["<circle"]),
    ("css-escape", (b'<svg xmlns="http://www.w3.org/2000/svg">'
                    b'<style>rect { fill: u\\72l(https://e.example/) }</style><rect/></svg>'),
     ["e.example", "<style"], ["<rect"]),
    ("entities", (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                  b'<svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>'),
     ["root:", "ENTITY"], ["<text"]),
]


@pytest.mark.parametrize("name,data,absent,present", SVG_CASES, ids=[c[0] for c in SVG_CASES])
def test_svg_sanitiser(name, data, absent, present):
    out = sanitize_svg(data).decode()
    for bad in absent:
        assert bad not in out
    for good in present:
        assert good in out


@pytest.mark.parametrize("data", [b"<html><body/></html>", b"<svg"])
def test_svg_sanitiser_rejects_non_svg(data):
    with pytest.raises(SvgProblem):
        sanitize_svg(data)
