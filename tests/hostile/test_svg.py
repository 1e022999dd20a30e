"""SVG images are bounded the same way in both editions (issue 23).

A 2 kB SVG of nested ``<use>`` (each level ten copies of the one below) made the PDF run
for minutes at gigabytes, and the EPUB shipped it unchanged for every reading system to
expand; ``width="NaN"`` or a ``viewBox`` of three numbers stopped the PDF with exit 70.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pubbuild import svg

ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Drawing</title></head>
<body><article><h1>Drawing</h1>
<p>A paragraph long enough for the reader to keep it as the article's own text, before the figure.</p>
<figure><img src="drawing.svg" alt="ALT-TEXT-OF-THE-DRAWING"><figcaption>The drawing</figcaption></figure>
<p>Another paragraph long enough for the reader to keep it as the article's own text, after it.</p>
</article></body></html>"""


def nested_uses(levels: int, copies: int = 10) -> bytes:
    """``copies`` ** ``levels`` rectangles from a file of a few hundred bytes per level."""
    defs = ['<rect id="l0" width="1" height="1"/>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#l{level - 1}" x="{i}"/>' for i in range(copies))
        defs.append(f'<g id="l{level}">{uses}</g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs>{"".join(defs)}</defs>'
            f'<use href="#l{levels}"/></svg>').encode()


def _svg(attributes: str) -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}><rect width="5" height="5"/></svg>'.encode()


def _run(tmp_path: Path, fmt: str, drawing: bytes) -> tuple[subprocess.CompletedProcess, Path]:
    (tmp_path / "article.html").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "drawing.svg").write_bytes(drawing)
    out = tmp_path / f"out.{fmt}"
    argv = [sys.executable, "-m", "pubbuild", fmt, str(tmp_path / "article.html"), "-o", str(out)]
    # The timeout is a guard against a build that never ends, far above what a build takes.
    return subprocess.run(argv + (["-j", "1"] if fmt == "pdf" else []), check=False, capture_output=True,
                          text=True, timeout=300), out


def test_a_use_bomb_is_counted_without_being_expanded():
    root = svg.parse(nested_uses(8))  # a hundred million rectangles
    with pytest.raises(svg.SvgTooLarge, match="50,000"):
        svg.drawn_elements(root)
    assert svg.drawn_elements(svg.parse(nested_uses(3))) < svg.MAX_DRAWN_ELEMENTS


@pytest.mark.parametrize("drawing", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><use id="a" href="#a"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>',
    # An id given twice: a renderer taking the second one loops.
    (b'<svg xmlns="http://www.w3.org/2000/svg"><defs><rect id="a"/><g id="a"><use href="#a"/></g></defs>'
     b'<use href="#a"/></svg>'),
], ids=["itself", "through-another", "its-parent", "duplicate-id"])
def test_a_use_that_leads_back_to_itself_is_refused(drawing):
    with pytest.raises(svg.SvgTooLarge, match="itself"):
        svg.drawn_elements(svg.parse(drawing))


def _chain(length: int, drawn: bool) -> bytes:
    chain = "".join(f'<g id="g{i}"><use href="#g{i + 1}"/></g>' for i in range(length)) + f'<rect id="g{length}"/>'
    body = chain if drawn else f'<defs>{chain}</defs><use href="#g0"/>'
    return f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'.encode()


def test_a_long_chain_of_uses_is_no_recursion():
    assert 10_000 < svg.drawn_elements(svg.parse(_chain(5000, drawn=False))) < 10_010


def test_a_chain_drawn_at_every_link_is_quadratic_and_refused():
    """Each of the 5,000 groups is drawn, and each expands the rest of the chain: 25 million."""
    with pytest.raises(svg.SvgTooLarge):
        svg.drawn_elements(svg.parse(_chain(5000, drawn=True)))


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_a_use_bomb_gives_the_text_alternative_in_both_editions(tmp_path, fmt):
    done, out = _run(tmp_path, fmt, nested_uses(5))  # 100,000 rectangles: twice the limit
    assert done.returncode == 0, done.stderr
    assert "L005" in done.stderr
    if fmt == "epub":
        with zipfile.ZipFile(out) as z:
            assert not [n for n in z.namelist() if n.endswith(".svg") and b'id="l5"' in z.read(n)]
            assert any(b"ALT-TEXT-OF-THE-DRAWING" in z.read(n) for n in z.namelist() if n.endswith(".xhtml"))


@pytest.mark.parametrize("attributes", [
    'width="NaN" height="10"', 'width="10" height="inf"', 'width="1e400" height="10"',
    'width="10" height="10" viewBox="0 0 10"', 'width="10" height="10" viewBox="0 0 0 0"',
    'viewBox="0 0 NaN 5"',
], ids=["nan", "inf", "overflow", "three-numbers", "zero", "nan-viewbox"])
def test_geometry_that_is_no_number_is_dropped_not_fatal(tmp_path, attributes):
    done, out = _run(tmp_path, "pdf", _svg(attributes))
    assert done.returncode == 0, done.stderr
    assert out.is_file()


def test_repair_keeps_good_geometry_and_drops_the_rest():
    root = svg.parse(_svg('width="NaN" height="10px" viewBox="0 0 0 4"'))
    assert svg.repair_geometry(root)
    assert root.get("width") is None and root.get("viewBox") is None and root.get("height") == "10px"
    assert not svg.repair_geometry(svg.parse(_svg('width="10" height="10" viewBox="0 0 10 10"')))
