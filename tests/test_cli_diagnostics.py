"""Diagnostics on the command line: printed once per run, grouped by code and file, and
attributed to the tool that found them (pubbuild or a validator)."""

from __future__ import annotations

import json

import pytest
from packutil import copy_root

from pubbuild.backends.epub.backend import EpubBackend
from pubbuild.cli import main
from pubbuild.diagnostics import Finding, group

#: Builds projects and runs `pubbuild check` on them: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_build_prints_each_finding_once_grouped(tmp_path, capsys, jobs):
    manifest = copy_root("diag-pack", tmp_path)
    assert main(["build", str(manifest), "--format", "epub", "-j", jobs]) == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    # one line per code and article: A001 once, one.html's two A002 in one line with a count
    assert [line for line in lines if "A001" in line] == [
        "sources/one.html:4: warning: A001 image 'https://img.example/b.png' has no text alternative"]
    a002 = [line for line in lines if "A002" in line]
    assert len(a002) == 2, err
    assert a002[0].startswith("sources/one.html: warning: A002 x2 remote image not fetched")
    assert a002[1].startswith("sources/two.html: warning: A002 image https://img.example/c.png")
    # from the cache the next time: the same lines, once
    assert main(["build", str(manifest), "--format", "epub", "-j", jobs]) == 0
    assert capsys.readouterr().err.count("A001") == 1


def test_verbose_lists_every_finding_once(tmp_path, capsys):
    manifest = copy_root("diag-pack", tmp_path)
    assert main(["-v", "build", str(manifest), "--format", "epub", "-j", "1"]) == 0
    err = capsys.readouterr().err
    for image in ("a.png", "b.png", "c.png"):
        assert sum(f"A002 image https://img.example/{image}" in line for line in err.splitlines()) == 1


def test_check_attributes_findings_to_their_tool(tmp_path, capsys):
    manifest = copy_root("diag-pack", tmp_path)
    assert main(["-q", "check", str(manifest), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    epub = next(o for o in report["outputs"] if o["format"] == "epub")
    assert epub["validator"] == "EPUBCheck" and epub["ran"] is True
    # pubbuild's own A002 are not EPUBCheck's findings
    assert [d["code"] for d in epub["diagnostics"]] == ["A002"] * 3
    assert {d["tool"] for d in epub["diagnostics"]} == {"pubbuild"}
    assert all(f["tool"] == "EPUBCheck" for f in epub["findings"])
    assert "A002" not in {f["code"] for f in epub["findings"]}
    articles = report["articles"]["sources/one.html"]
    assert [(f["code"], f["tool"]) for f in articles] == [("A001", "pubbuild")]

    assert main(["check", str(manifest)]) == 0
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    mine = next(i for i, line in enumerate(out) if line.endswith("pubbuild: 3 findings"))
    assert out[mine + 1].startswith("  sources/one.html: warning: A002 x2")
    assert out[mine + 3].endswith("EPUBCheck: clean")
    assert "A00" not in captured.err  # the report lists them; the log does not repeat them


def test_pdf_checks_are_named_as_such(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(EpubBackend, "validator", "EPUBCheck (left out by this test)")
    monkeypatch.setattr(EpubBackend, "validate", classmethod(lambda cls, path: (False, [])))
    manifest = copy_root("diag-pack", tmp_path)
    assert main(["-q", "check", str(manifest), "--json"]) == 0
    pdf = next(o for o in json.loads(capsys.readouterr().out)["outputs"] if o["format"] == "pdf")
    assert pdf["validator"] == "PDF structure checks (pikepdf)"
    assert all(f["tool"] == pdf["validator"] for f in pdf["findings"])
    # the uncovered character is pubbuild's finding while laying out, not a structure check's;
    # the PDF lacks the same three remote images as the EPUB, and says so (A002)
    assert sorted((d["code"], d["tool"]) for d in pdf["diagnostics"]) == \
        [("A002", "pubbuild")] * 3 + [("A007", "pubbuild")]
    assert "A007" not in {f["code"] for f in pdf["findings"]}
    assert main(["check", str(manifest)]) == 0
    out = capsys.readouterr().out.splitlines()
    mine = next(i for i, line in enumerate(out) if line.endswith(".pdf (up to date): pubbuild: 4 findings"))
    assert any("A007" in line and "Cuneiform" in line for line in out[mine + 1:mine + 4])
    assert out[mine + 4].endswith("PDF structure checks (pikepdf): clean")


def test_group_counts_per_code_and_file():
    items = [Finding("warning", "A002", "image x not fetched", "a.html:3").item(),
             Finding("warning", "A002", "image y not fetched", "a.html:9").item(),
             Finding("warning", "A002", "image y not fetched", "a.html:9").item(),  # a repeat
             Finding("warning", "A001", "image z has no text alternative", "a.html:9").item(),
             Finding("warning", "A002", "image w not fetched", "b.html").item()]
    assert group(items) == [
        ("a.html: warning: A002 x2 remote image not fetched; replaced by its text alternative "
         "(first: line 3: image x not fetched)"),
        "a.html:9: warning: A001 image z has no text alternative",
        "b.html: warning: A002 image w not fetched",
    ]
