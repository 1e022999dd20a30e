"""Can every character the PDF shows be read back as Unicode?

A screen reader, a search and a copy all read a PDF's text through its fonts: a
character code shown with a font means something only if the font maps that code to
Unicode.  PDF/UA-1 (ISO 14289-1, 7.21.7) and PDF/A-2/3 levels U and A (ISO 19005-3,
6.2.11.7.2) require a map for every code used, by one of these means:

- a ``/ToUnicode`` CMap that maps the code;
- a simple font whose encoding is a predefined one (``WinAnsiEncoding``,
  ``MacRomanEncoding``, ``MacExpertEncoding``), or a ``/Differences`` array whose names
  are in the Adobe Glyph List, as long as the code has a glyph name there (ISO 32000-1,
  9.10.2: code -> glyph name -> Unicode) and, for TrueType, the font is non-symbolic;
- a CID font of one of Adobe's registered character collections (GB1, CNS1, Japan1,
  Korea1).

:func:`unmapped_text` checks exactly that, code by code, on the text of every page,
the forms (XObjects) and tiling patterns it draws, and reports the fonts that fail.
(Annotation appearance streams are not read: pubbuild's PDFs have none.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Name

#: Simple-font encodings whose codes have glyph names of the Adobe Glyph List
#: (ISO 32000-1, Annex D), as Python codecs; a code the codec cannot decode has no name.
_CODECS = {"/WinAnsiEncoding": "cp1252", "/MacRomanEncoding": "mac_roman"}
#: CID character collections whose CIDs have a Unicode value by registration.
_ADOBE_COLLECTIONS = {"GB1", "CNS1", "Japan1", "Korea1"}
_SIMPLE = {"/Type1", "/MMType1", "/TrueType", "/Type3"}
_SYMBOLIC, _NONSYMBOLIC = 4, 32
_TEXT_OPS = {"Tj", "TJ", "'", '"'}
#: The operators read (pikepdf filters the rest out in C++: about half the time of a full parse).
_OPERATORS = " ".join(["Tf", *_TEXT_OPS, "Do", "scn", "SCN"])


@dataclass(slots=True)
class _Use:
    """One font's use across the document."""

    font: pikepdf.Dictionary
    """The font dictionary."""
    shown: bytearray = field(default_factory=bytearray)
    """Every string shown with it, end to end (split into codes once, at the end)."""
    pages: set[int] = field(default_factory=set)
    """The (1-based) pages it shows them on."""


def unmapped_text(pdf: pikepdf.Pdf) -> list[str]:
    """One line per font some of whose shown codes have no Unicode value: the font's
    name, the pages, and why (no map at all, or which codes the map lacks)."""
    uses: dict[tuple[int, int], _Use] = {}
    for number, page in enumerate(pdf.pages, 1):
        resources = page.obj.get("/Resources")
        for font, data in _shown(pikepdf.parse_content_stream(page, _OPERATORS), resources, set()):
            key = font.objgen if font.is_indirect else (id(font), -1)
            use = uses.get(key)
            if use is None:
                use = uses[key] = _Use(font)
            use.shown += data
            use.pages.add(number)
    problems = []
    for use in uses.values():
        reason = _why_unmapped(use.font, _codes(use.font, bytes(use.shown)))
        if reason:
            pages = sorted(use.pages)
            where = f"page {pages[0]}" + (f" and {len(pages) - 1} more" if len(pages) > 1 else "")
            problems.append(f"font {use.font.get('/BaseFont', '?')} ({where}): {reason}")
    return problems


