"""Inputs that ended in exit 70 (an internal error) instead of a diagnostic or a clear
error (issue 23): a manifest nested 20,000 deep, JSON-LD holding NUL or a lone surrogate,
a file name that is not UTF-8, ``charset=punycode``."""

from __future__ import annotations

import json
import os
import sys
import zipfile

import pytest

from pubbuild.cli import main

PARAGRAPH = "<p>A paragraph long enough to be the text of an article here, and a little more.</p>"


def _page(head: str = "", lang: str = ' lang="en"') -> str:
    return (f"<html{lang}><head>{head}<title>Plain</title></head><body><article><h1>Plain</h1>"
            f"{PARAGRAPH}</article></body></html>")


@pytest.mark.parametrize("key", ["subjects", "creators"])
def test_a_deeply_nested_manifest_is_a_yaml_error(tmp_path, capsys, key):
    (tmp_path / "a.html").write_text(_page())
    depth = 20_000
    (tmp_path / "pubbuild.yaml").write_text(f"title: T\nlanguage: en\n{key}: {'[' * depth}x{']' * depth}\n"
                                            "articles: [a.html]\n")
    assert main(["-q", "epub", str(tmp_path / "pubbuild.yaml"), "-o", str(tmp_path / "o.epub")]) == 2
    assert "nested deeper than" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_json_ld_with_nul_and_lone_surrogates_is_cleaned(tmp_path, fmt):
    ld = json.dumps({"@type": "NewsArticle", "headline": "Head\u0000line",
                     "author": {"@type": "Person", "name": "Ann\ud800 Author"},
                     "description": "bell\u0007"}, ensure_ascii=True)
    (tmp_path / "a.html").write_text(_page(f'<script type="application/ld+json">{ld}</script>'))
    out = tmp_path / f"o.{fmt}"
    assert main(["-q", fmt, str(tmp_path / "a.html"), "-o", str(out)] + (["-j", "1"] if fmt == "pdf" else [])) == 0
    if fmt == "epub":
        with zipfile.ZipFile(out) as z:
            text = b"".join(z.read(n) for n in z.namelist())
        assert b"\x00" not in text and b"\x07" not in text and b"Ann" in text


@pytest.mark.skipif(sys.platform == "darwin", reason="the file system insists on UTF-8 names")
def test_a_file_name_that_is_not_utf8_is_a_clear_error(tmp_path, capsys):
    name = os.fsdecode(b"caf\xe9.html")  # Latin-1, as an old archive holds it
    (tmp_path / name).write_text(_page())
    assert main(["-q", "epub", str(tmp_path / name), "-o", str(tmp_path / "o.epub")]) == 2
    assert "not UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize("charset", ["punycode", "idna"])
def test_a_host_name_encoding_as_charset_is_ignored(tmp_path, charset):
    (tmp_path / "a.html").write_text(_page(f'<meta charset="{charset}">'))
    assert main(["-q", "epub", str(tmp_path / "a.html"), "-o", str(tmp_path / "o.epub")]) == 0
