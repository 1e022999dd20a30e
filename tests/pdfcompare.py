"""What a reader of a PDF meets, reduced to comparable values: the parallel layout
must give the same as one layout of the whole document."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
from pdfcheck import struct_elements


def page_texts(path: Path) -> list[str]:
    """Text of each page as pdftotext extracts it (reading order, page numbers included)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")[:-1]


def _dests(pdf: pikepdf.Pdf) -> dict[str, int]:
    index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found: dict[str, int] = {}
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return found
    tree = pikepdf.NameTree(names.Dests)
    for name, dest in tree.items():
        array = dest if isinstance(dest, pikepdf.Array) else dest.D
        found[str(name)] = index[array[0].objgen]
    return found


def _target(pdf: pikepdf.Pdf, dest, dests: dict[str, int]) -> object:
    if isinstance(dest, (pikepdf.String, pikepdf.Name)):
        return dests.get(str(dest).lstrip("/"), f"missing {dest}")
    index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    return index[dest[0].objgen]


def bookmarks(pdf: pikepdf.Pdf) -> list[tuple[int, str, object]]:
    """(depth, title, target page) of every outline item, in order."""
    dests = _dests(pdf)
    out = []
    with pdf.open_outline() as outline:
        def walk(items, depth):
            for item in items:
                dest = item.destination
                out.append((depth, item.title, _target(pdf, dest, dests) if dest is not None else None))
                walk(item.children, depth + 1)
        walk(outline.root, 0)
    return out


def links(pdf: pikepdf.Pdf) -> list[tuple[int, tuple, object]]:
    """(page, rectangle to 0.1 pt, target page or URI) of every link annotation."""
    dests = _dests(pdf)
    out = []
    for number, page in enumerate(pdf.pages):
        for annot in page.obj.get("/Annots", ()):
            if annot.get("/Subtype") != "/Link":
                continue
            rect = tuple(round(float(v), 1) for v in annot.Rect)
            if "/Dest" in annot:
                target = _target(pdf, annot.Dest, dests)
            elif "/A" in annot and annot.A.get("/S") == "/URI":
                target = bytes(annot.A.URI).decode()
            elif "/A" in annot and annot.A.get("/S") == "/GoTo":
                target = _target(pdf, annot.A.D, dests)
            else:
                target = repr(annot.get("/A"))
            out.append((number, rect, target))
    return out


def structure(pdf: pikepdf.Pdf) -> Counter:
    """Structure elements counted by type (with Alt and Lang values, which must match too)."""
    counts: Counter = Counter()
    for element in struct_elements(pdf):
        counts[str(element.S)] += 1
        if "/Alt" in element:
            counts[f"Alt {element.Alt}"] += 1
        if "/Lang" in element:
            counts[f"Lang {element.Lang}"] += 1
    return counts


def fonts(pdf: pikepdf.Pdf) -> list[list[str]]:
    """The fonts each page draws text with (``Tf`` in its content and its forms), by
    name without the subset tag (``ABCDEF+``)."""
    def used(owner, seen: set) -> set[str]:
        resources = owner.get("/Resources") or {}
        table, forms, names = resources.get("/Font") or {}, resources.get("/XObject") or {}, set()
        for operands, operator in pikepdf.parse_content_stream(owner):
            if str(operator) == "Tf":
                names.add(str(table[operands[0]].get("/BaseFont", "")).split("+")[-1])
            elif str(operator) == "Do" and operands[0] in forms:
                form = forms[operands[0]]
                if form.get("/Subtype") == "/Form" and form.objgen not in seen:
                    seen.add(form.objgen)
                    names |= used(form, seen)
        return names
    return [sorted(used(page.obj, set())) for page in pdf.pages]


def summary(path: Path) -> dict:
    with pikepdf.open(path) as pdf:
        return {"pages": len(pdf.pages), "fonts": fonts(pdf), "boxes": [
                    [round(float(v), 2) for v in page.mediabox] for page in pdf.pages],
                "bookmarks": bookmarks(pdf), "links": links(pdf), "structure": structure(pdf),
                "lang": str(pdf.Root.get("/Lang")), "title": str(pdf.docinfo.get("/Title"))}


def assert_same(single: Path, parallel: Path) -> None:
    """``parallel`` shows what ``single`` shows, page for page."""
    a, b = page_texts(single), page_texts(parallel)
    assert len(a) == len(b), (len(a), len(b))
    for number, (x, y) in enumerate(zip(a, b), 1):
        assert x == y, f"page {number} differs:\n--- single\n{x}\n--- parallel\n{y}"
    sa, sb = summary(single), summary(parallel)
    for key in sa:
        assert sa[key] == sb[key], f"{key} differs:\n{sa[key]}\n{sb[key]}"
