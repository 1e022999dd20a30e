"""The PDF's validator for ``pubbuild check``: structure checks with pikepdf (tagged, marked,
language, displayed title, text alternatives of figures, embedded fonts, text that maps to
Unicode, headings with content)."""

from __future__ import annotations

from pathlib import Path

from ...diagnostics import Finding
from .text_unicode import unmapped_text

#: The validator's name in ``pubbuild check``'s report (the backend's ``validator``).
PDF_CHECKS = "PDF structure checks (pikepdf)"


def pdf_structure(path: Path) -> tuple[bool, list[Finding]]:
    """Structure checks on a tagged PDF with pikepdf; (ran, findings)."""
    import pikepdf

    name = path.name
    findings: list[Finding] = []

    def fail(code: str, message: str, level: str = "error") -> None:
        findings.append(Finding(level, code, message, name, PDF_CHECKS))

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:
        return True, [Finding("error", "P000", f"not a readable PDF: {exc}", name, PDF_CHECKS)]
    with pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            fail("P001", "no structure tree (StructTreeRoot): the PDF is not tagged")
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            fail("P002", "MarkInfo /Marked is not true")
        lang = root.get("/Lang")
        if lang is None or not str(lang).strip():
            fail("P003", "no document language (/Lang)")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            fail("P004", "ViewerPreferences /DisplayDocTitle is not true")
        if "/StructTreeRoot" in root:
            figures, missing = _figures(root.StructTreeRoot)
            if missing:
                fail("P005", f"{missing} of {figures} figures have no /Alt text")
            empty = _empty_headings(root.StructTreeRoot)
            if empty:
                fail("P008", f"{len(empty)} headings mark no content ({', '.join(empty[:5])})")
        for page_no, font in _fonts(pdf):
            fail("P006", f"font {font} on page {page_no} is not embedded")
        for problem in unmapped_text(pdf):
            fail("P007", f"text that maps to no Unicode: {problem}")
    return True, findings


def _figures(node, seen=None) -> tuple[int, int]:
    """(figures, figures without /Alt) under a structure element."""
    import pikepdf

    seen = set() if seen is None else seen
    total = missing = 0
    stack = [node]
    while stack:
        el = stack.pop()
        if isinstance(el, pikepdf.Array):
            stack.extend(el)
            continue
        if not isinstance(el, pikepdf.Dictionary):
            continue
        key = el.objgen if el.is_indirect else None
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        if el.get("/S") == pikepdf.Name.Figure:
            total += 1
            alt = el.get("/Alt")
            if alt is None or not str(alt).strip():
                missing += 1
        kids = el.get("/K")
        if kids is not None:
            stack.append(kids)
    return total, missing


def _empty_headings(root) -> list[str]:
    """The headings (``H``, ``H1``-``H6``) whose subtree reaches no marked content, as
    ``/H2 #3`` (role and position among the headings, in tree order).

    PDF/UA-1 7.4: a heading is read out by what it marks; an empty one is a blank entry
    in a screen reader's list of headings.  (The PyPI ``pdfua`` checker's rule for this,
    UA-14-001, cannot run on pikepdf 10: it stops on any heading whose /K is an array.)"""
    import pikepdf

    headings = {"/H", *(f"/H{n}" for n in range(1, 7))}

    def marks(node, seen: set) -> bool:
        if isinstance(node, int) and not isinstance(node, bool):
            return True  # an MCID
        if isinstance(node, pikepdf.Array):
            return any(marks(kid, seen) for kid in node)
        if not isinstance(node, pikepdf.Dictionary):
            return False
        if node.is_indirect:
            if node.objgen in seen:
                return False
            seen.add(node.objgen)
        if node.get("/Type") in (pikepdf.Name.MCR, pikepdf.Name.OBJR):
            return True
        return "/K" in node and marks(node.K, seen)

    empty, count, stack, visited = [], 0, [root.get("/K")], set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue
        if node.is_indirect:
            if node.objgen in visited:
                continue
            visited.add(node.objgen)
        role = str(node.S)
        if role in headings:
            count += 1
            if not marks(node.get("/K"), set()):
                empty.append(f"{role} #{count}")
        if "/K" in node:
            stack.append(node.K)
    return empty


def _fonts(pdf):
    """(page number, font name) for every font used without an embedded font file."""
    import pikepdf

    reported = set()
    for number, page in enumerate(pdf.pages, 1):
        stack = [page.obj.get("/Resources")]
        visited = set()
        while stack:
            res = stack.pop()
            if not isinstance(res, pikepdf.Dictionary):
                continue
            if res.is_indirect:
                if res.objgen in visited:
                    continue
                visited.add(res.objgen)
            for font in (res.get("/Font") or {}).values():
                descendants = font.get("/DescendantFonts")
                desc = (descendants[0] if descendants else font).get("/FontDescriptor")
                if font.get("/Subtype") == pikepdf.Name.Type3:
                    continue  # glyphs drawn in the content itself
                embedded = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                base = str(font.get("/BaseFont", "?"))
                if not embedded and base not in reported:
                    reported.add(base)
                    yield number, base
            for xobj in (res.get("/XObject") or {}).values():
                if xobj.get("/Subtype") == pikepdf.Name.Form:
                    stack.append(xobj.get("/Resources"))
