"""The sample publication builds, validates, and is reproducible."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pikepdf
import pytest
from conftest import ROOT, assert_epubcheck_clean
from pdfcheck import artifacts, page_texts

from pubbuild.backends.pdf.validate import pdf_structure
from pubbuild.cli import main

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def test_sample_epub_passes_epubcheck(sample_build):
    report = assert_epubcheck_clean(sample_build["epub"])
    assert report["usage"] >= 0


def test_sample_epub_structure(sample_build):
    z = zipfile.ZipFile(sample_build["epub"])
    names = z.namelist()
    assert names[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    opf = z.read("EPUB/content.opf").decode()
    assert 'xml:lang="en"' in opf
    for doc in ("artsakh-ceasefire.xhtml", "reading-rooms.xhtml", "letters-from-yerevan.xhtml",
                "field-notes.xhtml", "nav.xhtml"):
        assert f"EPUB/{doc}" in names
    article = z.read("EPUB/artsakh-ceasefire.xhtml").decode()
    assert "Leave a Reply" not in article and "Your email address" not in article
    assert "On September 20, 2023" in article and "enduring conflict" in article


def test_sample_pdf_is_tagged(sample_build):
    with pikepdf.open(sample_build["pdf"]) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en"
        assert root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as xmp:
            assert xmp.get("dc:title") == "South Caucasus and Beyond"
        fonts = []
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                desc = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                fonts.append(any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")))
        assert fonts and all(fonts)


def test_sample_pdf_text_reads_back_as_unicode(sample_build):
    """Every code shown maps to Unicode and every heading marks content (P007, P008: the
    page-number stamp's simple WinAnsi font, the chart's text, the CID fonts' ToUnicode
    maps), and the page numbers read back as the digits printed."""
    assert pdf_structure(sample_build["pdf"])[1] == []
    with pikepdf.open(sample_build["pdf"]) as pdf:
        stamped = [n for n, page in enumerate(pdf.pages, 1)
                   if any(str(op) == "Tf" and operands[0] == "/PbPageNumber"
                          for operands, op in pikepdf.parse_content_stream(page))]
        assert "/Pagination" in artifacts(pdf)
    texts = page_texts(sample_build["pdf"])
    assert len(stamped) >= 10
    for n in stamped:
        assert texts[n - 1].split()[-1] == str(n), (n, texts[n - 1][-200:])


def test_sample_pdf_uses_shipped_fonts_only(sample_build, tmp_path):
    """The PDF built where fontconfig knows no font at all (an empty configuration) is
    byte-identical to the usual build: no text, the chart's generic ``sans-serif``
    included, is set in a font of the machine, so another machine gives the same bytes."""
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><cachedir>{tmp_path / 'cache'}</cachedir>"
                      "</fontconfig>")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    out = tmp_path / "no-system-fonts.pdf"
    subprocess.run([sys.executable, "-m", "pubbuild", "-q", "pdf", "pubbuild.yaml", "-o", str(out)],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    assert out.read_bytes() == sample_build["pdf"].read_bytes()


def test_builds_are_byte_identical(sample_build, tmp_path, monkeypatch):
    """A second build gives the bytes of the session's first (``sample_build``, made with
    the same command, earlier in the session)."""
    monkeypatch.chdir(ROOT)
    for fmt in ("epub", "pdf"):
        again = tmp_path / f"again.{fmt}"
        assert main(["-q", fmt, "-o", str(again)]) == 0
        assert again.read_bytes() == sample_build[fmt].read_bytes(), fmt


def test_source_date_epoch_sets_timestamps(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "e.epub"
    assert main(["-q", "epub", "-o", str(out)]) == 0
    z = zipfile.ZipFile(out)
    assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert "2023-11-14T22:13:20Z" in z.read("EPUB/content.opf").decode()
    _ = os
