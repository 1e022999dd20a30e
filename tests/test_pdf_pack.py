"""The PDF of a briefing pack: reading order, part openers, editor's notes, a heading
hierarchy that nests articles under parts, and the page map `pubbuild build` hands
to the EPUB."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from packutil import copy_root
from pdfcheck import pdfua_errors, qpdf_check, struct_elements

from pubbuild.assemble.build import build_all
from pubbuild.assemble.publication import load_publication
from pubbuild.backends.pagemap import PageBreak, counted
from pubbuild.cli import main
from pubbuild.model import Publication
from pubbuild.pipeline import recorded_page_map

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

PACK_SECTIONS = ["cover", "titlepage", "about", "accessibility", "introduction", "nav", "part-1",
                 "harbour", "part-2", "archive", "notes", "sources", "colophon"]


@dataclass
class Built:
    """What the tests read of a `pubbuild build`: its outputs, page map and publication."""

    outputs: dict[str, Path]
    page_map: list[PageBreak] | None
    publication: Publication


@pytest.fixture(scope="module")
def pack(tmp_path_factory, test_pack_build):
    """The two-part test pack built with `pubbuild build` (EPUB and PDF in one run; the session's
    shared build), and the HTML its PDF is laid out from."""
    tmp = tmp_path_factory.mktemp("pdfpack")
    manifest = test_pack_build.manifest
    result = Built(test_pack_build.outputs, recorded_page_map(test_pack_build.outputs["pdf"]),
                   load_publication(manifest))
    html = tmp / "pack.html"
    assert main(["-q", "pdf", str(manifest), "-o", str(tmp / "again.pdf"), "--emit-html", str(html)]) == 0
    return result, html.read_text(encoding="utf-8"), tmp


def _levels(pdf: pikepdf.Pdf) -> list[int]:
    """The level of every heading, in structure-tree order."""
    return [int(str(e.S)[2:]) for e in struct_elements(pdf) if re.fullmatch(r"/H\d", str(e.S))]


# ------------------------------------------------------------------ document


def test_top_level_sections_have_the_epub_ids_in_reading_order(pack):
    import lxml.html

    _, html, _ = pack
    assert [el.get("id") for el in lxml.html.fromstring(html).body] == PACK_SECTIONS


def test_editors_note_is_marked_and_follows_the_title_block(pack):
    _, html, _ = pack
    harbour = html[html.index('id="harbour"'):html.index('id="part-2"')]
    note = harbour.index('<aside class="editor-note" aria-labelledby="harbour-editor-note-label"')
    assert harbour.index("<h2") < harbour.index("</header>") < note
    assert ">Editor&#x27;s note</p>" in harbour.replace("'", "&#x27;")
    assert "Read this one <em>first</em>." in harbour


def test_heading_hierarchy_puts_parts_above_articles(pack):
    result, _, _ = pack
    with pikepdf.open(result.outputs["pdf"]) as pdf:
        levels = _levels(pdf)
        with pdf.open_outline() as outline:
            top = [item.title for item in outline.root]
            parts = {item.title: [c.title for c in item.children] for item in outline.root}
    assert all(b <= a + 1 for a, b in zip([0, *levels], levels)), levels  # no level skipped
    assert levels.count(1) == 8  # about, accessibility, introduction, contents, 2 parts, sources, colophon
    assert top == ["About this pack", "Accessibility", "Introduction", "Contents", "Part One",
                   "Part Two", "List of sources", "Colophon"]
    titles = {a.slug: a.meta.title for a in result.publication.articles}
    assert parts["Part One"] == [titles["harbour"]]
    assert parts["Part Two"] == [titles["archive"], titles["notes"]] == ["Keeping the Archive", titles["notes"]]


def test_pack_pdf_is_tagged_and_valid(pack):
    result, _, _ = pack
    path = result.outputs["pdf"]
    qpdf_check(path)
    assert pdfua_errors(path) == []


def test_publication_without_parts_builds_as_before(tmp_path):
    manifest = copy_root("epub-text", tmp_path)
    out = tmp_path / "words.pdf"
    html = tmp_path / "words.html"
    assert main(["-q", "pdf", str(manifest), "-o", str(out), "--emit-html", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert 'class="part' not in text and 'class="editor-note"' not in text
    assert text.count('<section class="article"') == 3 and 'class="article in-part"' not in text
    with pikepdf.open(out) as pdf:
        levels = _levels(pdf)
    assert levels.count(1) == 8  # 3 articles, contents, 4 generated pages: no parts above them
    assert all(b <= a + 1 for a, b in zip([0, *levels], levels)), levels
    assert pdfua_errors(out) == []


# ------------------------------------------------------------------ page map


def _page_texts(pdf: Path) -> list[str]:
    """The counted characters of each page's flow (running heads cropped off)."""
    with pikepdf.open(pdf) as doc:
        n, height = len(doc.pages), float(doc.pages[0].MediaBox[3])
    out = []
    for page in range(1, n + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-raw", "-y", "60",
                               "-x", "0", "-W", "10000", "-H", str(int(height) - 60 - 45),
                               str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        out.append("".join(c for c in text if counted(c) and c != "\u2010"))
    return out


def test_build_sets_the_page_map_from_the_pdf(pack):
    result, _, _ = pack
    breaks = result.page_map
    with pikepdf.open(result.outputs["pdf"]) as pdf:
        n_pages = len(pdf.pages)
    assert breaks and [b.page for b in breaks] == list(range(1, n_pages + 1))
    assert [b.label for b in breaks] == [str(n) for n in range(1, n_pages + 1)]
    # Every page begins in a top-level section, in reading order.
    order = [c for c in PACK_SECTIONS if any(b.container == c for b in breaks)]
    seen = [b.container for b in breaks]
    assert sorted(seen, key=PACK_SECTIONS.index) == seen and set(order) == set(PACK_SECTIONS)
    # ... at the characters that open the page in the PDF itself.
    checked = 0
    for b, text in zip(breaks, _page_texts(result.outputs["pdf"])):
        start = "".join(c for c in b.text if counted(c))[:10]
        if b.before_text:
            assert re.sub(r"^\d+\.", "", text).startswith(start) or text.startswith(start), (b, text[:30])
            checked += 1
    assert checked >= n_pages - 1  # every page but the cover (an image) begins with text


def test_page_map_names_documents_of_the_epub(pack):
    """Article pages name the EPUB document holding the article; so do the pack's own
    pages wherever the EPUB backend renders the pack's documents."""
    result, _, _ = pack
    with zipfile.ZipFile(result.outputs["epub"]) as epub:
        stems = {Path(n).stem for n in epub.namelist() if n.endswith(".xhtml")}
    containers = {b.container for b in result.page_map}
    articles = {a.slug for a in result.publication.articles}
    assert articles <= containers and articles <= stems
    assert {"cover", "titlepage", "nav"} <= stems & containers
    if "about" in stems:  # the EPUB renders the pack's own documents: every page is found
        assert containers <= stems, containers - stems


def test_second_build_keeps_the_page_map(pack, test_pack_build, tmp_path):
    result, _, _ = pack
    project = tmp_path / "test-pack"  # the built project, its article cache included
    shutil.copytree(test_pack_build.manifest.parent, project)
    again = build_all(project / "pubbuild.yaml", out_dir=tmp_path / "out2", jobs=1)
    assert again.stats.hits and not again.stats.normalised
    assert again.page_map == result.page_map
    assert again.outputs["pdf"].read_bytes() == result.outputs["pdf"].read_bytes()
