"""Every script prints with real glyphs (issue 16): the shipped fonts, a project's ``fonts:``,
the A007 finding for a script no font covers, and text direction in both editions.

The pack in tests/roots/scripts-pack has Korean, Japanese, Arabic and Armenian articles
and one with Chinese, Hebrew, Hindi, Thai, Georgian and Amharic passages (all written for
these tests).  Its PDF is read back: every font embedded (pdffonts), every sample sentence in
the text (pdftotext), and no glyph drawn as ``.notdef`` (:mod:`pdfglyphs`)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, assert_epubcheck_clean
from lxml import etree
from packutil import copy_root
from pdfglyphs import notdef_uses

from pubbuild.assemble.build import build
from pubbuild.assemble.publication import load_publication
from pubbuild.backends.pdf import fonts, glyphs
from pubbuild.backends.pdf.backend import PdfBackend
from pubbuild.backends.pdf.validate import pdf_structure
from pubbuild.cli import main
from pubbuild.errors import ConfigurationError

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

#: A sentence of each script as the sources give it, and the shipped family that must draw it.
SAMPLES = {
    "Korean": ("서울에는 동네마다 작은 도서관이 있습니다", "PB-Korean"),
    "Japanese": ("京都には、百年以上続く小さな図書館があります", "PB-CJK"),
    "Arabic": ("في حي قديم من أحياء القاهرة مكتبة صغيرة يعرفها الجميع", "PB-Arabic"),
    "Armenian": ("Երևանում շատ թաղամասեր ունեն իրենց փոքրիկ գրադարանը", "PB-Armenian"),
    "Simplified Chinese": ("图书馆里很安静，读者在看书", "PB-CJK"),
    "Traditional Chinese": ("圖書館裡很安靜，讀者在看書", "PB-CJK"),
    "Hebrew": ("הספרייה פתוחה בכל יום", "PB-Hebrew"),
    "Devanagari": ("पुस्तकालय हर दिन खुला रहता है", "PB-Devanagari"),
    "Thai": ("ห้องสมุดเปิดทุกวัน", "PB-Thai"),
    "Georgian": ("ბიბლიოთეკა ყოველდღე ღიაა", "PB-Georgian"),
    "Ethiopic": ("ቤተ መጻሕፍቱ በየቀኑ ክፍት ነው", "PB-Ethiopic"),
}

#: Marks of direction pdftotext adds around right-to-left runs, and spaces (line breaks
#: fall anywhere in a justified paragraph).
_NOISE = re.compile(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def _squeeze(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def _pdffonts(path: Path) -> dict[str, str]:
    """Font name (subset tag removed) -> the ``emb`` column of pdffonts."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines()[2:]:
        fields = line.split()
        found.setdefault(fields[0].split("+", 1)[-1], fields[-5])
        if fields[-5] != "yes":
            found[fields[0].split("+", 1)[-1]] = fields[-5]
    return found


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("scripts")
    assert main(["-q", "build", str(copy_root("scripts-pack", out)), "-o", str(out)]) == 0
    (pdf,) = out.glob("*.pdf")
    (epub,) = out.glob("*.epub")
    return {"pdf": pdf, "epub": epub, "out": out}


def test_every_script_prints_from_an_embedded_shipped_font(pack):
    used = _pdffonts(pack["pdf"])
    assert used and set(used.values()) == {"yes"}, used
    for script, (_, family) in SAMPLES.items():
        assert family in used, (script, sorted(used))


def test_every_sample_sentence_is_in_the_pdf_text(pack):
    text = _squeeze(subprocess.run(["pdftotext", str(pack["pdf"]), "-"], capture_output=True,
                                   text=True, check=True).stdout)
    for script, (sentence, _) in SAMPLES.items():
        assert _squeeze(sentence) in text, script


def test_no_glyph_is_drawn_as_notdef(pack, tmp_path):
    assert notdef_uses(pack["pdf"]) == []
    # The check can fail: a script no shipped font covers (Tibetan) is drawn as .notdef.
    path = _project(tmp_path, "title: T\narticles: [a.html]\n", "<p>ཀཁགངཅ</p>")
    build("pdf", path, tmp_path / "t.pdf")
    assert len(notdef_uses(tmp_path / "t.pdf")) == 5


def test_every_code_shown_maps_to_unicode(pack):
    """Shaped scripts give glyphs that no character has alone (conjuncts, reordered vowel
    signs): each font's ToUnicode still maps every code shown (P007), so a screen reader or
    a copy reads the text the page shows."""
    assert pdf_structure(pack["pdf"])[1] == []


