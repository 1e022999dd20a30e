"""The PDF backend on the sample publication: print geometry, navigation,
tagging (PDF/UA-1) and the archival PDF/A-3 variant."""

from __future__ import annotations

import re

import pikepdf
import pytest
from conftest import ROOT
from pdfcheck import (
    artifacts,
    page_texts,
    pdfua_errors,
    qpdf_check,
    struct_elements,
    unreachable_marked_content,
)

from pubbuild.cli import main

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

MM = 72 / 25.4

VARIANTS = {
    "letter": ["--paper", "Letter"],
    "bleed": ["--bleed", "3mm", "--marks", "crop", "--two-sided"],
    "archival": ["--archival"],
}


@pytest.fixture(scope="module")
def builds(sample_build, tmp_path_factory, monkeypatch_module) -> dict:
    out = tmp_path_factory.mktemp("pdf")
    monkeypatch_module.chdir(ROOT)
    paths = {"a4": sample_build["pdf"]}
    for name, args in VARIANTS.items():
        paths[name] = out / f"{name}.pdf"
        assert main(["-q", "pdf", "-o", str(paths[name]), *args]) == 0
    return paths


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _box(page, name) -> list[float]:
    return [round(float(v), 1) for v in page.obj[name]]


# ------------------------------------------------------------------ print


def test_paper_sizes(builds):
    with pikepdf.open(builds["a4"]) as pdf:
        assert _box(pdf.pages[3], "/MediaBox") == [0, 0, 595.3, 841.9]
    with pikepdf.open(builds["letter"]) as pdf:
        assert _box(pdf.pages[3], "/MediaBox") == [0, 0, 612.0, 792.0]


def test_bleed_and_marks_set_trim_and_bleed_boxes(builds):
    bleed = 3 * MM
    with pikepdf.open(builds["bleed"]) as pdf:
        for page in pdf.pages:
            assert _box(page, "/TrimBox") == [0, 0, 595.3, 841.9]
            assert _box(page, "/BleedBox") == [round(-bleed, 1), round(-bleed, 1),
                                               round(595.28 + bleed, 1), round(841.89 + bleed, 1)]
            assert _box(page, "/MediaBox") == _box(page, "/BleedBox")


#: The sample's generated matter and introduction; every other contents entry is a
#: part or an article.
MATTER = {"About this pack", "Accessibility", "Introduction", "List of sources", "Colophon"}
PARTS = ["The news", "Reading and writing the region"]


def _contents(texts: list[str]) -> list[tuple[str, int]]:
    """(title, page) of each contents entry, checked against the page it names."""
    toc = next(t for t in texts if t.lstrip().startswith("Contents"))
    entries = [(t.strip(), int(n)) for t, n in
               re.findall(r"^\s*(\S.*?)\s?\.{3,}\s*(\d+)\s*$", toc, re.MULTILINE)]
    for title, number in entries:
        lines = texts[number - 1].split("\n")
        if "South Caucasus and Beyond" in lines[0]:
            lines = lines[1:]  # the running head (part openers have none)
        body = " ".join(" ".join(lines).split())
        if body.startswith("Editor's note"):  # an article opens with its editor's note
            body = body[body.index(".") + 1:].lstrip()
        assert body.startswith(title[:25]), (title, number, body[:80])
    return entries


def test_two_sided_parts_and_articles_open_on_right_hand_pages(builds):
    texts = page_texts(builds["bleed"])
    entries = _contents(texts)
    starts = [n for title, n in entries if title not in MATTER]
    assert len(starts) == 6 and all(n % 2 == 1 for n in starts), entries
    assert "South Caucasus and Beyond" in texts[2]  # the title page: recto page 3
    toc = next(n for n, t in enumerate(texts, 1) if t.lstrip().startswith("Contents"))
    assert toc % 2 == 1


def test_front_matter_and_contents_page_numbers(builds):
    texts = page_texts(builds["a4"])
    assert "South Caucasus and Beyond" in texts[1] and "Pubbuild Editorial Desk" in texts[1]
    assert texts[2].split("\n", 1)[1].split()[:3] == ["About", "this", "pack"]
    entries = _contents(texts)
    assert [n for _, n in entries] == sorted(n for _, n in entries)
    titles = [t for t, _ in entries]
    assert titles[:3] == ["About this pack", "Accessibility", "Introduction"]
    assert titles[-2:] == ["List of sources", "Colophon"]
    assert [t for t in titles if t in PARTS] == PARTS and len(titles) == 11


def test_running_heads_and_page_numbers_are_artifacts(builds):
    texts = page_texts(builds["a4"])
    body = texts[4]
    assert "South Caucasus and Beyond" in body.splitlines()[0]
    assert body.strip().splitlines()[-1].strip() == "5"
    assert "1" not in texts[0] and not texts[1].strip().endswith("2")  # none on cover/title
    with pikepdf.open(builds["a4"]) as pdf:
        kinds = artifacts(pdf)
    assert kinds.count("/Pagination") >= 2 * 8


def test_links_print_their_address_in_a_list_after_the_article(builds):
    text = " ".join(" ".join(page_texts(builds["a4"])).split())
    assert "(https://library-stats.example/regional/reading-rooms)" not in text  # never inline
    assert "statistics portal[1]" in text
    assert "Link addresses 1. https://library-stats.example/regional/reading-rooms" in text


