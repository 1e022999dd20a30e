"""`pubbuild check`: diagnostics, EPUBCheck and PDF structure verdicts, exit codes."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from packutil import copy_root

from pubbuild.backends.epub.backend import EpubBackend
from pubbuild.backends.pdf.validate import pdf_structure
from pubbuild.check import check
from pubbuild.cli import main

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture
def no_epubcheck(monkeypatch):
    """EPUBCheck takes seconds per run; tests about other checks leave it out."""
    monkeypatch.setattr(EpubBackend, "validator", "EPUBCheck (left out by this test)")
    monkeypatch.setattr(EpubBackend, "validate", classmethod(lambda cls, path: (False, [])))


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="session")
def checked_pack(tmp_path_factory) -> tuple[Path, dict]:
    """tests/roots/test-pack after one ``pubbuild check --strict --format json`` (EPUBCheck
    included): its manifest and the report.  Checked once per session; a test that changes
    the project works on a copy (:func:`_copy_checked`)."""
    manifest = copy_root("test-pack", tmp_path_factory.mktemp("checked"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["-q", "check", str(manifest), "--strict", "--format", "json"])
    assert status == 0, out.getvalue()
    return manifest, json.loads(out.getvalue())


def _copy_checked(checked_pack, tmp_path: Path) -> Path:
    """A copy of the checked project, its outputs included; ``copytree`` keeps the files'
    times, so the outputs are as up to date in the copy as in the original."""
    source = checked_pack[0].parent
    shutil.copytree(source, tmp_path / source.name)
    return tmp_path / source.name / "pubbuild.yaml"


def test_clean_pack_passes_even_strict(checked_pack):
    report = checked_pack[1]
    assert report["ok"] is True and report["strict"] is True
    # the .md and .txt sources declare no language: the normaliser detects it (A005, info)
    assert report["counts"] == {"error": 0, "warning": 0, "info": 2}
    assert set(report["articles"]) == {"sources/harbour.html", "sources/archive.md", "sources/notes.txt"}
    outputs = {o["format"]: o for o in report["outputs"]}
    assert outputs["epub"]["validator"] == "EPUBCheck" and outputs["epub"]["ran"] is True
    if shutil.which("java"):
        assert outputs["epub"]["findings"] == []
    assert outputs["pdf"]["ran"] is True and outputs["pdf"]["findings"] == []
    assert all(o["rebuilt"] for o in report["outputs"])


def test_second_check_builds_nothing(checked_pack, tmp_path, no_epubcheck):
    # the first check (the fixture's) rebuilt every output
    assert all(o["rebuilt"] for o in checked_pack[1]["outputs"])
    manifest = _copy_checked(checked_pack, tmp_path)
    first = check(manifest)
    assert not any(o.rebuilt for o in first.outputs)
    stamps = {o.format: (manifest.parent / "build").joinpath(o.path).stat().st_mtime_ns for o in first.outputs}
    second = check(manifest)
    assert not any(o.rebuilt for o in second.outputs)
    assert {o.format: (manifest.parent / "build").joinpath(o.path).stat().st_mtime_ns
            for o in second.outputs} == stamps
    # A changed source makes the outputs stale again.
    notes = manifest.parent / "sources" / "notes.txt"
    notes.write_text(notes.read_text() + "\nLater.\n")
    assert all(o.rebuilt for o in check(manifest).outputs)


def test_warnings_fail_only_with_strict(tmp_path, capsys, no_epubcheck):
    manifest = copy_root("test-pack", tmp_path)
    harbour = manifest.parent / "sources" / "harbour.html"
    harbour.write_text(harbour.read_text().replace('src="images/chart.svg"', 'src="images/gone.svg"'))
    # Without the page's address (url:) the missing file cannot be looked for on the web.
    manifest.write_text(manifest.read_text().replace("        url: https://news.example/harbour\n", ""))
    assert main(["-q", "check", str(manifest)]) == 0
    text = capsys.readouterr().out
    assert "sources/harbour.html:" in text and "warning: S007" in text
    assert "0 errors, " in text and " 0 warnings" not in text
    assert main(["-q", "check", str(manifest), "--strict"]) == 1
    capsys.readouterr()
    assert main(["-q", "check", str(manifest), "--strict", "--format", "json"]) == 1
    report = _json(capsys)
    assert report["ok"] is False
    assert [f["code"] for f in report["articles"]["sources/harbour.html"]] == ["S007"]
    assert report["articles"]["sources/harbour.html"][0]["where"].startswith("sources/harbour.html")


def test_missing_alt_is_a_warning_in_the_article_and_fails_strict(tmp_path, capsys, no_epubcheck):
    manifest = copy_root("test-pack", tmp_path)
    harbour = manifest.parent / "sources" / "harbour.html"
    harbour.write_text(harbour.read_text().replace(
        'alt="Ferry crossings per month, rising from 12 in January to 40 in April"', ""))
    assert main(["-q", "check", str(manifest)]) == 0
    assert "warning: A001" in capsys.readouterr().out
    assert main(["-q", "check", str(manifest), "--strict"]) == 1
    # the PDF says in its /Alt that the source gave no description (never a bare figure)
    pdf = manifest.parent / "build" / "test-pack.pdf"
    with pikepdf.open(pdf) as doc:
        alts = [str(el.get("/Alt")) for el in _struct_elements(doc) if el.get("/S") == pikepdf.Name.Figure]
    assert "Image without a description in the source" in alts


def _struct_elements(doc):
    stack = [doc.Root.StructTreeRoot]
    while stack:
        el = stack.pop()
        if isinstance(el, pikepdf.Array):
            stack.extend(el)
        elif isinstance(el, pikepdf.Dictionary):
            yield el
            if "/K" in el:
                stack.append(el.K)


def test_error_level_diagnostic_fails(tmp_path, capsys, no_epubcheck):
    manifest = copy_root("test-pack", tmp_path)
    # A UTF-8 byte-order mark, then bytes that are not UTF-8: decoded with replacements (S001).
    (manifest.parent / "sources" / "notes.txt").write_bytes(
        b"\xef\xbb\xbfNotes from the Quay\n\nThe wind \xff\xfe turned.\n")
    assert main(["-q", "check", str(manifest), "--format", "json"]) == 1
    report = _json(capsys)
    assert report["counts"]["error"] == 1
    assert report["articles"]["sources/notes.txt"][0]["code"] == "S001"


def test_bad_manifest_is_exit_2(tmp_path, capsys):
    path = tmp_path / "pubbuild.yaml"
    path.write_text("title: X\nparts: []\n")
    assert main(["check", str(path)]) == 2
    assert f"{path}:2: parts: the publication has no parts" in capsys.readouterr().err


def test_pdf_structure_checks_find_an_untagged_pdf(tmp_path):
    from weasyprint import HTML

    plain = tmp_path / "plain.pdf"
    HTML(string="<p>Hello <img src='data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22"
                "/%3E'></p>").write_pdf(str(plain))
    ran, findings = pdf_structure(plain)
    codes = {f.code for f in findings}
    assert ran and {"P001", "P003", "P004"} <= codes
    assert all(f.level == "error" for f in findings)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really")
    assert [f.code for f in pdf_structure(broken)[1]] == ["P000"]


def test_pdf_structure_checks_find_a_figure_without_alt(checked_pack, tmp_path):
    built = checked_pack[0].parent / "build"
    pdf = tmp_path / "pack.pdf"
    shutil.copy(built / next(o["path"] for o in checked_pack[1]["outputs"] if o["format"] == "pdf"), pdf)
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        figures = [el for el in _struct_elements(doc) if el.get("/S") == pikepdf.Name.Figure]
        del figures[0]["/Alt"]  # one figure (of the cover and the article's) loses its text
        doc.save(pdf)
    findings = pdf_structure(pdf)[1]
    assert [f.code for f in findings] == ["P005"]
    assert f"1 of {len(figures)} figures" in findings[0].message and len(figures) >= 2


@pytest.mark.skipif(shutil.which("java") is None, reason="EPUBCheck needs Java")
def test_epubcheck_errors_are_reported(tmp_path):
    import zipfile

    from pubbuild.backends.epub.validate import epubcheck

    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", "<container/>")
    ran, findings = epubcheck(bad)
    assert ran and any(f.level == "error" for f in findings)
