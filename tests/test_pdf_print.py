"""Print settings (geometry, manifest, command line), shipped fonts and their
coverage diagnostic, and the tagging repairs on pages built for them."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import yaml
from pdfcheck import pdfua_errors, struct_elements, unreachable_marked_content

from pubbuild.assemble.build import build
from pubbuild.assemble.publication import load_publication
from pubbuild.backends.pdf import fonts, geometry
from pubbuild.cli import main
from pubbuild.errors import ConfigurationError

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "pdf" / "geometry.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_geometry(case):
    if "error" in case:
        with pytest.raises(ValueError, match=case["error"]):
            geometry.geometry(**case["settings"])
        return
    geo = geometry.geometry(**case["settings"])
    for key, value in case["expect"].items():
        got = getattr(geo, key)
        assert (list(got) if isinstance(got, tuple) else got) == value, key


def test_two_sided_css_mirrors_margins():
    css = geometry.geometry(margins="20mm 15mm 25mm 30mm", two_sided=True).css()
    assert "@page :left { margin-left: 15mm; margin-right: 30mm; }" in css
    assert "@page :right { margin-left: 30mm; margin-right: 15mm; }" in css


def _project(tmp_path: Path, manifest: str, body: str = "<p>Body text.</p>") -> Path:
    (tmp_path / "a.html").write_text(
        f"<html lang='en'><head><title>T</title></head><body><article><h1>T</h1>{body}"
        "</article></body></html>", encoding="utf-8")
    path = tmp_path / "pubbuild.yaml"
    path.write_text(manifest, encoding="utf-8")
    return path


def test_manifest_pdf_settings_reach_the_publication(tmp_path):
    path = _project(tmp_path, "title: P\npdf:\n  paper: Letter\n  two_sided: true\n  bleed: 3mm\n"
                              "  marks: crop\n  margins: 20mm\narticles: [a.html]\n")
    s = load_publication(path).settings["pdf"]
    assert s == {"paper": "Letter", "two_sided": True, "bleed": "3mm", "marks": "crop", "margins": "20mm"}


def test_manifest_pdf_problems_name_key_and_line(tmp_path):
    path = _project(tmp_path, "title: P\npdf:\n  paper: B7\n  two_sided: yes please\n  papr: A4\n"
                              "articles: [a.html]\n")
    with pytest.raises(ConfigurationError) as info:
        load_publication(path)
    lines = info.value.lines()
    assert any(":3: pdf.paper: paper must be" in line for line in lines), lines
    assert any(":4: pdf.two_sided: expected true or false" in line for line in lines), lines
    assert any(":5: pdf.papr: unknown key (did you mean 'paper'?)" in line for line in lines), lines


def test_command_line_overrides_manifest(tmp_path, monkeypatch):
    path = _project(tmp_path, "title: P\npdf: {paper: Letter}\narticles: [a.html]\n")
    out = tmp_path / "o.pdf"
    assert main(["-q", "pdf", str(path), "-o", str(out), "--paper", "A5"]) == 0
    with pikepdf.open(out) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].MediaBox] == [0, 0, 420, 595]


def test_bad_paper_on_command_line_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["pdf", "--paper", "B7"])
    assert info.value.code == 2
    assert "paper must be A4, Letter, A5" in capsys.readouterr().err


def test_emit_html_writes_what_weasyprint_lays_out(tmp_path):
    path = _project(tmp_path, "title: P\narticles: [a.html]\n")
    html = tmp_path / "laid-out.html"
    assert main(["-q", "pdf", str(path), "-o", str(tmp_path / "o.pdf"), "--emit-html", str(html)]) == 0
    text = html.read_text()
    assert "@font-face" in text and "size: 210mm 297mm" in text and 'class="article"' in text


# ------------------------------------------------------------------ fonts


def test_every_script_has_regular_italic_and_bold():
    families = {f.family for f in fonts.FACES}
    assert {"PB Serif", "PB Armenian", "PB Arabic", "PB Hebrew", "PB Devanagari", "PB Thai",
            "PB Georgian", "PB Ethiopic", "PB Korean", "PB CJK", "PB Mono", "PB Symbols"} <= families
    for family in families:
        styles = {(f.weight, f.style) for f in fonts.FACES if f.family == family}
        assert styles == {("normal", "normal"), ("normal", "italic"), ("bold", "normal"),
                          ("bold", "italic")}, family
    for face in fonts.FACES:
        assert (fonts.FONTS / face.file).is_file(), face.file
    for licence in ("noto/OFL.txt", "nanum/OFL.txt", "droid/LICENSE.txt", "dejavu/LICENSE.txt"):
        assert (fonts.FONTS / licence).is_file(), licence


def test_every_listed_script_is_covered():
    sample = ("Œuvre façade Ŵ ― Кириллица Ёё Ελληνικά ΐ Հայերեն Աա ։ “quotes” – € № "
              "한국어 日本語のかなカナ 简体中文 繁體中文 العربية עברית हिन्दी ภาษาไทย ქართული አማርኛ")
    assert fonts.uncovered(sample) == []
    assert fonts.uncovered("ཀ \U0001F99C") == ["ཀ", "\U0001F99C"]
    assert fonts.describe("漢") == "U+6F22 CJK UNIFIED IDEOGRAPH-6F22"


# ------------------------------------------------------------------ tagging repairs


def test_elements_split_across_pages_are_merged(tmp_path):
    words = " ".join(f"word{i}" for i in range(900))
    rows = "".join(f"<tr><td>r{i}</td><td>{i}</td></tr>" for i in range(70))
    body = (f"<p>{words}</p><table><thead><tr><th>Name</th><th>Value</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p>Decorative: <img alt='' src='data:image/png;base64,"
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='></p>")
    path = _project(tmp_path, "title: P\npdf: {paper: A5}\narticles: [a.html]\n", body)
    out = tmp_path / "o.pdf"
    build("pdf", path, out)
    with pikepdf.open(out) as pdf:
        elems = struct_elements(pdf)
        long_p = [e for e in elems if e.S == "/P" and _pages(pdf, e) > 1]
        assert len(long_p) == 1
        tables = [e for e in elems if e.S == "/Table"]
        assert len(tables) == 1 and _pages(pdf, tables[0]) > 1
        heads = [e for e in elems if e.S == "/THead"]
        bodies = [e for e in elems if e.S == "/TBody"]
        assert len(heads) == 1 and len(bodies) == 1
        ids = {str(e.ID) for e in elems if "/ID" in e}
        tds = [e for e in elems if e.S == "/TD"]
        assert len(tds) == 140 and all({str(h) for h in td.A.Headers} <= ids and len(td.A.Headers) == 1
                                       for td in tds)
        # The decorative image is an artifact: the cover is the only figure left.
        assert [str(e.Alt)[:9] for e in elems if e.S == "/Figure"] == ["Cover of "]
        assert unreachable_marked_content(pdf) == []
    assert pdfua_errors(out) == []


def _pages(pdf, elem) -> int:
    """How many pages an element's content lies on."""
    pages = set()

    def walk(e) -> None:
        for k in (e.K if isinstance(e.K, pikepdf.Array) else [e.K]):
            if isinstance(k, int):
                pages.add(e.Pg.objgen)
            elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR":
                pages.add(k.Pg.objgen)
            elif isinstance(k, pikepdf.Dictionary) and "/S" in k:
                walk(k)

    walk(elem)
    return len(pages)


def test_source_date_epoch_sets_pdf_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = _project(tmp_path, "title: P\ndate: 2020-01-01\narticles: [a.html]\n")
    out = tmp_path / "o.pdf"
    build("pdf", path, out)
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo.CreationDate) == str(pdf.docinfo.ModDate) == "D:20231114221320Z"
        with pdf.open_metadata() as xmp:
            assert xmp["xmp:CreateDate"] == xmp["xmp:ModifyDate"] == "2023-11-14T22:13:20Z"