def _shown(instructions, resources, seen: set) -> Iterator[tuple[pikepdf.Dictionary, bytes]]:
    """(font, string) for every string a content stream shows, forms and patterns included."""
    fonts = _lookup(resources, "/Font")
    font: pikepdf.Dictionary | None = None
    for operands, operator in instructions:
        op = str(operator)
        if op == "Tf" and operands:
            found = fonts.get(str(operands[0]))
            font = found if isinstance(found, pikepdf.Dictionary) else None
        elif op in _TEXT_OPS and font is not None and operands:
            last = operands[-1]
            items = last if isinstance(last, pikepdf.Array) else [last]
            for item in items:
                if isinstance(item, pikepdf.String):
                    yield font, bytes(item)
        elif op == "Do" and operands:
            yield from _nested(_lookup(resources, "/XObject").get(str(operands[0])), resources, seen)
        elif op in ("scn", "SCN") and operands and isinstance(operands[-1], Name):
            yield from _nested(_lookup(resources, "/Pattern").get(str(operands[-1])), resources, seen)


def _nested(stream, parent_resources, seen: set) -> Iterator[tuple[pikepdf.Dictionary, bytes]]:
    """What a form XObject or a tiling pattern shows (each stream read once)."""
    if not isinstance(stream, pikepdf.Stream) or stream.objgen in seen:
        return
    if stream.get("/Subtype") != Name.Form and stream.get("/PatternType") != 1:
        return
    seen.add(stream.objgen)
    resources = stream.get("/Resources", parent_resources)
    yield from _shown(pikepdf.parse_content_stream(stream, _OPERATORS), resources, seen)


def _lookup(resources, kind: str) -> dict[str, pikepdf.Object]:
    category = resources.get(kind) if isinstance(resources, pikepdf.Dictionary) else None
    return {str(k): v for k, v in category.items()} if isinstance(category, pikepdf.Dictionary) else {}


def _codes(font: pikepdf.Dictionary, data: bytes) -> set[int]:
    """The character codes in shown strings: one byte each in a simple font, two in a
    composite font with an Identity CMap (the only CMap a composite font here uses;
    another one is judged by its ToUnicode alone, see :func:`_why_unmapped`).  Every
    string of a two-byte font has an even length, so their concatenation splits right."""
    if font.get("/Subtype") != Name.Type0:
        return set(data)
    if str(font.get("/Encoding")) not in ("/Identity-H", "/Identity-V"):
        return set()
    return {int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)}


def _why_unmapped(font: pikepdf.Dictionary, codes: set[int]) -> str | None:
    """Why some of ``codes`` shown with ``font`` have no Unicode value (None: all have)."""
    missing = set(codes)
    to_unicode = font.get("/ToUnicode")
    if isinstance(to_unicode, pikepdf.Stream):
        mapped, invalid = _cmap(to_unicode.read_bytes())
        if invalid & codes:
            return f"its ToUnicode maps codes to U+0000, U+FEFF or U+FFFE ({_show(invalid & codes)})"
        missing -= mapped
    subtype = str(font.get("/Subtype"))
    if subtype == "/Type0":
        descendant = font.DescendantFonts[0]
        info = descendant.get("/CIDSystemInfo")
        if (isinstance(info, pikepdf.Dictionary) and str(info.get("/Registry", "")) == "Adobe"
                and str(info.get("/Ordering", "")) in _ADOBE_COLLECTIONS):
            return None
        if str(font.get("/Encoding")) not in ("/Identity-H", "/Identity-V"):
            return None if isinstance(to_unicode, pikepdf.Stream) else "no ToUnicode map"
    elif subtype in _SIMPLE and missing:
        missing -= _named_codes(font, missing)
    if not missing:
        return None
    if isinstance(to_unicode, pikepdf.Stream):
        return f"its ToUnicode map lacks codes {_show(missing)}"
    if subtype == "/Type0":
        return "no ToUnicode map"
    return (f"no ToUnicode map, and codes {_show(missing)} have no glyph name in its encoding "
            "(or it is a symbolic font)")


