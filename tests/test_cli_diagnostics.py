"""Diagnostics on the command line: printed once per run, grouped by code and file, and
attributed to the tool that found them (pubbuild or a validator)."""

from __future__ import annotations

import json
from pathlib import Path

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
             # equal, and a finding of its own (the same image twice on one line): counted
             Finding("warning", "A002", "image y not fetched", "a.html:9").item(),
             Finding("warning", "A001", "image z has no text alternative", "a.html:9").item(),
             Finding("warning", "A002", "image w not fetched", "b.html").item()]
    assert group(items) == [
        ("a.html: warning: A002 x3 remote image not fetched; replaced by its text alternative "
         "(first: line 3: image x not fetched)"),
        "a.html:9: warning: A001 image z has no text alternative",
        "b.html: warning: A002 image w not fetched",
    ]


def _three_articles(folder: Path) -> Path:
    """Three articles, each with one image missing from the project (S007) and one remote
    image (A002); the last with a sign no shipped font draws (A007, in the PDF)."""
    (folder / "sources").mkdir(parents=True)
    for n, word in enumerate(("harbour", "orchard", "railway")):
        body = "".join(f"<p>Paragraph {i} about the {word}, with enough words to be kept as the "
                       "article's own text by the extractor.</p>" for i in range(12))
        sign = "<p>The oldest tablet opens with the sign 𒀀.</p>" if n == 2 else ""
        (folder / "sources" / f"{word}.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>The {word}</title></head><body><article>'
            f'<h1>The {word}</h1><p>An introduction.</p>\n<img src="pics/{word}.png" alt="The {word}.">\n'
            f'<img src="https://img.example/{word}.png" alt="Another view.">{body}{sign}'
            "</article></body></html>", encoding="utf-8")
    manifest = folder / "pubbuild.yaml"
    manifest.write_text("title: Once\nlanguage: en\narticles:\n" + "".join(
        f"  - sources/{w}.html\n" for w in ("harbour", "orchard", "railway")), encoding="utf-8")
    return manifest


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_finding_is_recorded_once_for_its_cause(tmp_path, capsys, monkeypatch, jobs):
    """One cause, one finding, whatever the number of processes and formats: a missing image
    is the reader's S007 (not again E001 from each edition), a remote image one A002 for both
    editions, an uncovered sign one A007; from the cache the same again."""
    from pubbuild.assemble.build import build_all
    from pubbuild.backends.pdf import parallel_layout

    laid_out: list[int] = []
    real = parallel_layout.layout
    monkeypatch.setattr(parallel_layout, "layout",
                        lambda *a, **k: laid_out.append(a[3]) or real(*a, **k))
    manifest = _three_articles(tmp_path / "p")
    for run in ("normalised", "from the cache"):
        assert main(["build", str(manifest), "-j", jobs]) == 0, run
        err = capsys.readouterr().err.splitlines()
        for word in ("harbour", "orchard", "railway"):
            assert [line for line in err if f"sources/{word}.html" in line] == [
                (f"sources/{word}.html:2: warning: S007 image 'pics/{word}.png' not found (not in the "
                "project, and the page's address is unknown: give the article `url:` in the manifest)"),
                (f"sources/{word}.html: warning: A002 image https://img.example/{word}.png not fetched "
                "(use --allow-network); its text alternative is shown instead")], (run, err)
        assert sum("A007" in line for line in err) == 1 and "x2" not in "".join(err), err
    # the PDF was laid out in parts, with -j 2 by worker processes (their findings come back)
    assert laid_out == [int(jobs)] * 2
    # the data the command prints from: no finding in it twice
    result = build_all(manifest, tmp_path / "out", jobs=int(jobs))
    assert len(result.diagnostics) == len(set(result.diagnostics)) == 7, result.diagnostics


NAV_ONLY = """<!DOCTYPE html>
<html lang="en"><head><title>Only a menu</title></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul></nav></body></html>
"""

A001_LINE = "sources/one.html:4: warning: A001 image 'https://img.example/b.png' has no text alternative"


@pytest.mark.parametrize("command", [["epub"], ["build", "--format", "epub", "-j", "1"],
                                     ["build", "--format", "epub", "-j", "2"]])
def test_findings_made_before_a_failure_are_shown_with_it(tmp_path, capsys, command):
    # Two articles are read (one of them with an image lacking a text alternative), then the
    # third is only a menu: the build fails, and what the first two showed is not swallowed.
    manifest = copy_root("diag-pack", tmp_path)
    (manifest.parent / "sources" / "three.html").write_text(NAV_ONLY, encoding="utf-8")
    manifest.write_text(manifest.read_text(encoding="utf-8") + "  - sources/three.html\n", encoding="utf-8")
    assert main([command[0], str(manifest), *command[1:]]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines.count(A001_LINE) == 1, lines
    error = next(i for i, line in enumerate(lines) if "no article on the page" in line)
    assert lines[error].startswith("pubbuild: sources/three.html: ")
    assert lines.index(A001_LINE) < error  # the findings come first, the error last
    assert not list((manifest.parent / "build").glob("*.epub"))  # and nothing was written


def test_findings_are_shown_when_the_output_cannot_be_written(tmp_path, capsys):
    manifest = copy_root("diag-pack", tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    status = main(["epub", str(manifest), "-o", str(blocker / "out.epub")])
    assert status == 2
    err = capsys.readouterr().err
    assert err.splitlines().count(A001_LINE) == 1, err
    assert "pubbuild: " in err and "out.epub" in err
