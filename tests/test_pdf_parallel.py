"""Parallel PDF layout (``--jobs N``) against the single layout (``--jobs 1``): same pages,
text, page numbers, contents, bookmarks, links and structure; and the merged file
passes the structure checks of the PDF backend."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT
from pdfcheck import pdfua_errors, qpdf_check, struct_elements, unreachable_marked_content
from pdfcompare import assert_same, page_texts

from pubbuild.backends.pdf import blocks, fonts, geometry, tagging
from pubbuild.backends.pdf import parallel_layout as parallel
from pubbuild.backends.pdf.fetcher import STYLES
from pubbuild.cli import main

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

SCRIPTS = {
    "en": ["the", "council", "border", "talks", "road", "village", "water", "report", "river", "valley", "winter", "market"],
    "el": ["το", "συμβούλιο", "σύνορα", "συνομιλίες", "δρόμος", "χωριό", "νερό", "ποτάμι", "κοιλάδα", "χειμώνας"],
    "hy": ["խորհուրդ", "սահման", "բանակցություն", "ճանապարհ", "գյուղ", "ջուր", "գետ", "հովիտ", "ձմեռ", "շուկա"],
    "ru": ["совет", "граница", "переговоры", "дорога", "село", "вода", "река", "долина", "зима", "рынок"],
}
PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAUAAAAFCAYAAACNbyblAAAAHElEQVQI12P4//8/w38G"
       "IAXDIBKE0DHxgljNBAAO9TXL0Y4OHwAAAABJRU5ErkJggg==")


def _words(lang: str, n: int, seed: int) -> str:
    words = SCRIPTS[lang]
    return " ".join(words[(seed * 7 + i * 3) % len(words)] for i in range(n))


def synthetic(count: int = 7, two_sided: bool = False) -> str:
    """A pack as pubbuild lays it out: cover, title page, contents with target-counter,
    articles in four scripts with tables, figures and links to other articles."""
    langs = ["en", "el", "hy", "ru"]
    toc, arts = [], []
    for i in range(count):
        lang, slug = langs[i % 4], f"a{i}"
        toc.append(f'<li><a class="toc-link" href="#{slug}-title">Article {i + 1}</a></li>')
        paras = "".join(f"<p>{_words(lang, 40 + 25 * ((i + p) % 5), i + p)}.</p>"
                        for p in range(4 + 3 * (i % 3)))
        other = (i + 3) % count
        arts.append(
            f'<section class="article" id="{slug}" lang="{lang}" data-running="Article {i + 1}">'
            f'<header class="article-header"><h1 id="{slug}-title">Article {i + 1}</h1>'
            f'<p class="byline">By Desk {i}</p></header>'
            f'<p>See <a href="#a{other}-title">article {other + 1}</a> and '
            f'<a href="#a{other}-t">its table</a>.</p>{paras}'
            f'<h2 id="{slug}-s">{_words(lang, 4, i)}</h2>'
            f'<table id="{slug}-t"><caption>Table {i + 1}</caption><thead><tr><th id="h{i}">Year</th>'
            f'<th>Event</th></tr></thead><tbody>'
            + "".join(f"<tr><td>{1990 + r}</td><td>{_words(lang, 5, r)}</td></tr>" for r in range(5))
            + f'</tbody></table><figure><img src="{PNG}" alt="Map {i + 1}" width="120" height="80">'
            f"<figcaption>{_words(lang, 8, i)}</figcaption></figure>{paras}</section>\n")
    geo = geometry.geometry("A5", None, two_sided, None, None)
    from pubbuild.backends.pdf.backend import _sided_css

    styles = fonts.font_face_css() + geo.css() + _sided_css(geo) + (STYLES / "print.css").read_text()
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>Synthetic</title>\n'
            f'<meta charset="utf-8"/>\n<meta name="dcterms.created" content="2024-06-01T00:00:00Z"/>\n<meta name="dcterms.modified" content="2024-06-01T00:00:00Z"/>\n<style>\n{styles}</style>\n</head>\n<body>\n'
            '<section class="cover"><img class="cover-image" src="' + PNG + '" alt="Cover"/></section>\n'
            '<section class="titlepage" aria-label="Title page">\n<p class="pub-title">Synthetic pack</p>\n'
            '</section>\n<nav class="toc" aria-labelledby="toc-title">\n<h1 id="toc-title">Contents</h1>\n'
            f'<ol>\n{"".join(toc)}</ol>\n</nav>\n' + "".join(arts) + "</body>\n</html>\n")


def _context(tmp_path: Path) -> parallel.Context:
    return parallel.Context(base_url=tmp_path.as_uri() + "/", root=tmp_path, allow_network=False,
                            variant="pdf/ua-1")


def _single(html: str, tmp_path: Path, target: Path) -> None:
    """One layout of the whole document, as ``--jobs 1`` makes it."""
    from weasyprint import HTML

    HTML(string=html, base_url=tmp_path.as_uri() + "/").render(presentational_hints=False).write_pdf(
        target, pdf_variant="pdf/ua-1", pdf_identifier=False,
        finisher=lambda doc, pdf: tagging.repair(doc, pdf))


def _checks(path: Path) -> None:
    """The PDF backend's structure checks."""
    qpdf_check(path)
    assert pdfua_errors(path) == []
    with pikepdf.open(path) as pdf:
        assert unreachable_marked_content(pdf) == []
        elements = struct_elements(pdf)
        assert sum(1 for e in elements if e.S == "/Document") == 1
        figures = [e for e in elements if e.S == "/Figure"]
        assert figures and all(str(e.get("/Alt", "")).strip() for e in figures)
        root = pdf.Root.StructTreeRoot
        assert "/IDTree" in root and int(root.ParentTreeNextKey) > 0