def _named_codes(font: pikepdf.Dictionary, codes: set[int]) -> set[int]:
    """Those of ``codes`` a simple font's encoding gives an Adobe Glyph List name.

    A symbolic TrueType font has no encoding in this sense (its codes index the font's
    own cmap), so none of its codes are named; nor are Type 3 glyph procedures'."""
    from fontTools.agl import toUnicode

    descriptor = font.get("/FontDescriptor")
    flags = int(descriptor.get("/Flags", 0)) if isinstance(descriptor, pikepdf.Dictionary) else 0
    if font.get("/Subtype") == Name.TrueType and (flags & _SYMBOLIC or not flags & _NONSYMBOLIC):
        return set()
    encoding = font.get("/Encoding")
    base, differences = encoding, None
    if isinstance(encoding, pikepdf.Dictionary):
        base, differences = encoding.get("/BaseEncoding"), encoding.get("/Differences")
    named: set[int] = set()
    codec = _CODECS.get(str(base)) if base is not None else None
    if base is None and font.get("/Subtype") in (Name.Type1, Name.MMType1) and not flags & _SYMBOLIC:
        # A non-symbolic Type 1 font without a base encoding uses the one built into its
        # program: glyphs of the standard Latin set (Adobe Glyph List names), as a rule in
        # StandardEncoding, which is read here to tell which codes have a glyph at all.
        from fontTools.encodings.StandardEncoding import StandardEncoding

        named = {code for code in codes if StandardEncoding[code] != ".notdef"}
    if codec is not None:
        for code in codes:
            try:
                if code >= 0x20 and code != 0x7F and bytes([code]).decode(codec):
                    named.add(code)
            except UnicodeDecodeError:
                pass
    if isinstance(differences, pikepdf.Array):
        code = 0
        for item in differences:
            if isinstance(item, int):
                code = item
                continue
            if code in codes:
                if toUnicode(str(item).lstrip("/")):
                    named.add(code)
                else:
                    named.discard(code)
            code += 1
    return named


_HEX = rb"<([0-9A-Fa-f\s]*)>"
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.DOTALL)
_PAIR = re.compile(_HEX + rb"\s*" + _HEX)
_RANGE = re.compile(_HEX + rb"\s*" + _HEX + rb"\s*(" + _HEX + rb"|\[[^\]]*\])")
_FORBIDDEN = {0x0000, 0xFEFF, 0xFFFE}


def _cmap(data: bytes) -> tuple[set[int], set[int]]:
    """(codes a ToUnicode CMap maps, codes it maps to a forbidden value)."""
    mapped: set[int] = set()
    invalid: set[int] = set()

    def value(hex_text: bytes) -> list[int]:
        raw = bytes.fromhex(re.sub(rb"\s", b"", hex_text).decode())
        return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]

    def note(code: int, units: list[int]) -> None:
        # An empty value is allowed: WeasyPrint gives a cluster's text to its first glyph and
        # nothing to the others (a Devanagari vowel sign drawn before its consonant), so the
        # text reads back once, in order; only U+0000, U+FEFF and U+FFFE are forbidden.
        mapped.add(code)
        if any(u in _FORBIDDEN for u in units):
            invalid.add(code)

    for block in _BFCHAR.findall(data):
        for src, dst in _PAIR.findall(block):
            note(int(src, 16), value(dst))
    for block in _BFRANGE.findall(data):
        for low, high, dst, first in _RANGE.findall(block):
            lo, hi = int(low, 16), int(high, 16)
            if dst.startswith(b"["):
                for code, item in zip(range(lo, hi + 1), re.findall(_HEX, dst)):
                    note(code, value(item))
            else:
                units = value(first)
                for offset in range(hi - lo + 1):
                    note(lo + offset, units[:-1] + [units[-1] + offset] if units else [])
    return mapped, invalid


def _show(codes: set[int]) -> str:
    listed = ", ".join(f"0x{c:02X}" for c in sorted(codes)[:6])
    return listed + (f" and {len(codes) - 6} more" if len(codes) > 6 else "")
