"""Every character code a PDF shows maps to Unicode (P007), every heading marks content
(P008): the checks of ``pubbuild check`` on small PDFs written here with pikepdf, one
case per way a font can map its codes or fail to."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from pubbuild.backends.pdf.text_unicode import unmapped_text
from pubbuild.backends.pdf.validate import pdf_structure


def _to_unicode(pdf: pikepdf.Pdf, body: str) -> pikepdf.Object:
    return pdf.make_stream(f"/CIDInit /ProcSet findresource begin begincmap "
                           f"1 begincodespacerange <0000> <ffff> endcodespacerange {body} "
                           f"endcmap end".encode())


def _simple(pdf, flags=32, encoding=Name.WinAnsiEncoding, subtype=Name.TrueType, **extra):
    font = Dictionary(Type=Name.Font, Subtype=subtype, BaseFont=Name("/ABCDEF+Test"),
                      FontDescriptor=Dictionary(Type=Name.FontDescriptor, Flags=flags), **extra)
    if encoding is not None:
        font.Encoding = encoding
    return font


def _type0(pdf, to_unicode: str | None = None, ordering="Identity", cmap="/Identity-H"):
    info = Dictionary(Registry="Adobe", Ordering=ordering, Supplement=0)
    descendant = Dictionary(Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/ABCDEF+Cid"),
                            CIDSystemInfo=info)
    font = Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/ABCDEF+Cid"), Encoding=Name(cmap),
                      DescendantFonts=Array([descendant]))
    if to_unicode is not None:
        font.ToUnicode = _to_unicode(pdf, to_unicode)
    return font


#: (case, font maker, what the page shows with it, the expected problem's words or None).
CASES = [
    ("non-symbolic TrueType, WinAnsi, digits (the page-number stamp)",
     lambda pdf: _simple(pdf), b"(0123456789) Tj", None),
    ("non-symbolic TrueType, MacRoman", lambda pdf: _simple(pdf, encoding=Name.MacRomanEncoding),
     b"(Page 12) Tj", None),
    ("WinAnsi code with no glyph name (0x81)", lambda pdf: _simple(pdf), b"(A\\201) Tj",
     "0x81 have no glyph name"),
    ("symbolic TrueType, no ToUnicode", lambda pdf: _simple(pdf, flags=4, encoding=None), b"(12) Tj",
     "no ToUnicode map"),
    ("symbolic TrueType whose ToUnicode maps its codes",
     lambda pdf: _simple(pdf, flags=4, encoding=None,
                         ToUnicode=_to_unicode(pdf, "1 beginbfrange <31> <32> <0031> endbfrange")),
     b"(12) Tj", None),
    ("non-symbolic Type 1 without an encoding (its built-in StandardEncoding)",
     lambda pdf: _simple(pdf, subtype=Name.Type1, encoding=None), b"(Page 12) Tj", None),
    ("StandardEncoding code with no glyph (0x80)",
     lambda pdf: _simple(pdf, subtype=Name.Type1, encoding=None), b"(A\\200) Tj", "0x80"),
    ("Differences with Adobe Glyph List names",
     lambda pdf: _simple(pdf, subtype=Name.Type1, encoding=Dictionary(
         BaseEncoding=Name.WinAnsiEncoding, Differences=Array([1, Name("/Euro"), Name("/uni0563")]))),
     b"(\\001\\002A) Tj", None),
    ("Differences with a name outside the Adobe Glyph List",
     lambda pdf: _simple(pdf, subtype=Name.Type1, encoding=Dictionary(
         Differences=Array([65, Name("/g123")]))), b"(A) Tj", "0x41"),
    ("Type0 Identity-H with a complete ToUnicode (TJ, kerning numbers included)",
     lambda pdf: _type0(pdf, "2 beginbfchar <0003> <0020> <0853> <00660066> endbfchar"),
     b"[<0853> -20 <0003>] TJ", None),
    ("Type0 Identity-H whose ToUnicode lacks a code",
     lambda pdf: _type0(pdf, "1 beginbfchar <0003> <0020> endbfchar"), b"<00030004> Tj",
     "lacks codes 0x04"),
    ("Type0 Identity-H without ToUnicode", lambda pdf: _type0(pdf), b"<0003> Tj", "no ToUnicode map"),
    ("Type0 of a registered Adobe collection (Japan1), no ToUnicode",
     lambda pdf: _type0(pdf, ordering="Japan1", cmap="/UniJIS-UTF16-H"), b"<3042> Tj", None),
    ("ToUnicode mapping a code to nothing (a glyph of a cluster whose text another carries)",
     lambda pdf: _type0(pdf, "2 beginbfchar <0258> <> <0049> <093f0926> endbfchar"),
     b"<02580049> Tj", None),
    ("ToUnicode mapping a shown code to U+FFFE",
     lambda pdf: _type0(pdf, "1 beginbfchar <0003> <fffe> endbfchar"), b"<0003> Tj", "U+FFFE"),
]


def _pdf_showing(tmp_path: Path, make_font, shown: bytes, in_form: bool = False) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    fonts = Dictionary(F1=pdf.make_indirect(make_font(pdf)))
    text = b"BT /F1 12 Tf 20 100 Td " + shown + b" ET"
    if in_form:
        # Text inside a form XObject (as an SVG image or a repeated drawing is written).
        form = pdf.make_stream(text, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 200, 200],
                               Resources=Dictionary(Font=fonts))
        page.obj.Resources = Dictionary(XObject=Dictionary(X1=form))
        page.obj.Contents = pdf.make_stream(b"q /X1 Do Q")
    else:
        page.obj.Resources = Dictionary(Font=fonts)
        page.obj.Contents = pdf.make_stream(text)
    path = tmp_path / "shown.pdf"
    pdf.save(path)
    return path


@pytest.mark.parametrize(("case", "make_font", "shown", "problem"), CASES, ids=[c[0] for c in CASES])
def test_codes_shown_map_to_unicode(tmp_path, case, make_font, shown, problem):
    with pikepdf.open(_pdf_showing(tmp_path, make_font, shown)) as pdf:
        found = unmapped_text(pdf)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0] and "page 1" in found[0], found


def test_text_inside_a_form_is_checked_and_reported_by_pubbuild_check(tmp_path):
    path = _pdf_showing(tmp_path, lambda pdf: _type0(pdf), b"<0003> Tj", in_form=True)
    p007 = [f for f in pdf_structure(path)[1] if f.code == "P007"]
    assert len(p007) == 1 and "/ABCDEF+Cid" in p007[0].message and p007[0].level == "error"


def _tagged(tmp_path: Path, heading_kids) -> Path:
    """One page, an H1 whose /K is ``heading_kids(pdf, page)`` and a P with an MCID."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(b"/P <</MCID 0>> BDC EMC")
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    h1 = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.H1, P=doc, Pg=page.obj,
                                      K=heading_kids(pdf, page)))
    para = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=doc, Pg=page.obj, K=0))
    doc.K = Array([h1, para])
    pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=doc))
    path = tmp_path / "tagged.pdf"
    pdf.save(path)
    return path


