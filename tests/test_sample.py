"""The sample publication builds, validates, and is reproducible."""

from __future__ import annotations

import os
import zipfile

import pikepdf
import pytest
from conftest import ROOT, assert_epubcheck_clean

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