def test_bookmarks_nest_articles_under_parts(builds):
    with pikepdf.open(builds["a4"]) as pdf, pdf.open_outline() as outline:
        top = [item.title for item in outline.root]
        nested = {item.title: item for item in outline.root}
    assert top == ["About this pack", "Accessibility", "Introduction", "Contents", *PARTS,
                   "List of sources", "Colophon"]
    region = [c.title for c in nested[PARTS[1]].children]
    assert [t[:18] for t in region] == ["How Regional Libra", "Letters from Yerev", "Field Notes from a"]
    libraries = next(c for c in nested[PARTS[1]].children if c.title.startswith("How Regional"))
    assert "Counting people, not loans" in [c.title for c in libraries.children]
    assert [c.title[:14] for c in nested[PARTS[0]].children] == ["State Departme"]


def test_metadata(builds):
    with pikepdf.open(builds["a4"]) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == "South Caucasus and Beyond"
        assert str(info.Author) == "Pubbuild Editorial Desk"
        assert str(info.Subject).startswith("Three articles")
        assert str(info.Keywords) == "Armenia, Artsakh, libraries, languages"
        assert str(info.CreationDate).startswith("D:20240601")
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == "South Caucasus and Beyond"
            assert xmp["pdfuaid:part"] == "1"
            assert "pdfaid:part" not in xmp
            assert xmp["dc:language"] == {"en"}
            assert xmp["xmp:CreateDate"] == "2024-06-01T00:00:00Z"


def test_fonts_are_shipped_and_embedded(builds):
    with pikepdf.open(builds["a4"]) as pdf:
        names = set()
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                # WeasyPrint's fonts are Type 0; stamped page numbers (parallel layout) TrueType.
                desc = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                names.add(str(font.BaseFont).split("+", 1)[1])
    assert names <= {"PB-Serif", "PB-Serif-Bold", "PB-Serif-Italic", "PB-Serif-BoldItalic",
                     "PB-Armenian", "PB-Armenian-Bold", "PB-Mono", "sans-serif", "sans-serif-Bold",
                     "PB-Symbols"}, names
    assert {"PB-Serif", "PB-Armenian"} <= names


# ------------------------------------------------------------------ tagging


@pytest.mark.parametrize("variant", ["a4", "letter", "bleed", "archival"])
def test_tagged_pdf_checks(builds, variant):
    path = builds[variant]
    qpdf_check(path)
    assert pdfua_errors(path) == []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root and root.MarkInfo.Marked is True
        assert str(root.Lang) == "en"
        assert unreachable_marked_content(pdf) == []
        elems = struct_elements(pdf)
        figures = [e for e in elems if e.S == "/Figure"]
        assert figures and all(str(e.get("/Alt", "")).strip() for e in figures)
        assert "/IDTree" in root.StructTreeRoot
        ths = [e for e in elems if e.S == "/TH"]
        assert ths and all("/Scope" in e.A for e in ths)


def test_passage_languages_reach_the_structure_tree(builds):
    with pikepdf.open(builds["a4"]) as pdf:
        langs = {str(e.Lang) for e in struct_elements(pdf) if "/Lang" in e}
    assert {"hy", "ru", "el", "hy-Latn"} <= langs


def test_cover_is_one_described_figure(builds):
    with pikepdf.open(builds["a4"]) as pdf:
        first = struct_elements(pdf)[1]
        figure = first if first.S == "/Figure" else next(
            e for e in struct_elements(pdf) if e.S == "/Figure")
        assert str(figure.Alt) == "Cover of South Caucasus and Beyond - A sample briefing pack"


# ------------------------------------------------------------------ archival


def test_archival_is_pdfa3a_and_pdfua1(builds):
    with pikepdf.open(builds["archival"]) as pdf:
        raw = pdf.Root.Metadata.read_bytes()
        assert raw.count(b"<rdf:RDF") == 1
        with pdf.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "A"
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["dc:creator"] == [str(pdf.docinfo.Author)]
            assert xmp["pdf:Producer"] == str(pdf.docinfo.Producer)
        assert b"http://www.aiim.org/pdfua/ns/id/" in raw.split(b"pdfaExtension:schemas", 1)[1]
        assert "/Filter" not in pdf.Root.Metadata
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        assert "/ID" in pdf.trailer


def test_archival_build_is_byte_identical(builds, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    again = tmp_path / "again.pdf"
    assert main(["-q", "pdf", "-o", str(again), "--archival"]) == 0
    assert again.read_bytes() == builds["archival"].read_bytes()


def test_pdf_does_not_depend_on_where_the_project_lies(builds, tmp_path, monkeypatch):
    import shutil

    outputs = []
    for where in ("one", "two/deeper"):
        project = tmp_path / where
        shutil.copytree(ROOT / "sources", project / "sources")
        shutil.copy(ROOT / "pubbuild.yaml", project)
        monkeypatch.chdir(project)
        assert main(["-q", "pdf", "-o", "out.pdf"]) == 0
        outputs.append((project / "out.pdf").read_bytes())
    assert outputs[0] == outputs[1] == builds["a4"].read_bytes()
