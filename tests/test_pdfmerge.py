"""Merged tagged PDF parts against a single render of the same pages.

A small pack (contents page, three articles with cross-article links, tables
with header cells, a figure with alt text, several scripts) is laid out once
whole (the reference, like ``--jobs 1``) and once as parts merged by
:mod:`pubbuild.backends.pdf.merge` with page numbers stamped by :mod:`pubbuild.backends.pdf.page_numbers`.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from pubbuild.backends.pdf.merge import XREF_SCHEME, dests_of, mark_cross_part_links, merge_parts
from pubbuild.backends.pdf.page_numbers import Stamp, stamp_at
from pubbuild.errors import BuildError

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

weasyprint = pytest.importorskip("weasyprint")

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAUAAAAFCAYAAACNbyblAAAAHElEQVQI12P4//8/w38GIAXDIBKE0D"
       "HxgljNBAAO9TXL0Y4OHwAAAABJRU5ErkJggg==")
CSS = """
@page { size: A5; margin: 15mm 15mm 20mm;
  @bottom-center { content: counter(page); font-size: 9pt; font-family: "DejaVu Serif"; } }
@page front { @bottom-center { content: none; } }
html { font-family: "DejaVu Serif", serif; font-size: 10pt; }
.toc { page: front; }
.toc a::after { content: " " target-counter(attr(href), page); }
.toc.literal a::after { content: " " attr(data-page); }
section.article { break-before: page; }
th, td { border: 0.5pt solid black; }
"""
NO_NUMBERS = "@page { @bottom-center { content: none; } }"

ARTICLES = [
    ("armenia", "Yerevan notes", "hy", "Երևանը Հայաստանի մայրաքաղաքն է։ " * 6, "greece"),
    ("greece", "Athens notes", "el", "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας. " * 90, "cyprus"),
    ("cyprus", "Nicosia notes", "en", "Nicosia (Λευκωσία, Lefkoşa) is divided. Москва далеко. " * 8,
     "armenia"),
]


def article(slug: str, title: str, lang: str, text: str, other: str) -> str:
    return (f'<section class="article" id="{slug}" lang="{lang}"><h1 id="{slug}-title">{title}</h1>'
            f'<p>{text}</p><p lang="en">See also <a href="#{other}-title">the next notes</a>, '
            f'<a href="#{slug}-table">this table</a> and <a href="#{slug}-fig">the figure</a>.</p>'
            f'<table id="{slug}-table"><thead><tr><th>Year</th><th>Event</th></tr></thead>'
            f'<tbody><tr><td>1918</td><td>{title}</td></tr><tr><td>1991</td><td>later</td></tr></tbody>'
            f'</table><figure id="{slug}-fig"><img alt="A red square for {slug}" src="{PNG}" '
            f'width="40" height="40"><figcaption>Figure for {title}</figcaption></figure>'
            f'<h2>Arabic</h2><p lang="ar" dir="rtl">مرحبا بالعالم</p></section>')


def toc(numbers: dict[str, int] | None) -> str:
    """Contents page: target-counter in the single render, literal numbers in the parallel one."""
    items = []
    for slug, title, *_ in ARTICLES:
        literal = f' data-page="{numbers[slug + "-title"]}"' if numbers is not None else ""
        items.append(f'<li><a href="#{slug}-title"{literal}>{title}</a></li>')
    cls = "toc" if numbers is None else "toc literal"
    return f'<nav class="{cls}"><h1>Contents</h1><ol>{"".join(items)}</ol></nav>'


def page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>Pack</title></head><body>{body}</body></html>'


def render(html: str, numbers: bool = True) -> bytes:
    sheets = [weasyprint.CSS(string=CSS)] + ([] if numbers else [weasyprint.CSS(string=NO_NUMBERS)])
    return weasyprint.HTML(string=html).write_pdf(stylesheets=sheets, pdf_variant="pdf/ua-1",
                                                  pdf_tags=True)


def render_part(html: str) -> tuple[bytes, list[Stamp | None]]:
    """A part as the parallel layout makes it: laid out with the page-number margin boxes
    taken out, and where each would have drawn its number (``parallel_layout._take_number``)."""
    from pubbuild.backends.pdf import parallel_layout

    document = weasyprint.HTML(string=html).render(stylesheets=[weasyprint.CSS(string=CSS)])
    with pytest.MonkeyPatch.context() as patch:  # the numbers are in DejaVu, not a shipped font
        patch.setattr(parallel_layout, "_font_file", lambda style: (str(FONT), "DejaVuSerif"))
        stamps = [parallel_layout._take_number(page).number for page in document.pages]
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True), stamps


def anchor_pages(parts: list[bytes]) -> dict[str, int]:
    """Page index (0-based, in the merged document) of every named destination of the parts
    (a parallel layout takes them from each part's layout instead)."""
    found: dict[str, int] = {}
    offset = 0
    for source in parts:
        with pikepdf.open(io.BytesIO(source)) as pdf:
            index = {page.objgen: i for i, page in enumerate(pdf.pages)}
            for name, dest in dests_of(pdf).items():
                target = dest[0] if isinstance(dest, pikepdf.Array) else dest.get("/D")[0]
                found.setdefault(name, offset + index[target.objgen])
            offset += len(pdf.pages)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("merge")
    single = tmp / "single.pdf"
    single.write_bytes(render(page(toc(None) + "".join(article(*a) for a in ARTICLES))))
    # Parallel: articles in two parts (the first article alone), the contents page laid out last
    # with the page numbers the article parts give, then placed first.
    bodies = [article(*ARTICLES[0]), article(*ARTICLES[1]) + article(*ARTICLES[2])]
    laid = [render_part(h) for h in mark_cross_part_links([page(b) for b in bodies])]
    front_pages = 1
    parts = [pdf for pdf, _ in laid]
    numbers = {name: index + front_pages + 1 for name, index in anchor_pages(parts).items()}
    front = mark_cross_part_links([page(toc(numbers))] + [page(b) for b in bodies])[0]
    laid.insert(0, render_part(front))
    parts.insert(0, laid[0][0])
    with pikepdf.open(io.BytesIO(parts[0])) as pdf:
        assert len(pdf.pages) == front_pages
    places = [stamp for _, stamps in laid for stamp in stamps]
    assert places[0] is None and all(places[front_pages:])  # the contents page shows no number
    stamps = [None if s is None else Stamp(str(n + 1), s.x, s.baseline, s.size, s.align)
              for n, s in enumerate(places)]

    merged = tmp / "merged.pdf"
    report = merge_parts(parts, merged, finish=lambda pdf: stamp_at(pdf, stamps, FONT))
    again = tmp / "again.pdf"
    merge_parts(parts, again, finish=lambda pdf: stamp_at(pdf, stamps, FONT))
    return {"single": single, "merged": merged, "again": again, "report": report}


# ---------------------------------------------------------------- helpers


def struct_walk(pdf: pikepdf.Pdf):
    """(element, depth) for every structure element reachable from the root, in order."""
    def walk(node, depth):
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
                yield kid, depth
                yield from walk(kid, depth + 1)
    yield from walk(pdf.Root.StructTreeRoot, 0)


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Object]:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def page_text(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [" ".join(p.split()) for p in out.split("\f")]


def outline(pdf: pikepdf.Pdf) -> list[tuple[str, int]]:
    index = {p.objgen: i for i, p in enumerate(pdf.pages)}
    found = []
    with pdf.open_outline() as tree:
        def walk(items, depth):
            for item in items:
                dest = item.destination
                found.append((depth, item.title, index[dest[0].objgen]))
                walk(item.children, depth + 1)
        walk(tree.root, 0)
    return found


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


# ---------------------------------------------------------------- tests


def test_qpdf_check_is_clean(built):
    proc = subprocess.run(["qpdf", "--check", str(built["merged"])], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No syntax or stream encoding errors" in proc.stdout


def test_merge_is_deterministic(built):
    assert built["merged"].read_bytes() == built["again"].read_bytes()


def test_merged_file_packs_its_objects_into_object_streams(built):
    """Saved as the single layout is: every object that is not a stream sits in an object
    stream (without that the merged sample is a third larger, and no other test notices)."""
    import re

    data = built["merged"].read_bytes()
    top_level = len(re.findall(rb"(?m)^\d+ 0 obj", data))
    with pikepdf.open(built["merged"]) as pdf:
        streams = sum(isinstance(o, pikepdf.Stream) for o in pdf.objects)
    assert top_level <= streams + 2, (top_level, streams)  # + the ObjStm and XRef streams' own


@needs_poppler
def test_same_pages_and_text_as_single_render(built):
    single, merged = page_text(built["single"]), page_text(built["merged"])
    assert len(single) == len(merged) > 4
    assert merged == single


@needs_poppler
def test_stamped_numbers_sit_where_the_single_render_puts_them(built):
    def numbers(path):
        out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
        found = {}
        for n, page in enumerate(out.split("<page ")[1:]):
            words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(\d+)<',
                               page)
            if words and words[-1][4] == str(n + 1):
                found[n] = tuple(float(v) for v in words[-1][:4])
        return found
    single, merged = numbers(built["single"]), numbers(built["merged"])
    assert single.keys() == merged.keys() and len(single) >= 4
    for n in single:
        assert single[n] == pytest.approx(merged[n], abs=0.05), n


def test_page_numbers_are_pagination_artifacts(built):
    with pikepdf.open(built["merged"]) as pdf:
        for n, page in enumerate(pdf.pages[1:], 2):
            ops = pikepdf.parse_content_stream(page)
            artifacts = [list(i.operands) for i in ops if str(i.operator) == "BDC"
                         and i.operands[0] == "/Artifact"]
            assert any(a[1].get("/Type") == "/Pagination" for a in artifacts), n
        first = pikepdf.parse_content_stream(pdf.pages[0])
        assert not any(str(i.operator) == "BDC" and i.operands[0] == "/Artifact" for i in first)


def test_one_document_element_holds_every_part(built):
    with pikepdf.open(built["single"]) as single, pikepdf.open(built["merged"]) as merged:
        root = merged.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        for element in root.K[0].K:
            assert element.P.objgen == root.K[0].objgen
        def kinds(pdf):
            return [(str(e.S), d) for e, d in struct_walk(pdf)]
        assert kinds(merged) == kinds(single)


def test_parent_tree_is_consistent(built):
    with pikepdf.open(built["merged"]) as pdf:
        tree = parent_tree(pdf)
        in_tree = {e.objgen for e, _ in struct_walk(pdf)}
        used_keys = set()
        for n, page in enumerate(pdf.pages):
            key = int(page.obj.StructParents)
            assert key not in used_keys
            used_keys.add(key)
            mapping = tree[key]
            mcids = [int(i.operands[1].MCID) for i in pikepdf.parse_content_stream(page)
                     if str(i.operator) == "BDC" and isinstance(i.operands[1], pikepdf.Dictionary)
                     and "/MCID" in i.operands[1]]
            assert mcids, f"page {n + 1} has no marked content"
            for mcid in mcids:
                element = mapping[mcid]
                assert element.objgen in in_tree, f"page {n + 1} MCID {mcid} is not in the structure tree"
                assert element.Pg.objgen == page.objgen
            for annot in page.obj.get("/Annots", ()):
                key = int(annot.StructParent)
                assert key not in used_keys
                used_keys.add(key)
                owner = tree[key]
                assert owner.objgen in in_tree
                assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                           and k.Obj.objgen == annot.objgen for k in owner.K)
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(tree) + 1
        assert set(tree) == used_keys


