"""The WeasyPrint and pydyf workarounds (backends/pdf/workarounds.py): each still needed (its
tripwire fails once the library is fixed), and each leaves the output as the library makes it."""

from __future__ import annotations

import logging
import shutil
import subprocess
import zlib

import pytest

weasyprint = pytest.importorskip("weasyprint")

import pydyf
from weasyprint.layout import inline

from pubbuild.backends.pdf import workarounds

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow

CONTENTS = """<!DOCTYPE html><html lang="en"><head><style>
@page { size: A5; margin: 15mm; }
body { font-family: serif; font-size: 11pt; }
li { list-style: none; margin-bottom: 2mm; }
a { text-decoration: none; }
a::after { content: leader(dotted) " " attr(data-n); }
.rtl a::after { content: leader(". ") " " attr(data-n); }
</style></head><body><ol>
<li><a href="#a" data-n="1">A short entry</a></li>
<li><a href="#b" data-n="12">An entry whose title is long enough to wrap onto a second line of the contents</a></li>
<li><a href="#c" data-n="123">Third</a></li>
<li class="rtl" dir="rtl"><a href="#d" data-n="7">Spaced dots, right to left</a></li>
</ol><p id="a">a</p><p id="b">b</p><p id="c">c</p><p id="d">d</p></body></html>"""


def _leader_boxes(document):
    return [box for page in document.pages for box in page._page_box.descendants()
            if getattr(box, "is_leader", False)]


@pytest.fixture
def unpatched(monkeypatch):
    monkeypatch.setattr(inline, "handle_leader", workarounds.original_handle_leader)


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(inline, "handle_leader", workarounds.original_handle_leader)
    workarounds.one_run_leaders()
    assert workarounds.one_run_leaders_installed()
    workarounds.one_run_leaders()  # idempotent
    assert workarounds.one_run_leaders_installed()


def test_leader_workaround_still_needed(unpatched):
    """Fails once WeasyPrint lays a leader out as one box itself: then drop workarounds.one_run_leaders."""
    document = weasyprint.HTML(string=CONTENTS).render()
    boxes = _leader_boxes(document)
    assert len(boxes) == 4
    assert all(len(box.children) > 10 for box in boxes), \
        "WeasyPrint now makes one box per leader: remove workarounds.one_run_leaders"


def test_each_leader_becomes_one_run(patched):
    document = weasyprint.HTML(string=CONTENTS).render()
    boxes = _leader_boxes(document)
    assert len(boxes) == 4
    for box in boxes:
        (run,) = box.children
        assert set(run.text) <= {".", " "} and len(run.text) > 10


def test_runs_sit_where_the_copies_were(monkeypatch):
    monkeypatch.setattr(inline, "handle_leader", workarounds.original_handle_leader)
    before = [(min(k.position_x for k in b.children), sum(k.width for k in b.children),
               "".join(k.text for k in b.children))
              for b in _leader_boxes(weasyprint.HTML(string=CONTENTS).render())]
    workarounds.one_run_leaders()
    after = [(b.children[0].position_x, b.children[0].width, b.children[0].text)
             for b in _leader_boxes(weasyprint.HTML(string=CONTENTS).render())]
    assert len(after) == len(before) == 4
    for (x0, w0, t0), (x1, w1, t1) in zip(before, after):
        assert t1 == t0
        assert x1 == pytest.approx(x0, abs=1e-6)
        assert w1 == pytest.approx(w0, abs=1e-3)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler's pdftoppm")
def test_pages_look_the_same_and_hold_fewer_text_objects(tmp_path, monkeypatch):
    """The dots land within a fraction of a pixel of where the copies put them (a run
    advances by the font's rounded glyph widths, the copies by WeasyPrint's floats):
    at 150 dpi only anti-aliasing differs, never a whole dot."""
    def draw(name: str) -> tuple[bytes, int]:
        pdf = tmp_path / f"{name}.pdf"
        weasyprint.HTML(string=CONTENTS).write_pdf(pdf, uncompressed_pdf=True)
        pgm = subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", "1", "-l", "1", str(pdf)],
                             capture_output=True, check=True).stdout
        return pgm, pdf.read_bytes().count(b" Tm\n")
    monkeypatch.setattr(inline, "handle_leader", workarounds.original_handle_leader)
    copies, copies_objects = draw("copies")
    workarounds.one_run_leaders()
    runs, run_objects = draw("runs")
    assert len(runs) == len(copies)
    header = copies.index(b"255\n") + 4  # binary PGM: "P5 w h 255" then one byte per pixel
    ink = sum(1 for b in copies[header:] if b < 128)
    differ = [abs(a - b) for a, b in zip(copies[header:], runs[header:]) if a != b]
    assert ink > 1000
    assert max(differ, default=0) < 96  # no dot moved by a pixel or more
    assert len(differ) < ink / 10
    assert run_objects < copies_objects / 10


