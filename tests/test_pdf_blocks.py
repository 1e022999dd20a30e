"""The print document's cut at its top-level blocks (backends/pdf/blocks.py): the body's
tags found by one pattern give exactly html.parser's cut, and anything that pattern may
read otherwise is left to html.parser."""

from __future__ import annotations

import pytest
from conftest import ROOTS

from pubbuild.assemble.publication import load_publication
from pubbuild.backends.pdf import blocks
from pubbuild.backends.pdf.backend import PdfBackend
from pubbuild.errors import BuildError

HEAD = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n<title>T</title>\n'
        '<style>\nbody > section.part { break-before: right; }\n'
        'p::before { content: "<body><p>"; }\n</style>\n</head>\n<body>\n')
TAIL = "</body>\n</html>\n"

#: Bodies the writer could make, each read the same way by both scans.
PLAIN = [
    ('<section class="cover" id="cover">\n<img class="cover-image" src="x.png" alt=""/>\n</section>\n'
    '<section class="article" id="a1"><h1>One</h1><p>a &lt;b&gt; c<br/>d<br>e</p></section>\n'),
    ('<section class="article"><p title="a &gt; b" data-x=\'q\'>x</p><hr><hr/></section>\n'
    '<div class="part"><p>y</p></div>\n<p>loose text</p>\ntext after\n'),
    ('<section class="article"><p title="a > b">quoted greater-than</p><P CLASS="x">upper</P>'
    '</section>\n<div/>\n<nav class="toc"><ol><li><a href="#a1">One</a></li></ol></nav>\n'),
    '<section class="article"><p>a < b and 1<2</p><math><mi>x</mi></math></section>\n',
    "",
]
#: Bodies the pattern leaves to html.parser (comments, declarations, raw text, stray "</").
SPECIAL = [
    '<section><!-- <div> --><p>x</p></section>\n<section>y</section>\n',
    '<section><style>p > a { }</style><p>x</p></section>\n<section>y</section>\n',
    '<section><script>if (a < b) { "</div>" }</script></section>\n<p>z</p>\n',
    '<section><p>a </ b></p></section>\n<p>z</p>\n',
    '<section><p>a </> b</p></section>\n<p>z</p>\n',
    '<section><p title="<b>">a</p></section>\n<p>z</p>\n',
    '<section><![CDATA[ <p> ]]></section>\n<p>z</p>\n',
    '<section><p>x</p></section foo="1">\n<p>z</p>\n',
]


@pytest.mark.parametrize("body", PLAIN + SPECIAL)
def test_the_fast_cut_is_html_parsers(body):
    html = HEAD + body + TAIL
    parsed = blocks._parsed_bounds(html)
    fast = blocks._fast_bounds(html)
    if body in PLAIN:
        assert parsed is not None and fast == parsed
    else:
        assert fast is None  # left to html.parser
    if parsed is None:  # html.parser reads "</ b>" as an end tag: the body does not balance
        with pytest.raises(BuildError, match="unbalanced"):
            blocks.split(html)
        return
    doc = blocks.split(html)
    assert doc.head + "".join(doc.blocks) + doc.tail == html
    if doc.blocks:
        assert doc.head == HEAD and doc.tail == TAIL


def test_the_head_stylesheet_holds_no_tags():
    # "<body><p>" inside the stylesheet's string is raw text, not the body.
    doc = blocks.split(HEAD + PLAIN[0] + TAIL)
    assert [blocks.classes(b) for b in doc.blocks] == [{"cover"}, {"article"}]
    assert doc.head == HEAD


def test_unbalanced_tags_are_an_error():
    with pytest.raises(BuildError, match="unbalanced"):
        blocks.split(HEAD + "<section><p>open" + TAIL)


@pytest.mark.parametrize("root", ["test-pack", "scripts-pack", "diag-pack", "epub-images", "epub-text"])
def test_pubbuilds_print_documents_take_the_fast_cut(root):
    """The documents pubbuild's writer makes (packs in several scripts, with images, notes,
    tables, front and back matter) are cut by the fast scan, as html.parser cuts them."""
    pub = load_publication(ROOTS / root / "pubbuild.yaml")
    html = PdfBackend().html(pub)
    fast = blocks._fast_bounds(html)
    assert fast is not None
    assert fast == blocks._parsed_bounds(html)
    assert len(fast[1]) >= 3