def test_every_figure_has_alt_text(built):
    with pikepdf.open(built["merged"]) as pdf:
        figures = [e for e, _ in struct_walk(pdf) if e.S == "/Figure"]
        assert len(figures) == 3
        assert all(str(f.Alt).startswith("A red square") for f in figures)


def _table_of(element):
    """The /Table structure element holding ``element``."""
    return element if element.S == "/Table" else _table_of(element.P)


def test_table_header_ids_are_unique_and_resolve(built):
    with pikepdf.open(built["merged"]) as pdf:
        ids = [bytes(e.ID) for e, _ in struct_walk(pdf) if "/ID" in e]
        assert len(ids) == 6 and len(set(ids)) == 6
        names = pdf.Root.StructTreeRoot.IDTree.Names
        id_tree = {bytes(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        assert list(id_tree) == sorted(id_tree) and set(id_tree) == set(ids)
        cells = [e for e, _ in struct_walk(pdf) if e.S == "/TD"]
        assert len(cells) == 12
        for cell in cells:
            headers = cell.A.Headers
            assert len(headers) == 1
            th = id_tree[bytes(headers[0])]
            assert th.S == "/TH"
            assert _table_of(th).objgen == _table_of(cell).objgen


def test_outlines_joined_in_order(built):
    with pikepdf.open(built["single"]) as single, pikepdf.open(built["merged"]) as merged:
        expected = outline(single)
        assert [t for _, t, _ in expected][:2] == ["Contents", "Yerevan notes"]
        assert outline(merged) == expected


def test_links_resolve_to_the_same_places(built):
    def links(pdf):
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        dests = dests_of(pdf)
        found = []
        for n, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", ()):
                assert "/A" not in annot, "a link still points outside the document"
                name = str(annot.Dest)
                found.append((n, name, index[dests[name][0].objgen]))
        return found, list(dests)
    with pikepdf.open(built["single"]) as single, pikepdf.open(built["merged"]) as merged:
        (expected, single_names), (got, names) = links(single), links(merged)
        assert got == expected
        assert len(got) == 2 * 3 + 3 * 3  # contents entries (link and its number), three per article
        assert names == sorted(names, key=lambda s: s.encode()) and set(names) == set(single_names)
    assert built["report"].cross_links == 2 * 3 + 2  # contents -> articles; two article links cross


def test_no_two_different_font_subsets_share_a_tag(built):
    with pikepdf.open(built["merged"]) as pdf:
        programs: dict[str, set[bytes]] = {}
        seen = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
                name = str(font.BaseFont)
                if "+" not in name:
                    continue
                sub = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                program = sub.FontDescriptor.FontFile2.read_bytes()
                programs.setdefault(name.split("+")[0], set()).add(program)
                assert str(sub.FontDescriptor.FontName) == name
        assert all(len(p) == 1 for p in programs.values()), \
            {tag: len(p) for tag, p in programs.items() if len(p) > 1}
    assert built["report"].retagged_fonts > 0  # the parts did reuse tags for different subsets


def test_catalog_entries_come_from_the_first_part(built):
    with pikepdf.open(built["merged"]) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as xmp:
            assert xmp.get("dc:title") == "Pack"
        assert Counter(str(p.obj.Tabs) for p in pdf.pages) == Counter({"/S": len(pdf.pages)})


# ---------------------------------------------------------------- units


def test_mark_cross_part_links_only_marks_other_parts_targets():
    parts = ['<p id="a">x <a href="#b">b</a> <a href="#a">a</a> <a href="#nowhere">n</a></p>',
             '<p id="b">y <a href="#a">a</a> <a href="https://e.org/#a">e</a></p>']
    one, two = mark_cross_part_links(parts)
    assert f'href="{XREF_SCHEME}b"' in one and 'href="#a"' in one and 'href="#nowhere"' in one
    assert f'href="{XREF_SCHEME}a"' in two and 'href="https://e.org/#a"' in two


def test_colliding_structure_ids_are_prefixed_and_headers_follow(tmp_path):
    part = render(page(article(*ARTICLES[0])), numbers=False)
    report = merge_parts([part, part, part], tmp_path / "same.pdf")
    assert report.renamed_ids == 2 * 2
    with pikepdf.open(tmp_path / "same.pdf") as pdf:
        elements = [e for e, _ in struct_walk(pdf)]
        ids = [bytes(e.ID) for e in elements if "/ID" in e]
        assert len(ids) == 6 and len(set(ids)) == 6
        names = pdf.Root.StructTreeRoot.IDTree.Names
        id_tree = {bytes(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        header_of = {}
        for element in elements:
            if element.S == "/TD":
                header_of[element.objgen] = id_tree[bytes(element.A.Headers[0])]
        tables = [e for e in elements if e.S == "/Table"]
        def table(e):
            return e if e.S == "/Table" else table(e.P)
        for td, th in header_of.items():
            assert table(th).objgen == table(pdf.get_object(td)).objgen
        assert len(tables) == 3


def with_id_tree(data: bytes) -> bytes:
    """``data`` with the /IDTree pubbuild's tagging repair writes (plain WeasyPrint writes none)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        ids = sorted((bytes(e.ID), e) for e, _ in struct_walk(pdf) if "/ID" in e)
        assert ids
        flat = pikepdf.Array()
        for key, element in ids:
            flat.extend([pikepdf.String(key), element])
        pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=flat))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_parts_with_an_id_tree_merge_as_parts_without(tmp_path):
    part = render(page(article(*ARTICLES[0])), numbers=False)
    walked = merge_parts([part, part, part], tmp_path / "walked.pdf")
    indexed = merge_parts([with_id_tree(part)] * 3, tmp_path / "indexed.pdf")
    assert walked.renamed_ids == indexed.renamed_ids == 4
    def ids_and_headers(path):
        with pikepdf.open(path) as pdf:
            names = pdf.Root.StructTreeRoot.IDTree.Names
            tree = [(bytes(names[i]), str(names[i + 1].S)) for i in range(0, len(names), 2)]
            walk = [(str(e.S), bytes(e.get("/ID", b"")),
                     [bytes(h) for h in e.A.Headers] if "/A" in e and "/Headers" in e.A else [])
                    for e, _ in struct_walk(pdf)]
            return tree, walk
    assert ids_and_headers(tmp_path / "walked.pdf") == ids_and_headers(tmp_path / "indexed.pdf")


def test_first_part_gives_the_catalog_though_a_later_part_is_longer(tmp_path):
    """The merged document is built inside its longest part (fewer objects to copy),
    but it must read as if the first part were the base."""
    def edited(data: bytes, name: str, **catalog) -> bytes:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for key, value in catalog.items():
                pdf.Root["/" + key] = pikepdf.Name(value)
            pdf.docinfo["/Title"] = name
            pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({f"/{name}": pikepdf.Name.Sect})
            document = pdf.Root.StructTreeRoot.K
            (document[0] if isinstance(document, pikepdf.Array) else document).T = name
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    first = edited(render(page(article(*ARTICLES[0])), numbers=False), "First",
                   PageLayout="/TwoColumnLeft")
    longest = edited(render(page(article(*ARTICLES[1])), numbers=False), "Longest",
                     PageMode="/UseOutlines")
    sizes = [len(pikepdf.open(io.BytesIO(p)).pages) for p in (first, longest)]
    assert sizes[1] > sizes[0]
    merge_parts([first, longest], tmp_path / "m.pdf")
    with pikepdf.open(tmp_path / "m.pdf") as pdf:
        assert len(pdf.pages) == sum(sizes)
        assert pdf.Root.PageLayout == "/TwoColumnLeft" and "/PageMode" not in pdf.Root
        assert str(pdf.docinfo.Title) == "First"
        root = pdf.Root.StructTreeRoot
        assert list(root.RoleMap.keys()) == ["/First"]
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        assert str(document.T) == "First" and document.P.objgen == root.objgen
        assert [(t, p) for depth, t, p in outline(pdf) if depth == 0] == [
            ("Yerevan notes", 0), ("Athens notes", sizes[0])]
        for element in document.K:
            assert element.P.objgen == document.objgen
    # the same parts as bytes and already open give the same file
    pdfs = [pikepdf.open(io.BytesIO(p)) for p in (first, longest)]
    merge_parts(pdfs, tmp_path / "open.pdf")
    assert (tmp_path / "open.pdf").read_bytes() == (tmp_path / "m.pdf").read_bytes()


def test_parts_that_list_their_ids_are_not_walked(tmp_path, monkeypatch):
    """``ids_listed`` (parts drawn through pubbuild's tagging repair, which writes an /IDTree
    whenever an element has an ID): a part without one has no ID, so its structure tree is
    not walked to find some; the merged file is the same."""
    from pubbuild.backends.pdf import merge

    plain = render(page("<h1>Plain</h1><p>No table, no identifier.</p>"), numbers=False)
    tabled = with_id_tree(render(page(article(*ARTICLES[0])), numbers=False))
    parts = [plain, tabled, plain]
    walked = merge_parts(parts, tmp_path / "walked.pdf")
    monkeypatch.setattr(merge, "_struct_elements", lambda root: pytest.fail("a part was walked"))
    listed = merge_parts(parts, tmp_path / "listed.pdf", ids_listed=True)
    assert listed.renamed_ids == walked.renamed_ids
    assert (tmp_path / "listed.pdf").read_bytes() == (tmp_path / "walked.pdf").read_bytes()
    with pytest.raises(pytest.fail.Exception, match="walked"):  # without: the plain part is walked
        merge_parts(parts, tmp_path / "again.pdf")


def test_unresolvable_cross_link_is_a_build_error(tmp_path):
    html = page('<p>go <a href="pubbuild-xref:ghost">there</a></p>')
    part = weasyprint.HTML(string=html).write_pdf(pdf_tags=True, pdf_variant="pdf/ua-1")
    with pytest.raises(BuildError) as info:
        merge_parts([part, part], tmp_path / "x.pdf")
    assert "ghost" in "\n".join(info.value.lines())


def test_untagged_part_is_a_build_error(tmp_path):
    part = weasyprint.HTML(string=page("<p>x</p>")).write_pdf()
    with pytest.raises(BuildError, match="not tagged"):
        merge_parts([part], tmp_path / "x.pdf")


def test_unreadable_part_names_the_file(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    with pytest.raises(BuildError, match="bad.pdf"):
        merge_parts([bad], tmp_path / "x.pdf")


def test_stamp_rejects_labels_the_font_encoding_cannot_show():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pytest.raises(BuildError, match="ASCII"):
        stamp_at(pdf, [Stamp("ⅳ", 100, 30, 9)], FONT)
    with pytest.raises(BuildError, match="stamps"):
        stamp_at(pdf, [Stamp("1", 100, 30, 9), Stamp("2", 100, 30, 9)], FONT)