def test_the_pack_epub_is_valid_and_declares_language_and_direction(pack):
    assert_epubcheck_clean(pack["epub"])
    with zipfile.ZipFile(pack["epub"]) as z:
        def root(name):
            return etree.fromstring(z.read(f"EPUB/{name}"))
        for name, lang, direction in (("seoul.xhtml", "ko", None), ("kyoto.xhtml", "ja", None),
                                      ("cairo.xhtml", "ar", "rtl"), ("yerevan.xhtml", "hy", None)):
            html = root(name)
            assert (html.get("lang"), html.get("dir")) == (lang, direction), name
        passages = root("passages.xhtml")
        for tag in ("he", "ar"):
            (p,) = passages.xpath(f"//*[local-name()='p'][@lang='{tag}']")
            assert p.get("dir") == "rtl"
        assert passages.xpath("//*[local-name()='span'][@lang='he']/@dir") == ["rtl"]
        assert passages.xpath("//*[local-name()='span'][@lang='th']/@dir") == []
        nav = root("nav.xhtml")
        assert nav.xpath("//*[local-name()='a'][@lang='ar']/@dir") == ["rtl"]


def test_the_pdf_sets_right_to_left_articles_right_to_left(pack):
    html = PdfBackend().html(load_publication(pack["out"] / "scripts-pack" / "pubbuild.yaml"))
    assert re.search(r'<section class="article"[^>]* lang="ar" dir="rtl"', html)
    assert re.search(r'<section class="article"[^>]* lang="ko"[^>]*>', html)
    assert not re.search(r'lang="ko" dir=', html)


def test_the_pack_builds_byte_identical(pack, tmp_path):
    # A second copy in another folder: the bytes depend on the inputs, not on where they lie.
    assert main(["-q", "build", str(copy_root("scripts-pack", tmp_path)), "-o", str(tmp_path)]) == 0
    for kind in ("pdf", "epub"):
        again = tmp_path / pack[kind].name
        assert again.read_bytes() == pack[kind].read_bytes(), kind


# ------------------------------------------------------------------ A007


def _project(tmp_path: Path, manifest: str, *bodies: str) -> Path:
    for n, body in enumerate(bodies):
        (tmp_path / f"{'abc'[n]}.html").write_text(
            f"<html lang='en'><head><title>T{n}</title></head><body><article><h1>T{n}</h1>{body}"
            "</article></body></html>", encoding="utf-8")
    path = tmp_path / "pubbuild.yaml"
    path.write_text(manifest, encoding="utf-8")
    return path


def test_one_finding_per_script_and_part_with_the_remedy():
    found = glyphs.font_gaps({
        "front matter": "Contents ཀཁ বাংলা",  # an article's title (Tibetan) and the pack's own text
        "a.html": "ཀཁག ང \U0001F99C",
        "b.html": "ཀ",
    })
    got = sorted((d.code, d.file, d.message.split(" (such as")[0]) for d in found)
    assert got == [
        ("A007", "a.html", "no font covers 1 symbol character"),
        ("A007", "a.html", "no font covers 4 Tibetan-script characters"),
        ("A007", "b.html", "no font covers 1 Tibetan-script character"),
        ("A007", "front matter", ("no font covers 4 Bengali-script characters in the publication's "
                                  "own text (title, introduction, part titles, notes)")),
    ]
    assert all("`fonts:" in d.message for d in found)
    assert "Noto Serif Tibetan" in found[0].message or "Noto Serif Tibetan" in found[1].message


def test_a_build_reports_a_script_once_per_article_not_per_character(tmp_path):
    tibetan = "".join(chr(c) for c in range(0x0F40, 0x0F6A) if unicodedata.category(chr(c)) == "Lo")
    path = _project(tmp_path, "title: T\narticles: [a.html, b.html]\n",
                    f"<p>{tibetan}</p><p>{tibetan[::-1]}</p>", f"<h2>{tibetan[:5]}</h2>")
    _, _, diags = build("pdf", path, tmp_path / "t.pdf")
    assert [d.code for d in diags if d.code in ("A003", "A007")] == ["A007", "A007"]
    assert sorted(d.file for d in diags if d.code == "A007") == ["a.html", "b.html"]


# ------------------------------------------------------------------ fonts:


def _tibetan_font(path: Path) -> None:
    """A real (if plain) TrueType font covering Tibetan letters: a box per letter."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    letters = {c: f"uni{c:04X}" for c in range(0x0F40, 0x0F6A)}
    names = [".notdef", "space", *letters.values()]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x20: "space", **letters})
    shapes = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name != "space":
            pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((500, 700)), pen.lineTo((500, 0))
            pen.closePath()
        shapes[name] = pen.glyph()
    fb.setupGlyf(shapes)
    fb.setupHorizontalMetrics({n: (600, 100) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Test Tibetan", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    fb.save(str(path))


def test_text_naming_fonts_pubbuild_does_not_declare_prints_in_shipped_ones(tmp_path):
    """A chart's labels name fonts of their own: one that ships with Debian's WeasyPrint
    dependencies (DejaVu Sans) and ones a machine may have or substitute (Arial, Times New
    Roman, Courier).  Only fonts pubbuild declares are embedded, so what the machine has
    never decides the bytes, and the labels are still text."""
    families = ["DejaVu Sans", "Arial", "Times New Roman", "Courier"]
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">' + "".join(
        f'<text x="10" y="{20 + 20 * n}" font-family="\'{family}\'">label {n}</text>'
        for n, family in enumerate(families)) + "</svg>")
    (tmp_path / "chart.svg").write_text(svg, encoding="utf-8")
    path = _project(tmp_path, "title: T\narticles: [a.html]\n",
                    "<p>A chart.</p><img src='chart.svg' alt='A chart of four labels.'>")
    build("pdf", path, tmp_path / "t.pdf")
    declared = {f.family.replace(" ", "-") for f in fonts.FACES} | set(fonts.GENERIC)
    used = _pdffonts(tmp_path / "t.pdf")
    assert all(any(name == d or name.startswith(f"{d}-") for d in declared) for name in used), used
    text = subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert all(f"label {n}" in text for n in range(len(families))), text


def test_a_fonts_entry_covers_a_script_the_shipped_fonts_lack(tmp_path):
    (tmp_path / "fonts").mkdir()
    _tibetan_font(tmp_path / "fonts" / "tibetan.ttf")
    path = _project(tmp_path, "title: T\nfonts: [fonts/tibetan.ttf]\narticles: [a.html]\n",
                    "<p>Tibetan ཀཁགངཅ in a sentence.</p>")
    _, _, diags = build("pdf", path, tmp_path / "t.pdf")
    assert [d for d in diags if d.code == "A007"] == []
    assert notdef_uses(tmp_path / "t.pdf") == []
    assert _pdffonts(tmp_path / "t.pdf").get("PB-Project-A") == "yes"


def test_a_font_collection_serves_from_its_first_face(tmp_path):
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.ttCollection import TTCollection

    (tmp_path / "fonts").mkdir()
    _tibetan_font(tmp_path / "one.ttf")
    collection = TTCollection()
    collection.fonts = [TTFont(tmp_path / "one.ttf"), TTFont(fonts.FONTS / "dejavu" / "DejaVuSans.ttf")]
    collection.save(tmp_path / "fonts" / "both.ttc")
    path = _project(tmp_path, "title: T\nfonts: [fonts/both.ttc]\narticles: [a.html]\n",
                    "<p>Tibetan ཀཁགངཅ in a sentence.</p>")
    _, _, diags = build("pdf", path, tmp_path / "t.pdf")
    assert [d for d in diags if d.code == "A007"] == []
    assert notdef_uses(tmp_path / "t.pdf") == []


def test_a_fonts_entry_with_lang_comes_first_for_that_language(tmp_path):
    from fontTools import subset

    text = "京都の古い図書館です。"
    (tmp_path / "fonts").mkdir()
    options = subset.Options()
    font = subset.load_font(str(fonts.FONTS / "droid" / "DroidSansFallbackFull.ttf"), options)
    sub = subset.Subsetter(options)
    sub.populate(text=text + "T0")
    sub.subset(font)
    subset.save_font(font, str(tmp_path / "fonts" / "ja.ttf"), options)
    path = _project(tmp_path, "title: T\nfonts:\n  - {file: fonts/ja.ttf, lang: ja}\n"
                              "articles: [a.html]\n", f"<p lang='ja'>{text}</p>")
    pub = load_publication(path)
    assert [(f.file.name, f.lang) for f in pub.fonts] == [("ja.ttf", ("ja",))]
    build("pdf", path, tmp_path / "t.pdf")
    used = _pdffonts(tmp_path / "t.pdf")
    assert "PB-Project-A" in used and "PB-CJK" not in used, used


@pytest.mark.parametrize("entry,needle", [
    ("[../outside.ttf]", "is outside the project folder"),
    ("[fonts/missing.ttf]", "file not found"),
    ("[pubbuild.yaml]", "is not a TrueType or OpenType font"),
    ("[{file: pubbuild.yaml, weight: heavy}]", "fonts[0].weight: expected normal or bold"),
    ("{file: a.ttf}", "fonts: expected a list of fonts"),
])
def test_bad_fonts_entries_are_configuration_errors(tmp_path, entry, needle):
    path = _project(tmp_path, f"title: T\nfonts: {entry}\narticles: [a.html]\n", "<p>x</p>")
    with pytest.raises(ConfigurationError) as exc:
        load_publication(path)
    assert any(needle in line for line in exc.value.lines()), exc.value.lines()


def test_the_sample_draws_no_notdef(sample_build):
    assert notdef_uses(sample_build["pdf"]) == []


def test_the_readme_documents_the_fonts_key_and_a007():
    readme = (ROOT / "README.md").read_text()
    assert "`fonts:`" in readme and "| `A007` |" in readme
    shipped = (fonts.FONTS / "README.md").read_text()
    for face in fonts.FACES:
        assert Path(face.file).stem.split("-")[0].removesuffix("Bold") in shipped, face.file