# ------------------------------------------------------------------ the sample, through the CLI


@pytest.fixture(scope="module")
def sample_pair(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("par")
    built = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        for name, extra in (("a4", []), ("two-sided", ["--two-sided", "--bleed", "3mm",
                                                       "--marks", "crop"])):
            for jobs in (1, 2):
                built[name, jobs] = out / f"{name}-{jobs}.pdf"
                assert main(["-q", "pdf", "-o", str(built[name, jobs]), "--jobs", str(jobs),
                             *extra]) == 0
    return built


@pytest.mark.parametrize("variant", ["a4", "two-sided"])
def test_sample_parallel_matches_single(sample_pair, variant):
    assert_same(sample_pair[variant, 1], sample_pair[variant, 2])
    _checks(sample_pair[variant, 2])


@pytest.mark.parametrize("variant", ["a4", "two-sided"])
def test_sample_parallel_keeps_the_xmp(sample_pair, variant):
    # The merged file keeps the first part's catalog (cover to introduction, laid out in
    # a worker); the XMP pubbuild installs must be there, unfiltered, as in one piece.
    packets = []
    for jobs in (1, 2):
        with pikepdf.open(sample_pair[variant, jobs]) as pdf:
            stream = pdf.Root.Metadata
            assert "/Filter" not in stream
            # pikepdf re-serialises the packet on save: compare what it says
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                packets.append(dict(meta))
    assert packets[0] == packets[1]
    assert packets[1]["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
    assert packets[1]["{http://purl.org/dc/elements/1.1/}identifier"].startswith("urn:")


def test_sample_contents_numbers_are_the_article_pages(sample_pair):
    texts = page_texts(sample_pair["a4", 2])
    contents = next(t for t in texts if "Contents" in t)
    numbers = [int(line.rsplit(" ", 1)[1]) for line in contents.splitlines()
               if line.rstrip()[-1:].isdigit() and " " in line.strip()]
    # about, accessibility, introduction, 2 parts, 4 articles, sources, colophon
    assert len(numbers) == 11 and numbers == sorted(numbers)
    for n in numbers:  # the page the contents points at shows that number
        assert texts[n - 1].rstrip().endswith(str(n)) or f"\n{n}\n" in texts[n - 1] + "\n"


def test_build_passes_jobs_to_the_pdf(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    calls = []
    layout = parallel.layout

    def spy(html, ctx, target, jobs, *args, **kwargs):
        outcome = layout(html, ctx, target, jobs, *args, **kwargs)
        calls.append((jobs, len(outcome.parts)))
        return outcome
    monkeypatch.setattr(parallel, "layout", spy)
    assert main(["-q", "build", "--format", "pdf", "-o", str(tmp_path), "--jobs", "2"]) == 0
    # cover to introduction, the contents, and the articles in runs balanced by cost
    [(jobs, parts)] = calls
    assert jobs == 2 and parts >= 4
    assert main(["-q", "build", "--format", "pdf", "-o", str(tmp_path), "--jobs", "1"]) == 0
    assert len(calls) == 1  # one layout, not in parts


# ------------------------------------------------------------------ synthetic packs


@pytest.mark.parametrize("jobs,two_sided", [(2, False), (3, True)])
def test_cross_article_links_scripts_tables_figures(tmp_path, jobs, two_sided):
    html = synthetic(7, two_sided)
    single, merged = tmp_path / "single.pdf", tmp_path / "merged.pdf"
    _single(html, tmp_path, single)
    outcome = parallel.layout(html, _context(tmp_path), merged, jobs, two_sided)
    assert len(outcome.parts) == jobs + 2  # cover and title page, contents, articles
    # 7 links from the contents, 14 between articles in other parts or in the same one.
    assert outcome.cross_links >= 7 + 7
    assert_same(single, merged)
    _checks(merged)
    with pikepdf.open(merged) as pdf:
        langs = {str(e.Lang) for e in struct_elements(pdf) if "/Lang" in e}
    assert {"el", "hy", "ru"} <= langs


def test_each_worker_lays_its_share_out_in_pieces(tmp_path, monkeypatch):
    """Above PART_COST a worker's share is several documents laid out one after the
    other: still the same pages, text, links, bookmarks and structure as one layout."""
    monkeypatch.setattr(parallel, "PART_COST", 600.0)
    html = synthetic(7, True)
    single, merged = tmp_path / "single.pdf", tmp_path / "merged.pdf"
    _single(html, tmp_path, single)
    outcome = parallel.layout(html, _context(tmp_path), merged, 2, True)
    assert len(outcome.parts) >= 2 + 4  # cover and title page, contents, 4+ pieces
    assert_same(single, merged)
    _checks(merged)


def test_one_job_lays_a_big_document_out_piece_after_piece(tmp_path, monkeypatch):
    """--jobs 1 on a document of several pieces: each piece (and the contents) laid out in
    a child process of its own, one after the other, merged; the same pages as one layout."""
    monkeypatch.setattr(parallel, "PART_COST", 600.0)
    rendered_here: list[str] = []
    real_render = parallel.render

    def spy(html, *args, **kwargs):
        rendered_here.append(html)
        return real_render(html, *args, **kwargs)
    monkeypatch.setattr(parallel, "render", spy)  # children are forked: they spy on nothing here
    html = synthetic(7, True)
    single, merged = tmp_path / "single.pdf", tmp_path / "merged.pdf"
    _single(html, tmp_path, single)
    outcome = parallel.layout(html, _context(tmp_path), merged, 1, True)
    assert len(outcome.parts) >= 2 + 3 and len(outcome.worker_rss_kib) == 1
    # this process laid out only the blank page's probe, never a part
    assert all("break-after: right" in h for h in rendered_here)
    assert_same(single, merged)
    _checks(merged)


def test_one_job_and_one_piece_is_one_layout(tmp_path):
    with pytest.raises(parallel.Unsupported):
        parallel.cut(synthetic(3), 1)


def test_pieces_are_contiguous_and_cover_the_body(monkeypatch):
    monkeypatch.setattr(parallel, "PART_COST", 25.0)
    body = [f'<section class="article" id="a{i}">{"x" * (400 * (1 + i % 3))}</section>'
            for i in range(9)]
    runs, groups = parallel._plan(body, 2, [30.0])
    assert [i for r in runs for i in r] == list(range(9))  # in order, each block once
    assert len(runs) > 2
    assert [d for g in groups for d in g] == list(range(1 + len(runs)))  # contiguous per worker
    assert len(groups) == 2


def test_merged_file_is_deterministic(tmp_path):
    html = synthetic(5)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    parallel.layout(html, _context(tmp_path), a, 2, False)
    parallel.layout(html, _context(tmp_path), b, 2, False)
    assert a.read_bytes() == b.read_bytes()


def test_no_font_folders_left_behind(tmp_path, monkeypatch):
    """WeasyPrint copies @font-face fonts into a temporary folder per font configuration;
    the workers exit without finalising it, so the layout removes what it made."""
    import tempfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # the forked workers inherit it
    outcome = parallel.layout(synthetic(5), _context(tmp_path), tmp_path / "x.pdf", 2, False)
    assert len(outcome.parts) >= 3
    assert sorted(p.name for p in scratch.iterdir()) == []


def test_unsupported_page_numbers_fall_back(tmp_path):
    html = synthetic(4).replace("</head>", "<style>@page { @bottom-center { content: "
                                "counter(page) ' of ' counter(pages); } }</style></head>", 1)
    with pytest.raises(parallel.Unsupported, match="counter"):
        parallel.layout(html, _context(tmp_path), tmp_path / "x.pdf", 2, False)


def test_blocks_cut_the_body_exactly():
    html = synthetic(3)
    doc = blocks.split(html)
    assert doc.head + "".join(doc.blocks) + doc.tail == html
    assert [sorted(blocks.classes(b)) for b in doc.blocks] == [
        ["cover"], ["titlepage"], ["toc"], ["article"], ["article"], ["article"]]
    assert blocks.tag(doc.blocks[2]) == "nav"


def test_each_part_is_tagged_and_knows_where_its_numbers_go(tmp_path):
    """Every part is a tagged PDF on its own (the merge requires it)."""
    html = synthetic(2)
    result = parallel.render(html, _context(tmp_path))
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
    numbered = [p.number for p in result.pages if p.number is not None]
    assert numbered and all(n.align == "center" and n.size == 9.0 for n in numbered)
    assert [p.number is None for p in result.pages[:3]] == [True, True, True]  # cover, title, contents


@pytest.mark.parametrize("two_sided", [False, True])
def test_parallel_page_map_matches_single(two_sided, monkeypatch):
    """The EPUB's print page numbers come from the page map: both paths give the same one."""
    from pubbuild.assemble.publication import load_publication
    from pubbuild.backends import BuildOptions, get

    monkeypatch.chdir(ROOT)
    pub = load_publication(ROOT / "pubbuild.yaml")
    maps = {}
    for jobs in (1, 2):
        backend = get("pdf")(BuildOptions(extra={"jobs": jobs, "two_sided": two_sided}))
        backend.write(pub, ROOT / "build" / f".pagemap-test-{jobs}.pdf")
        (ROOT / "build" / f".pagemap-test-{jobs}.pdf").unlink()
        maps[jobs] = backend.page_map
        assert (getattr(backend, "parallel", None) is not None) == (jobs == 2)
    assert maps[1] and maps[2] == maps[1]


@pytest.mark.parametrize("jobs", [1, 2])
def test_without_a_page_map_the_pdf_is_the_same(jobs, monkeypatch, tmp_path):
    """A build whose page map nobody takes (``pubbuild pdf`` alone) does not look for it,
    in one layout or in parts, and writes the same bytes."""
    from pubbuild.assemble.publication import load_publication
    from pubbuild.backends import BuildOptions, get

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")
    pub = load_publication(ROOT / "pubbuild.yaml")
    written = {}
    for wanted in (True, False):
        backend = get("pdf")(BuildOptions(extra={"jobs": jobs}))
        backend.page_map_wanted = wanted
        backend.write(pub, tmp_path / f"{wanted}.pdf")
        assert bool(backend.page_map) is wanted
        written[wanted] = (tmp_path / f"{wanted}.pdf").read_bytes()
    assert written[False] == written[True]


@pytest.mark.parametrize("who", ["worker", "child"])
def test_a_killed_worker_falls_back_to_one_layout(tmp_path, monkeypatch, caplog, who):
    """A worker, or the child it lays a document out in, that dies (out of memory, a
    signal) costs the parallel layout, not the PDF."""
    import logging
    import os

    from pubbuild.assemble.publication import load_publication
    from pubbuild.backends import BuildOptions, get

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(parallel, "PART_COST", 50.0)  # a document per article: children too
    parent, real = os.getpid(), parallel.render

    def dies(*args, **kwargs):
        here = {"worker": os.getppid() == parent, "child": os.getpid() != parent
                and os.getppid() != parent}
        if here[who]:
            os._exit(9)
        return real(*args, **kwargs)
    monkeypatch.setattr(parallel, "render", dies)
    backend = get("pdf")(BuildOptions(extra={"jobs": 2}))
    target = tmp_path / "pack.pdf"
    with caplog.at_level(logging.WARNING, logger="pubbuild"):
        backend.write(load_publication(ROOT / "pubbuild.yaml"), target)
    assert getattr(backend, "parallel", None) is None and backend.page_map
    assert "stopped unexpectedly" in caplog.text
    assert ("a layout process ended without a result (exit status 9)" in caplog.text) == (
        who == "child")
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) > 5 and "/StructTreeRoot" in pdf.Root
    assert [p.name for p in tmp_path.iterdir()] == ["pack.pdf"]  # no temporary file left


@pytest.mark.parametrize("jobs", [1, 2])
def test_layout_runs_without_the_cyclic_collector(tmp_path, monkeypatch, jobs):
    """printing.collector: paused while laying out (every process), back on afterwards."""
    import gc

    import weasyprint

    from pubbuild.assemble.publication import load_publication
    from pubbuild.backends import BuildOptions, get

    monkeypatch.chdir(ROOT)
    real, log = weasyprint.HTML.render, tmp_path / "gc.txt"

    def render(self, *args, **kwargs):
        # Every layout, in whichever process (workers and their children, or this one):
        # appended to a file, since a forked child's memory is not this process's.
        with open(log, "a", encoding="ascii") as out:
            out.write(f"{int(gc.isenabled())}\n")
        return real(self, *args, **kwargs)
    monkeypatch.setattr(weasyprint.HTML, "render", render)
    backend = get("pdf")(BuildOptions(extra={"jobs": jobs}))
    backend.write(load_publication(ROOT / "pubbuild.yaml"), tmp_path / "x.pdf")
    assert (getattr(backend, "parallel", None) is not None) == (jobs == 2)
    seen = log.read_text(encoding="ascii").split()
    assert seen and set(seen) == {"0"}
    assert gc.isenabled()


def test_archival_is_laid_out_in_one_piece(tmp_path, monkeypatch):
    """PDF/A-3 keeps its attachments in the catalog, which the merge does not carry."""
    from pubbuild.assemble.publication import load_publication
    from pubbuild.backends import BuildOptions, get

    monkeypatch.chdir(ROOT)
    backend = get("pdf")(BuildOptions(extra={"jobs": 2, "archival": True}))
    backend.write(load_publication(ROOT / "pubbuild.yaml"), tmp_path / "a.pdf")
    assert getattr(backend, "parallel", None) is None and backend.page_map


def test_runs_keep_a_part_with_its_articles():
    body = ['<section class="part" id="part-1">P1</section>',
            *[f'<section class="article" id="a{i}">{"x" * 400}</section>' for i in range(3)],
            '<section class="part" id="part-2">P2</section>',
            *[f'<section class="article" id="b{i}">{"x" * 400}</section>' for i in range(3)],
            '<section class="sources" id="sources">S</section>']
    runs = parallel._runs(body, 2)
    assert [(r.start, r.stop) for r in runs] == [(0, 4), (4, 9)]
    # without parts, articles are balanced one by one
    loose = [f'<section class="article" id="c{i}">{"x" * 400}</section>' for i in range(4)]
    assert [(r.start, r.stop) for r in parallel._runs(loose, 2)] == [(0, 2), (2, 4)]
