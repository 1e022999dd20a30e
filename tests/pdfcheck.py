"""PDF probes shared by the PDF tests (pikepdf, qpdf, pdfua, pdftotext)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the StructTreeRoot, in tree order."""
    out, seen = [], set()

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        if node.objgen in seen:
            return
        seen.add(node.objgen)
        out.append(node)
        if "/K" in node:
            walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return out


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, object]:
    """The ParentTree number tree flattened to {key: value}."""
    out: dict[int, object] = {}

    def walk(node) -> None:
        if "/Nums" in node:
            nums = node.Nums
            for i in range(0, len(nums), 2):
                out[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(pdf.Root.StructTreeRoot.ParentTree)
    return out


def unreachable_marked_content(pdf: pikepdf.Pdf) -> list[str]:
    """Marked content with an MCID in the page streams whose structure element the
    tree does not reach (or that the ParentTree does not map)."""
    reachable = {e.objgen for e in struct_elements(pdf)}
    tree = parent_tree(pdf)
    problems = []
    for n, page in enumerate(pdf.pages, 1):
        array = tree.get(int(page.obj.StructParents)) if "/StructParents" in page.obj else None
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) != "BDC" or str(operands[0]) == "/Artifact":
                continue
            props = operands[1]
            if not isinstance(props, pikepdf.Dictionary) or "/MCID" not in props:
                continue
            mcid = int(props.MCID)
            elem = array[mcid] if array is not None and mcid < len(array) else None
            if not isinstance(elem, pikepdf.Dictionary) or elem.objgen not in reachable:
                problems.append(f"page {n}: {operands[0]} MCID {mcid}")
    return problems


def artifacts(pdf: pikepdf.Pdf) -> list[str]:
    """The /Type of every /Artifact sequence in the page streams."""
    out = []
    for page in pdf.pages:
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) in ("BDC", "BMC") and str(operands[0]) == "/Artifact":
                props = operands[1] if len(operands) > 1 else {}
                out.append(str(props.get("/Type", "")))
    return out


def qpdf_check(path: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.fail("qpdf is required")
    proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def pdfua_errors(path: Path) -> list[str]:
    """Errors from the PyPI ``pdfua`` checker.

    pdfua 0.1.3's ``as_integer`` asks ``getattr(value, "is_integer", False)``, and
    pikepdf 10 answers that for an array with ValueError (not AttributeError), so the one
    rule that passes it arrays, UA-14-001 (headings are not empty, PDF/UA-1 7.4), stops on
    every heading whose /K is an array (a valid form, ISO 32000-1 Table 323) and is
    skipped.  That rule is re-run here with the one-line fix, and since pdfua rates its
    findings as warnings only, all of them count: an empty heading is a failure of 7.4.
    (``pubbuild check`` tests the same rule itself, P008.)"""
    proc = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
                          capture_output=True, text=True, check=False)
    report = json.loads(proc.stdout)
    errors = [f"{f['rule_id']} {f['location']}: {f['message']}" for f in report["findings"]
              if f["severity"] == "error"]
    bugged = [s["rule_id"] for s in report.get("skipped", []) if "is_integer" in s.get("reason", "")]
    if bugged:
        import pdfua.document as d
        import pdfua.rules.structure as rs
        from pdfua import default_registry, validate

        original = d.as_integer

        def as_integer(value):
            try:
                return original(value)
            except ValueError:
                return None
        d.as_integer = rs.as_integer = as_integer
        try:
            rerun = validate(str(path), default_registry().select(bugged))
        finally:
            d.as_integer = rs.as_integer = original
        assert not rerun.skipped, rerun.skipped
        errors += [f"{f.rule_id}: {f.message}" for f in rerun.findings]
    other = [s for s in report.get("skipped", []) if "is_integer" not in s.get("reason", "")]
    assert not other, other
    return errors


def page_texts(path: Path) -> list[str]:
    """The text of each page (pdftotext -layout)."""
    proc = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True)
    return proc.stdout.split("\f")
