"""What comes out of the article cache passes the reader's rules (issue 23).

The cache checked an entry's types and paths only: a well-formed entry edited after a
build put ``javascript:`` and ``data:text/html`` links into the EPUB and the PDF's link
annotations, and control characters, lone surrogates, deep nesting or a source address
that is no URL stopped the build with a traceback.  Now such an entry is a miss: the
article is read again, and the outputs hold only what the reader makes.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from packutil import copy_root

from pubbuild.assemble.build import build_all

#: What may never reach an output, in any case or spacing a browser still takes for it.
DANGEROUS = ("javascript:", "vbscript:", "data:text/html", "file:")


def _harbour_entry(manifest: Path) -> Path:
    folder = manifest.parent / "build" / ".cache" / "articles"
    (entry,) = [p for p in folder.glob("*.json") if "harbour" in json.loads(p.read_text())["article"]["source"]]
    return entry


def _first_paragraph(article: dict) -> dict:
    return next(b for b in article["blocks"] if b["type"] == "Paragraph")


def _link(href: str) -> dict:
    return {"type": "Link", "href": href, "children": [{"type": "Text", "text": "click me"}]}


def _nested(depth: int) -> dict:
    """A stand-in for ``depth`` levels of emphasis, written out by :func:`_write` (json.dumps
    itself recurses, and would fail on it)."""
    return {"type": "Text", "text": f"@@nested {depth}@@"}


def _write(entry: Path, data: dict) -> None:
    # ensure_ascii keeps a lone surrogate writable (as \\ud800, which json.loads gives back)
    text = json.dumps(data)
    for depth in (5000, 400):
        stand_in = json.dumps(_nested(depth))
        opening = '{"type": "Styled", "kind": "em", "children": ['
        text = text.replace(stand_in, opening * depth + '{"type": "Text", "text": "deep"}' + "]}" * depth)
    entry.write_text(text, encoding="utf-8")


DAMAGE = {
    "javascript-link": lambda a: _first_paragraph(a)["children"].append(_link("javascript:alert(1)")),
    "spaced-javascript-link": lambda a: _first_paragraph(a)["children"].append(_link(" Java\tScript:alert(1)")),
    "data-html-link": lambda a: _first_paragraph(a)["children"].append(_link("data:text/html,<script>alert(1)</script>")),
    "file-link": lambda a: _first_paragraph(a)["children"].append(_link("file:///etc/passwd")),
    "javascript-source-url": lambda a: a["meta"].update(source_url="javascript:alert(1)"),
    "non-url-source-url": lambda a: a["meta"].update(source_url="http://[not a host"),
    "javascript-image": lambda a: a["blocks"][1]["images"][0].update(src="javascript:alert(1)", local=None),
    "control-character": lambda a: _first_paragraph(a)["children"].append({"type": "Text", "text": "bell\x07\x00"}),
    "lone-surrogate": lambda a: _first_paragraph(a)["children"].append({"type": "Text", "text": "half \ud800"}),
    "deep-nesting": lambda a: _first_paragraph(a)["children"].append(_nested(5000)),
    "deep-enough-to-pass-json": lambda a: _first_paragraph(a)["children"].append(_nested(400)),
}


def _outputs_text(result) -> bytes:
    """Everything the EPUB holds, and every link annotation's URI in the PDF."""
    out = b""
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        out += b"".join(z.read(n) for n in z.namelist())
    with pikepdf.open(result.outputs["pdf"]) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots") or []:
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    out += bytes(action.URI) + b"\n"
    return out


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_bad_entry_is_a_miss_and_nothing_dangerous_comes_out(tmp_path, damage):
    manifest = copy_root("test-pack", tmp_path)
    build_all(manifest, formats=["epub"])
    entry = _harbour_entry(manifest)
    data = json.loads(entry.read_text())
    DAMAGE[damage](data["article"])
    _write(entry, data)
    result = build_all(manifest, formats=["epub", "pdf"])
    assert result.stats.normalised == ["sources/harbour.html"], "the damaged entry was used"
    text = _outputs_text(result).lower().replace(b"\t", b"")
    assert not [s for s in DANGEROUS if s.encode() in text]
    assert b"click me" not in text and b"deep" not in text.replace(b"deeper", b"")


def test_the_deepest_article_the_reader_writes_is_still_a_hit(tmp_path):
    """The bounds refuse what the reader never writes, not what it does: a page nested far
    deeper than the reader keeps (it flattens past 100 elements) comes back from the cache."""
    manifest = copy_root("test-pack", tmp_path)
    deep = "<ol><li><blockquote>" * 150 + "bottom" + "</blockquote></li></ol>" * 150
    harbour = manifest.parent / "sources" / "harbour.html"
    harbour.write_text(harbour.read_text().replace("</article>", deep + "</article>"))
    build_all(manifest, formats=["epub"])
    assert "sources/harbour.html" in build_all(manifest, formats=["epub"]).stats.hits


@pytest.mark.parametrize("canonical", ["javascript:alert(1)", " JavaScript:alert(1)", "http://[not a host"])
def test_a_page_address_of_another_scheme_is_shown_never_linked(tmp_path, canonical):
    """The writer is the last gate: a page's own address (its canonical link) is a link
    only when its scheme is allowed, and one that does not parse is no failure."""
    manifest = copy_root("test-pack", tmp_path)
    harbour = manifest.parent / "sources" / "harbour.html"
    harbour.write_text(harbour.read_text().replace(
        "<head>", f'<head><link rel="canonical" href="{canonical}">', 1))
    # The page's own address, not the manifest's, is the one shown.
    manifest.write_text(manifest.read_text().replace("        url: https://news.example/harbour\n", ""))
    result = build_all(manifest, formats=["epub", "pdf"])
    text = _outputs_text(result).lower().replace(b"\t", b"")
    assert b'href="javascript:' not in text.replace(b'href=" ', b'href="')
    assert b"\njavascript:" not in b"\n" + text