HEADINGS = [
    ("an MCID", lambda pdf, page: 1, False),
    ("an array of MCIDs (the form pdfua 0.1.3 stops on)", lambda pdf, page: Array([1, 2]), False),
    ("a marked-content reference", lambda pdf, page: Dictionary(Type=Name.MCR, Pg=page.obj, MCID=1),
     False),
    ("a Span with an MCID", lambda pdf, page: Array([Dictionary(S=Name.Span, K=Array([3]))]), False),
    ("nothing", lambda pdf, page: Array(), True),
    ("a Span with nothing", lambda pdf, page: Array([Dictionary(S=Name.Span, K=Array())]), True),
]


@pytest.mark.parametrize(("case", "kids", "empty"), HEADINGS, ids=[h[0] for h in HEADINGS])
def test_headings_mark_content(tmp_path, case, kids, empty):
    codes = [f.code for f in pdf_structure(_tagged(tmp_path, kids))[1]]
    assert ("P008" in codes) is empty, codes


@pytest.mark.parametrize(("case", "kids", "empty"), [HEADINGS[1], HEADINGS[4]], ids=["array", "empty"])
def test_the_tests_pdfua_rerun_checks_headings(tmp_path, case, kids, empty):
    """pdfua skips UA-14-001 on a heading whose /K is an array; the tests' helper re-runs it
    and counts what it finds (pdfua rates it a warning)."""
    from pdfcheck import pdfua_errors

    found = [e for e in pdfua_errors(_tagged(tmp_path, kids)) if e.startswith("UA-14-001")]
    assert bool(found) is empty, found
