"""Decoding like a careful browser: BOM, then the manifest's encoding, then a declaration the
bytes agree with, then detection (pubbuild.reader.decode)."""

from __future__ import annotations

import pytest

from pubbuild.errors import SourceError
from pubbuild.reader import read_file
from pubbuild.reader.decode import XML_INVALID, decode, has_xml_invalid
from pubbuild.textutil import block_text

ZH = "这是一篇关于档案保存的文章，它讲述了志愿者如何整理箱子。"
FR = "Le café « crème » est servi à l’heure où l’été commence."


def page(charset: str, body: str) -> str:
    return (f'<html><head><meta charset="{charset}"><title>T</title></head>'
            f"<body><article><h1>T</h1><p>{body}</p></article></body></html>")


CASES = [
    # (id, bytes, text expected, S017 expected)
    ("utf8-under-a-gb2312-label", page("gb2312", ZH).encode("utf-8"), ZH, True),
    ("utf8-under-an-iso-8859-1-label", page("iso-8859-1", FR).encode("utf-8"), FR, True),
    ("real-gb2312", page("gb2312", ZH).encode("gb2312"), ZH, False),
    ("real-windows-1252-labelled-latin-1", page("iso-8859-1", FR).encode("cp1252"), FR, False),
    ("ascii-only-iso-2022-jp", page("iso-2022-jp", "日本語のテキストです。").encode("iso-2022-jp"),
     "日本語のテキストです。", False),
    ("utf8-with-pasted-cp1252-quotes",
     page("utf-8", "Die Brücke über den Fluß wird gebaut. Der Bürgermeister sagte: @").encode()
     .replace(b"@", "“Wir bauen” über".encode("cp1252")),
     "Der Bürgermeister sagte: “Wir bauen” über", True),
    ("undeclared-cp1252", page("x", FR * 4).replace('<meta charset="x">', "").encode("cp1252"), FR, False),
    ("bom-beats-a-wrong-label", b"\xef\xbb\xbf" + page("iso-8859-1", FR).encode("utf-8"), FR, False),
    # UTF-8 read as Windows-1252 on the way and saved as UTF-8 again: every accent two or three
    # characters ("cafÃ©", "lâ€™heure"); encoded once again
    ("utf8-encoded-twice", page("utf-8", FR).encode("utf-8").decode("cp1252").encode("utf-8"), FR, True),
    ("utf8-encoded-twice-under-a-latin-1-label",
     page("iso-8859-1", FR).encode("utf-8").decode("cp1252").encode("utf-8"), FR, True),
    # a page quoting mojibake beside a plain "é" is not encoded twice: left as written
    ("quoted-mojibake-stays", page("utf-8", "Twice encoded, é shows as Ã©.").encode(),
     "é shows as Ã©.", False),
]


@pytest.mark.parametrize("data,want,corrected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_decoding(data: bytes, want: str, corrected: bool) -> None:
    decoded = decode(data, "a.html")
    assert want in decoded.text
    assert not decoded.replaced
    assert bool(decoded.notes) == corrected


def test_a_correction_is_a_diagnostic_naming_the_file(tmp_path):
    path = tmp_path / "saved-again.html"
    path.write_bytes(page("gb2312", ZH).encode("utf-8"))
    article = read_file(path)
    assert ZH in block_text(article.blocks)
    [diag] = [d for d in article.diagnostics if d.code == "S017"]
    assert "saved-again.html" in str(diag) and "gb2312" in str(diag)


def test_the_manifests_encoding_overrides_the_declaration(tmp_path):
    path = tmp_path / "a.html"
    path.write_bytes(page("utf-8", "Привет, мир: архив открыт.").encode("koi8-r"))
    article = read_file(path, encoding="koi8-r")
    assert "Привет, мир: архив открыт." in block_text(article.blocks)
    assert not [d for d in article.diagnostics if d.code in ("S001", "S017")]


def test_an_unknown_manifest_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "a.html"
    path.write_bytes(page("utf-8", "Words.").encode())
    with pytest.raises(SourceError, match="a.html.*no-such-codec"):
        read_file(path, encoding="no-such-codec")


def test_the_manifest_names_an_articles_encoding(tmp_path):
    from pubbuild.assemble.manifest import load
    from pubbuild.assemble.publication import read_articles

    (tmp_path / "a.html").write_bytes(page("utf-8", "Привет, мир: архив открыт.").encode("koi8-r"))
    (tmp_path / "pubbuild.yaml").write_text("title: T\nlanguage: ru\narticles:\n"
                                            "  - source: a.html\n    encoding: koi8-r\n")
    [article] = read_articles(load(tmp_path / "pubbuild.yaml"))
    assert "Привет, мир: архив открыт." in block_text(article.blocks)


def test_a_manifest_encoding_that_is_no_encoding_is_refused(tmp_path):
    from pubbuild.assemble.manifest import load
    from pubbuild.errors import ConfigurationError

    (tmp_path / "a.html").write_text("<p>Words.</p>")
    (tmp_path / "pubbuild.yaml").write_text("title: T\nlanguage: en\narticles:\n"
                                            "  - source: a.html\n    encoding: base64\n")
    with pytest.raises(ConfigurationError, match="encoding"):
        load(tmp_path / "pubbuild.yaml")


DECLARATIONS = [
    b'<?xml version="1.0" encoding="ISO-8859-1"?><html><body>x</body></html>',
    b"  <?xml version='1.0' encoding='utf-8' ?>\n<html>",
    b'<html><head><meta charset="GB2312"></head>',
    b"<html><head><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=windows-1251'>",
    b"<html><head><meta http-equiv=content-type content=text/html;charset=shift_jis>",
    b'<html><head><meta charset="">',
    b"<html><head><meta charset=utf-8/>",
    b'<html><head><meta name="x" content="y"></head><body>charset=koi8-r</body>',
    b"<html>" + b" " * 3000 + b'<meta charset="euc-kr">',  # past the 2,048 bytes looked at
    b"<p>" + b"x" * 1100 + b'<?xml encoding="latin-1"?>',  # an XML declaration not at the start
    b'<meta charset="\xff\xfe">',
    b"",
]


@pytest.mark.parametrize("head", DECLARATIONS)
def test_the_declaration_is_found_as_beautifulsoup4_finds_it(head: bytes) -> None:
    # The reader finds the declaration with bs4's own patterns and bounds, without importing it
    # for every page: the two must agree.
    from bs4.dammit import EncodingDetector

    from pubbuild.reader.decode import find_declared

    assert find_declared(head[:4096]) == EncodingDetector.find_declared_encoding(head[:4096], is_html=True)


def test_a_plain_page_is_decoded_without_importing_beautifulsoup4() -> None:
    import subprocess
    import sys

    code = ("import sys; from pubbuild.reader.decode import decode; "
            "d = decode('<meta charset=\"iso-8859-1\"><p>caf\\xe9</p>'.encode('cp1252'), 'x.html'); "
            "assert d.text.endswith('café</p>'), d; print('bs4' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("text", ["plain ascii\t\n\r~\x7f", "a\x00b", "form\x0cfeed", "\x1f", "café",
                                  "caf\u00e9\x0b", "\ud800 lone", "non\ufffe", "\uffff", "日本語", "😀\x08",
                                  # bytes close to U+FFFE/U+FFFF's in UTF-8, and valid neighbours
                                  "\ufffd", "\uefff\uffbf", "\ufeff日本", "€\x7f", "😀", "x\udfff",
                                  "é\x1b"])
def test_has_xml_invalid_is_the_pattern(text: str) -> None:
    assert has_xml_invalid(text) == (XML_INVALID.search(text) is not None)