def test_copies_kept_when_one_run_would_be_wider(monkeypatch):
    """Kerning or a ligature between repetitions would move the dots: keep WeasyPrint's copies."""
    monkeypatch.setattr(inline, "handle_leader", workarounds.original_handle_leader)
    real = workarounds.split_first_line

    def kerned(*args, **kwargs):
        layout, length, resume, width, height, baseline = real(*args, **kwargs)
        return layout, length, resume, width + 0.5, height, baseline
    monkeypatch.setattr(workarounds, "split_first_line", kerned)
    workarounds.one_run_leaders()
    boxes = _leader_boxes(weasyprint.HTML(string=CONTENTS).render())
    assert boxes and all(len(box.children) > 10 for box in boxes)


def test_pydyf_workaround_still_needed():
    """Fails once pydyf stops rebuilding page_references on every call: then drop workarounds.cache_page_references."""
    original = workarounds._ORIGINAL_PAGE_REFERENCES
    assert isinstance(original, property), "pydyf.PDF.page_references is no longer a property"
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first, second = original.fget(pdf), original.fget(pdf)
    assert first == second
    assert first is not second, "pydyf now caches page_references: remove workarounds.cache_page_references"


def test_pydyf_workaround_is_correct_and_follows_new_pages(monkeypatch):
    monkeypatch.setattr(pydyf.PDF, "page_references", workarounds._ORIGINAL_PAGE_REFERENCES)
    workarounds.cache_page_references()
    assert workarounds.page_references_cached()
    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    refs = pdf.page_references
    assert refs == workarounds.original_page_references(pdf)
    assert pdf.page_references is refs  # cached: no rebuild per call
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == workarounds.original_page_references(pdf)
    assert len(pdf.page_references) == 2
    workarounds.cache_page_references()  # idempotent
    assert workarounds.page_references_cached()


def test_pydyf_workaround_leaves_weasyprint_output_unchanged(monkeypatch):
    html = ('<html lang="en"><body>' + "".join(f'<h2>Section {i}</h2><p>{"text " * 200}</p>'
                                              for i in range(6)) + "</body></html>")
    def render():
        return weasyprint.HTML(string=html).write_pdf(pdf_tags=True, pdf_identifier=b"fixed")
    monkeypatch.setattr(pydyf.PDF, "page_references", workarounds._ORIGINAL_PAGE_REFERENCES)
    plain = render()
    workarounds.cache_page_references()
    assert render() == plain


#: A one-pixel PNG: an image WeasyPrint can draw without reading a file.
_PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
          "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def test_alt_warning_workaround_still_needed(caplog):
    """Fails once WeasyPrint stops warning about a decorative image (``alt=""``) in PDF/UA:
    then drop workarounds.DecorativeImages and its call sites."""
    html = f'<html lang="en"><head><title>T</title></head><body><p>x<img src="{_PIXEL}" alt=""></p></body></html>'
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    warned = [r for r in caplog.records if workarounds.MISSING_ALT_WARNING in r.getMessage()]
    assert warned, "WeasyPrint no longer warns about alt=\"\": remove workarounds.DecorativeImages"
    quiet = workarounds.DecorativeImages()
    assert not any(quiet.filter(r) for r in warned)
    other = logging.LogRecord("weasyprint", logging.WARNING, __file__, 1, "Ignored a CSS rule", None, None)
    assert quiet.filter(other)


# ------------------------------------------------------------------ the bounds that fence them

#: The libraries whose internals pubbuild patches or mirrors, with the release the patches were
#: written against: pyproject.toml must keep each below its next release, so that a new release
#: is taken only on purpose, after the tripwires above were run against it.
PATCHED = {"weasyprint": "70.0", "pydyf": "0.13.0"}


