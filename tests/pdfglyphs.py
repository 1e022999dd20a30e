"""What a PDF draws: each composite font's glyphs, read from the content streams.

A character no font covers is drawn as the font's glyph 0, ``.notdef`` (an empty
box).  WeasyPrint draws through composite fonts (Type0): a code is mapped to a
CID by the font's encoding (``Identity-H``, or an embedded CMap in which
WeasyPrint sends the missing characters to CID 0), and a CID to a glyph by
``CIDToGIDMap``.  :func:`notdef_uses` follows both for every string shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

_CIDCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
_CIDRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)")
_SECTION = re.compile(rb"begincid(char|range)(.*?)endcid\1", re.DOTALL)


def _code_to_gid(font: pikepdf.Dictionary):
    """A function from a 2-byte code to a glyph id, for a Type0 font."""
    encoding = font.get("/Encoding")
    cids: dict[int, int] | None = None
    if isinstance(encoding, pikepdf.Stream):
        cids = {}
        for kind, body in _SECTION.findall(encoding.read_bytes()):
            if kind == b"char":
                cids.update((int(code, 16), int(cid)) for code, cid in _CIDCHAR.findall(body))
            else:
                for lo, hi, cid in _CIDRANGE.findall(body):
                    cids.update((c, int(cid) + c - int(lo, 16)) for c in range(int(lo, 16), int(hi, 16) + 1))
    elif encoding != pikepdf.Name("/Identity-H"):
        raise AssertionError(f"unexpected encoding {encoding!r}")
    gid_map = font.DescendantFonts[0].get("/CIDToGIDMap", pikepdf.Name.Identity)
    gids = None if isinstance(gid_map, pikepdf.Name) else gid_map.read_bytes()

    def gid(code: int) -> int:
        cid = code if cids is None else cids.get(code, 0)
        if gids is None:
            return cid
        return int.from_bytes(gids[2 * cid:2 * cid + 2], "big") if 2 * cid + 2 <= len(gids) else 0
    return gid


def _strings(operands) -> list[bytes]:
    out = []
    for op in operands:
        if isinstance(op, pikepdf.String):
            out.append(bytes(op))
        elif isinstance(op, pikepdf.Array):
            out += [bytes(x) for x in op if isinstance(x, pikepdf.String)]
    return out


def notdef_uses(path: Path) -> list[tuple[int, str]]:
    """(page number, font name) for every ``.notdef`` glyph drawn with a composite font."""
    found: list[tuple[int, str]] = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            stack = [(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()))]
            seen = set()
            while stack:
                holder, resources = stack.pop()
                if holder.is_indirect:
                    if holder.objgen in seen:
                        continue
                    seen.add(holder.objgen)
                fonts = resources.get("/Font", pikepdf.Dictionary())
                for xobj in resources.get("/XObject", pikepdf.Dictionary()).values():
                    if xobj.get("/Subtype") == pikepdf.Name.Form:
                        stack.append((xobj, xobj.get("/Resources", resources)))
                current = None
                instructions = (pikepdf.parse_content_stream(pikepdf.Page(holder)) if holder is page.obj
                                else pikepdf.parse_content_stream(holder))
                for operands, operator in instructions:
                    op = str(operator)
                    if op == "Tf":
                        font = fonts.get(str(operands[0]))
                        current = (font, _code_to_gid(font)) if font is not None and \
                            font.get("/Subtype") == pikepdf.Name.Type0 else None
                    elif op in ("Tj", "TJ", "'", '"') and current is not None:
                        font, gid = current
                        for data in _strings(operands):
                            codes = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
                            found += [(number, str(font.BaseFont)) for c in codes if gid(c) == 0]
    return found
