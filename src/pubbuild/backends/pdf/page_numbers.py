"""Page numbers stamped after the merge, as real pagination artifacts.

Parts laid out separately each start counting pages at 1, and the first page
of a part is known only once the parts before it are laid out.  Rather than
lay every part out a second time with known offsets (which doubles the
layout cost), parts are laid out without page numbers and the merged document
gets them here (:func:`stamp_at`, at the place, size and alignment the
layout measured for each page's number-box): each page's content is
wrapped in ``q ... Q`` and followed by
``/Artifact <</Type /Pagination /Subtype /Footer>> BDC ... EMC`` showing the
number in a small embedded TrueType subset, so the number is real text for
copy and search but outside the structure tree, as PDF/UA wants for
pagination.

"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from ...errors import BuildError

RESOURCE = "/PbPageNumber"
"""Font resource name of the stamp (WeasyPrint names its fonts by six-letter tags)."""

_WIN_ANSI = {chr(c) for c in range(32, 127)}


def _load(font_file: Path):
    from fontTools.ttLib import TTFont

    try:
        return TTFont(str(font_file), lazy=True)
    except Exception as exc:  # noqa: BLE001 - fontTools raises many types for a bad file (TTLibError,
        # struct.error, AssertionError, KeyError...): each means a font it cannot read here
        raise BuildError(f"{font_file}: cannot read font for page numbers: {exc}") from None


def _advance(font, char: str) -> float:
    """Advance width of ``char`` in 1/1000 em."""
    glyph = font.getBestCmap().get(ord(char))
    if glyph is None:
        raise BuildError(f"the page-number font has no glyph for {char!r}")
    return font["hmtx"][glyph][0] * 1000 / font["head"].unitsPerEm


def _embedded_font(pdf: pikepdf.Pdf, font_file: Path, chars: str,
                   family: str | None = None) -> pikepdf.Object:
    """A simple TrueType font (WinAnsiEncoding) embedding a subset of ``font_file`` with ``chars``."""
    from fontTools import subset

    font = _load(font_file)
    font.recalcTimestamp = False  # else head.modified is "now": the same build, other bytes
    widths = {c: round(_advance(font, c)) for c in chars}
    options = subset.Options()
    options.notdef_outline = True
    options.hinting = False
    options.name_IDs = ["*"]
    # A PDF viewer never shapes text: the layout tables only cost time (subsetting
    # them is most of this function's ~50 ms) and pull in glyphs no page shows.
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    program = buffer.getvalue()
    head, hhea = font["head"], font["hhea"]
    scale = 1000 / head.unitsPerEm
    family = family or font["name"].getDebugName(6) or font_file.stem
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
    name = Name(f"/{tag}+{family.replace(' ', '-')}")
    first, last = ord(min(chars)), ord(max(chars))
    stream = pikepdf.Stream(pdf, program)
    stream.Length1 = len(program)
    descriptor = Dictionary(
        Type=Name.FontDescriptor, FontName=name, Flags=32 | 2,  # nonsymbolic, serif
        FontBBox=Array([round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]),
        ItalicAngle=0, Ascent=round(hhea.ascent * scale), Descent=round(hhea.descent * scale),
        CapHeight=round(hhea.ascent * scale), StemV=80, FontFile2=pdf.make_indirect(stream))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=name, FirstChar=first, LastChar=last,
        Widths=Array([widths.get(chr(c), 0) for c in range(first, last + 1)]),
        Encoding=Name.WinAnsiEncoding, FontDescriptor=pdf.make_indirect(descriptor)))


def _literal(text: str) -> bytes:
    return b"(" + text.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(
        b")", b"\\)") + b")"


def _stamp(pdf, page, save, font, size, x, y, label: str) -> None:
    """Draw ``label`` at (x, y) on ``page`` as a pagination artifact, isolated from the
    page's own graphics state (``save`` is the ``q`` stream put before it)."""
    content = (b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
               b"q 0 g BT " + RESOURCE.encode() + b" %s Tf 1 0 0 1 %s %s Tm "
               % (str(size).encode(), str(x).encode(), str(y).encode())
               + _literal(label) + b" Tj ET Q\nEMC\n")
    page.contents_add(save, prepend=True)
    page.contents_add(pdf.make_stream(content), prepend=False)
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = Dictionary()
    fonts = resources.get("/Font")
    if fonts is None:
        fonts = resources.Font = Dictionary()
    fonts[RESOURCE] = font


@dataclass(frozen=True, slots=True)
class Stamp:
    """One page number at a measured place (what the page-number margin box of a
    single render would have drawn), in PDF user space."""

    label: str
    """The text to draw (printable ASCII)."""
    x: float
    """Anchor abscissa: the left end, centre or right end of the text, per ``align``."""
    baseline: float
    """Baseline ordinate."""
    size: float
    """Font size in points."""
    align: str = "center"
    """``left``, ``center`` or ``right``: which point of the text ``x`` is."""


def stamp_at(pdf: pikepdf.Pdf, stamps: Sequence[Stamp | None], font_file: Path,
             family: str | None = None) -> int:
    """Draw ``stamps[i]`` (None: nothing) on page ``i`` as a pagination artifact; return pages stamped.

    Every page has its own place, size and alignment (left and right pages of a
    two-sided layout differ).  ``family``
    names the font in the PDF (default: the font's PostScript name).
    """
    if len(stamps) != len(pdf.pages):
        raise BuildError(f"{len(stamps)} page stamps for {len(pdf.pages)} pages")
    chars = "".join(sorted({c for s in stamps if s for c in s.label}))
    if not chars:
        return 0
    if not set(chars) <= _WIN_ANSI:
        raise BuildError(f"page labels may use printable ASCII only, got {chars!r}")
    font = _embedded_font(pdf, font_file, chars, family)
    per_mille = {c: float(w) for c, w in zip(
        (chr(c) for c in range(int(font.FirstChar), int(font.LastChar) + 1)), font.Widths)}
    save = pdf.make_stream(b"q\n")
    stamped = 0
    for page, stamp in zip(pdf.pages, stamps):
        if not stamp:
            continue
        width = sum(per_mille[c] for c in stamp.label) * stamp.size / 1000
        shift = {"left": 0.0, "right": width}.get(stamp.align, width / 2)
        x = Decimal(stamp.x - shift).quantize(Decimal("0.001"))
        y = Decimal(stamp.baseline).quantize(Decimal("0.001"))
        size = Decimal(stamp.size).quantize(Decimal("0.001")).normalize()
        _stamp(pdf, page, save, font, size, x, y, stamp.label)
        stamped += 1
    return stamped
