"""A few seconds of each new fuzz target (issue 23): SVG images, project stylesheets and
article-cache entries, seeded, so a failure names its target and seed.  The longer run is
``bench/fuzz.py``; the fixed findings of its first runs are the cases below."""

from __future__ import annotations

import json

import pytest
from fuzz_targets import TARGETS, fuzz
from packutil import copy_root

from pubbuild.assemble.build import build_all
from pubbuild.styles import confine


@pytest.mark.parametrize("target", TARGETS)
def test_each_target_raises_only_documented_errors(tmp_path, target):
    tally = fuzz([target], range(30_000, 30_000 + 400), tmp_path, seconds=5)
    assert tally.inputs >= 10
    assert tally.successes > 0  # the inputs reach the code, not only the refusals
    assert not tally.other, "\n\n".join(trace for _, _, trace in tally.other[:3])


@pytest.mark.parametrize("css", ["p { color: red } h1", "p { x: url(a b) } em", 'p { color: "unclosed\n }',
                                 "p { color: red ) }"])
def test_css_that_does_not_parse_is_dropped_not_fatal(tmp_path, css):
    """Found by the fuzz run: tinycss2 keeps a parse error as a node it cannot serialise."""
    assert isinstance(confine(css, tmp_path, tmp_path, "styles/epub.css", []), str)


def test_a_cache_entry_whose_node_type_is_no_name_is_a_miss(tmp_path):
    """Found by the fuzz run: ``"type": {...}`` raised TypeError instead of a miss."""
    manifest = copy_root("test-pack", tmp_path)
    build_all(manifest, formats=["epub"])
    folder = manifest.parent / "build" / ".cache" / "articles"
    for entry in folder.glob("*.json"):
        data = json.loads(entry.read_text())
        data["article"]["blocks"][0]["type"] = {"type": "Paragraph"}
        entry.write_text(json.dumps(data))
    result = build_all(manifest, formats=["epub"])
    assert result.stats.hits == []


def test_a_passage_with_its_own_direction_gets_one_dir(tmp_path):
    """Found by the fuzz run (its page target): ``<span lang="ar" dir="auto">`` was written
    with the language's ``dir`` and its own, two ``dir`` attributes, which is no XML."""
    import zipfile

    from lxml import etree

    from pubbuild.cli import main

    (tmp_path / "a.html").write_text(
        '<html lang="en"><head><title>T</title></head><body><article><h1>T</h1><p>A paragraph long enough '
        'to be the text of an article, with <span lang="ar" dir="auto">\u0645\u0631\u062d\u0628\u0627</span>.'
        "</p></article></body></html>")
    assert main(["-q", "epub", str(tmp_path / "a.html"), "-o", str(tmp_path / "a.epub")]) == 0
    with zipfile.ZipFile(tmp_path / "a.epub") as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                etree.fromstring(z.read(name))
