"""A project's styles/ applies after the house styles, in the EPUB and in the PDF;
the manifest's pdf: keys still set the page; project CSS reads only project files."""

from __future__ import annotations

import base64
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, assert_epubcheck_clean

from pubbuild.assemble.build import build
from pubbuild.cli import main
from pubbuild.resources import styles_dir
from pubbuild.styles import confine, project_stylesheet

ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Styled</title></head><body><article>
<h1>Styled</h1><p>A paragraph the project's stylesheet colours, long enough to be a paragraph
of an article and not a caption.</p><p>Another paragraph, so the reader finds an article.</p>
</article></body></html>"""

# A colour no house rule uses: 0.8 0.2 0.4 in the PDF's content stream.
RULES = "p { color: #cc3366; }\n"
PAGE_A5 = "@page { size: 148mm 210mm; }\n"


def _project(tmp: Path, epub_css: str | None, print_css: str | None, pdf_keys: str = "") -> Path:
    (tmp / "sources").mkdir(parents=True)
    (tmp / "sources" / "styled.html").write_text(ARTICLE, encoding="utf-8")
    (tmp / "pubbuild.yaml").write_text(
        "title: Styled pack\nlanguage: en\ndate: 2024-06-01\narticles:\n  - sources/styled.html\n"
        + pdf_keys, encoding="utf-8")
    for name, css in (("epub.css", epub_css), ("print.css", print_css)):
        if css is not None:
            (tmp / "styles").mkdir(exist_ok=True)
            (tmp / "styles" / name).write_text(css, encoding="utf-8")
    return tmp / "pubbuild.yaml"


def _build(manifest: Path, fmt: str) -> Path:
    out = manifest.parent / "out" / f"book.{fmt}"
    args = ["-q", fmt, str(manifest), "-o", str(out)] + (["-j", "1"] if fmt == "pdf" else [])
    assert main(args) == 0
    return out


def _media_box(pdf: Path) -> list[float]:
    with pikepdf.open(pdf) as doc:
        return [round(float(v), 1) for v in doc.pages[1].MediaBox]


def _content(pdf: Path) -> bytes:
    with pikepdf.open(pdf) as doc:
        return b"".join(page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array)
                        else b"".join(c.read_bytes() for c in page.Contents) for page in doc.pages)


def test_project_epub_css_is_linked_after_the_house_sheet_and_shipped(tmp_path):
    epub = _build(_project(tmp_path, RULES, None), "epub")
    with zipfile.ZipFile(epub) as z:
        assert z.read("EPUB/styles/project.css").decode().strip() == RULES.strip()
        opf = z.read("EPUB/content.opf").decode()
        doc = z.read("EPUB/styled.xhtml").decode()
    assert 'href="styles/project.css"' in opf and 'media-type="text/css"' in opf
    assert doc.index('href="styles/epub.css"') < doc.index('href="styles/project.css"')
    assert_epubcheck_clean(epub)


@pytest.mark.slow
def test_project_print_css_changes_the_pdf_colour_and_page(tmp_path):
    plain = _build(_project(tmp_path / "plain", None, None), "pdf")
    styled = _build(_project(tmp_path / "styled", None, RULES + PAGE_A5), "pdf")
    assert b"0.8 0.2 0.4 rg" in _content(styled) and b"0.8 0.2 0.4 rg" not in _content(plain)
    assert _media_box(plain) == [0, 0, 595.3, 841.9]  # A4, the default
    assert _media_box(styled) == [0, 0, 419.5, 595.3]  # A5, from the project's @page


def test_manifest_pdf_keys_win_over_the_project_page(tmp_path):
    styled = _build(_project(tmp_path, None, PAGE_A5, "pdf:\n  paper: Letter\n"), "pdf")
    assert _media_box(styled) == [0, 0, 612.0, 792.0]


@pytest.mark.slow
def test_copies_of_the_house_styles_change_no_byte(tmp_path):
    """`pubbuild init` copies the house sheets; the sample links its styles/ to them."""
    manifest = _project(tmp_path / "bare", None, None)
    bare = [_build(manifest, fmt) for fmt in ("epub", "pdf")]
    copied = _project(tmp_path / "copied", None, None)
    shutil.copytree(styles_dir(), copied.parent / "styles")
    again = [_build(copied, fmt) for fmt in ("epub", "pdf")]
    for a, b in zip(bare, again):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_the_sample_styles_are_the_house_styles():
    assert (ROOT / "styles").resolve() == styles_dir().resolve()
    for name in ("epub.css", "print.css"):
        diags: list = []
        assert project_stylesheet(ROOT, name, diags) is None and diags == []


# ------------------------------------------------------------------ confinement


@pytest.mark.parametrize("ref", [
    "https://fonts.example/x.woff2", "//cdn.example/x.png", "file:///etc/passwd",
    "../../../../etc/passwd", "/etc/passwd"])
def test_url_leaving_the_project_is_dropped_with_s013(tmp_path, ref):
    (tmp_path / "styles").mkdir()
    diags: list = []
    css = confine(f'body {{ background: url("{ref}"); }} p {{ color: red; }}', tmp_path / "styles",
                  tmp_path, "styles/print.css", diags)
    assert [d.code for d in diags] == ["S013"]
    assert "url(" not in css and "color: red" in css and "background: none" in css


def test_import_is_refused(tmp_path):
    diags: list = []
    css = confine('@import "other.css";\np { color: red; }', tmp_path, tmp_path, "styles/epub.css", diags)
    assert [d.code for d in diags] == ["S013"] and "@import" not in css and "color: red" in css


def test_project_file_is_inlined_and_a_missing_one_reported(tmp_path):
    (tmp_path / "styles" / "img").mkdir(parents=True)
    png = b"\x89PNG fake"
    (tmp_path / "styles" / "img" / "dot.png").write_bytes(png)
    diags: list = []
    css = confine("h1 { background: url(img/dot.png); } h2 { background: url('gone.png'); }",
                  tmp_path / "styles", tmp_path, "styles/epub.css", diags)
    assert f"url(data:image/png;base64,{base64.b64encode(png).decode()})" in css
    assert [d.code for d in diags] == ["S014"] and "gone.png" in diags[0].message


def test_project_stylesheet_linked_from_outside_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.css"
    outside.write_text("p { color: red; }")
    (tmp_path / "project" / "styles").mkdir(parents=True)
    (tmp_path / "project" / "styles" / "print.css").symlink_to(outside)
    diags: list = []
    assert project_stylesheet(tmp_path / "project", "print.css", diags) is None
    assert [d.code for d in diags] == ["S013"]


def test_refused_url_in_a_build_reaches_the_diagnostics(tmp_path):
    manifest = _project(tmp_path, 'p { background: url("https://tracker.example/p.png"); }', None)
    epub, _, diags = build("epub", manifest, tmp_path / "book.epub")
    with zipfile.ZipFile(epub) as z:
        assert "tracker.example" not in z.read("EPUB/styles/project.css").decode()
    assert [(d.code, d.file) for d in diags] == [("S013", "styles/epub.css")]


def test_init_starter_sheets_add_nothing_until_edited(tmp_path):
    from pubbuild.init import init_project

    init_project(tmp_path / "new")
    for name in ("epub.css", "print.css"):
        diags: list = []
        assert project_stylesheet(tmp_path / "new", name, diags) is None and diags == []
        (tmp_path / "new" / "styles" / name).write_text("h1 { color: red; }\n", encoding="utf-8")
        assert project_stylesheet(tmp_path / "new", name, diags) == "h1 { color: red; }\n"