@pytest.mark.parametrize("name", sorted(PATCHED))
def test_patched_library_has_an_upper_bound_the_installed_release_meets(name):
    import tomllib
    from importlib.metadata import version
    from pathlib import Path

    from packaging.requirements import Requirement
    from packaging.version import Version

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    (req,) = [r for r in map(Requirement, pyproject["project"]["dependencies"]) if r.name.lower() == name]
    uppers = [s for s in req.specifier if s.operator in ("<", "<=", "~=", "==")]
    assert uppers, f"pyproject.toml: {req} has no upper bound, but workarounds.py patches {name}'s internals"
    written_for = Version(PATCHED[name])
    assert written_for in req.specifier, f"{req} excludes {name} {written_for}, which the patches were written for"
    installed = Version(version(name))
    assert installed in req.specifier, (
        f"{name} {installed} is installed but pyproject.toml asks for {req}: the bound was raised or "
        f"ignored; run tests/test_workarounds.py against {installed} and update PATCHED")


def _image_names(base_url: str, directory) -> set[str]:
    import re

    (directory / "pixel.png").write_bytes(__import__("base64").b64decode(_PIXEL.split(",", 1)[1]))
    html = '<html lang="en"><body><p><img src="pixel.png" alt="a dot"></p></body></html>'
    data = weasyprint.HTML(string=html, base_url=base_url).write_pdf(uncompressed_pdf=True)
    return set(re.findall(rb"/(i[0-9a-f]{32}\d)\b", data))


def test_image_name_workaround_still_needed(tmp_path, monkeypatch):
    """Fails once WeasyPrint names a raster image by something other than where it lay:
    then drop workarounds.content_named_images."""
    monkeypatch.setattr(weasyprint.images.RasterImage, "__init__", workarounds.original_raster_init())
    names = [_image_names((tmp_path / d).as_uri() + "/", (tmp_path / d)) for d in ("a", "b")
             if (tmp_path / d).mkdir() is None]
    assert names[0] and names[0] != names[1], \
        "WeasyPrint now names images the same in any folder: remove workarounds.content_named_images"


def test_images_named_by_content(tmp_path, monkeypatch):
    monkeypatch.setattr(weasyprint.images.RasterImage, "__init__", workarounds.original_raster_init())
    workarounds.content_named_images()
    workarounds.content_named_images()  # idempotent
    assert workarounds.content_named_images_installed()
    names = [_image_names((tmp_path / d).as_uri() + "/", (tmp_path / d)) for d in ("a", "b")
             if (tmp_path / d).mkdir() is None]
    assert names[0] and names[0] == names[1]
    # Turned another way it is another image, never the same resource drawn wrongly.
    assert workarounds.image_id(b"x", "none") != workarounds.image_id(b"x", (90, False))


# ------------------------------------------------------------------ 5. flate level

def _stream_bytes() -> tuple[bytes, bytes]:
    """A pydyf content stream (raw text, serialised object) as pydyf writes it now."""
    stream = pydyf.Stream(compress=True)
    for i in range(400):
        stream.move_to(i, i * 2)
        stream.line_to(i * 3, i)
        stream.stroke()
    raw = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    return raw, stream.data


def _deflated(data: bytes) -> bytes:
    return data.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0]


def test_flate_level_workaround_still_needed(monkeypatch):
    """Fails once pydyf stops deflating at level 9: then drop workarounds.default_flate_level."""
    monkeypatch.setattr(pydyf, "zlib", workarounds.original_zlib())
    raw, data = _stream_bytes()
    level9 = zlib.compressobj(level=9)
    assert _deflated(data) == level9.compress(raw) + level9.flush(), \
        "pydyf no longer deflates at level 9: remove workarounds.default_flate_level"


def test_flate_level_workaround_keeps_the_content_and_uses_the_default_level(monkeypatch):
    monkeypatch.setattr(pydyf, "zlib", workarounds.original_zlib())
    raw, plain = _stream_bytes()
    workarounds.default_flate_level()
    assert workarounds.default_flate_level_installed()
    _, data = _stream_bytes()
    assert zlib.decompress(_deflated(data)) == zlib.decompress(_deflated(plain)) == raw
    assert _deflated(data) == zlib.compress(raw)  # zlib's default level: deterministic
    assert data.split(b"\nstream\n")[0].replace(b"/Length %d" % len(_deflated(data)), b"") == \
        plain.split(b"\nstream\n")[0].replace(b"/Length %d" % len(_deflated(plain)), b"")
    workarounds.default_flate_level()  # idempotent
    assert workarounds.default_flate_level_installed()
