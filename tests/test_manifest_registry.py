"""Manifest language tags checked against the BCP 47 registry, and sources listed twice.

A deprecated tag is a warning (M001) naming the manifest and line, and the preferred tag is
what the outputs carry; a tag with an unknown subtag is an error (exit 2) naming file and
line; a source listed twice is built once with a warning (M002).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pubbuild.assemble.manifest import load
from pubbuild.assemble.publication import load_publication
from pubbuild.cli import main
from pubbuild.errors import ConfigurationError

ARTICLE = ("<html lang='en'><head><title>T</title></head><body><article><h1>T</h1>"
           "<p>Body text of an article that is long enough to be one.</p></article></body></html>")


def project(tmp_path: Path, manifest: str) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    for name in ("a", "b"):
        (tmp_path / "sources" / f"{name}.html").write_text(ARTICLE)
    path = tmp_path / "pubbuild.yaml"
    path.write_text(manifest)
    return path


@pytest.mark.parametrize("written, used", [("en-UK", "en-GB"), ("iw", "he"), ("zh-yue", "yue")])
def test_deprecated_tag_is_a_warning_with_the_preferred_tag(tmp_path, written, used):
    m = load(project(tmp_path, f"title: P\nlanguage: {written}\narticles:\n  - sources/a.html\n"))
    assert m.meta.language == used
    [w] = m.warnings
    assert (w.code, w.line, Path(w.file).name) == ("M001", 2, "pubbuild.yaml")
    assert repr(used) in w.message and repr(written) in w.message


def test_article_and_font_tags_are_checked_too(tmp_path):
    m = load(project(tmp_path, "title: P\nlanguage: en\narticles:\n  - source: sources/a.html\n"
                               "    language: en-UK\n"))
    assert m.articles[0].overrides["language"] == "en-GB"
    assert [(w.code, w.line) for w in m.warnings] == [("M001", 5)]


@pytest.mark.parametrize("tag", ["xx", "zz-ZZ", "qq-GB"])
def test_unknown_language_is_an_error_naming_file_and_line(tmp_path, tag):
    path = project(tmp_path, f"title: P\narticles:\n  - sources/a.html\nlanguage: {tag}\n")
    with pytest.raises(ConfigurationError) as info:
        load(path)
    [line] = info.value.lines()
    assert line.startswith(f"{path}:4: language: ") and "not a registered language tag" in line


def test_unknown_language_exits_2(tmp_path, capsys):
    path = project(tmp_path, "title: P\nlanguage: xx\narticles:\n  - sources/a.html\n")
    assert main(["epub", str(path)]) == 2
    assert "pubbuild.yaml:2" in capsys.readouterr().err
    assert not (tmp_path / "build").exists()


def test_valid_tags_pass_silently(tmp_path):
    m = load(project(tmp_path, "title: P\nlanguage: sr-Latn-RS\narticles:\n  - sources/a.html\n"))
    assert m.meta.language == "sr-Latn-RS" and m.warnings == []


def test_duplicate_entry_is_built_once_with_a_warning(tmp_path):
    path = project(tmp_path, "title: P\nlanguage: en\nparts:\n  - title: One\n    articles:\n"
                             "      - sources/a.html\n      - sources/b.html\n  - title: Two\n"
                             "    articles:\n      - sources/a.html\n")
    m = load(path)
    assert [s.source.name for s in m.articles] == ["a.html", "b.html"]
    assert [(p.start, p.count) for p in m.parts] == [(0, 2), (2, 0)]
    [w] = m.warnings
    assert (w.code, w.line) == ("M002", 10) and "line 6" in w.message
    pub = load_publication(path)
    assert len(pub.articles) == 2
    assert "M002" in [d.code for d in pub.articles[0].diagnostics]


def test_strict_fails_on_a_deprecated_tag(tmp_path):
    path = project(tmp_path, "title: P\nlanguage: en-UK\narticles:\n  - sources/a.html\n")
    assert main(["epub", str(path), "--strict", "-q"]) == 1
    assert main(["epub", str(path), "-q"]) == 0


NAV_ONLY = ("<html lang='en'><head><title>Menu</title></head><body><nav><a href='/'>Home</a> "
            "<a href='/news'>News</a> <a href='/about'>About us</a></nav><footer>(c) 2024 The Site"
            "</footer></body></html>")


def test_a_navigation_only_page_is_an_error_naming_the_file(tmp_path, capsys):
    path = project(tmp_path, "title: P\nlanguage: en\narticles:\n  - sources/a.html\n  - sources/nav.html\n")
    (tmp_path / "sources" / "nav.html").write_text(NAV_ONLY)
    assert main(["epub", str(path), "-q"]) == 2
    err = capsys.readouterr().err
    assert "sources/nav.html" in err and "only navigation" in err
    assert not (tmp_path / "build" / "p.epub").exists()
    assert main(["epub", str(tmp_path / "sources" / "nav.html"), "-q"]) == 2
