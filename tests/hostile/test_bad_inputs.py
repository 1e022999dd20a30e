"""Bad input gives exit 2 with one line naming the file, line or key, or a diagnostic and a
repaired build; never exit 70 (an internal error).

Each case is a small project written by the test and run through the CLI in-process.
"""

from __future__ import annotations

import errno
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from pdfcheck import page_texts

from pubbuild.cli import main

ARTICLE = ('<html lang="en"><head><title>Field report</title></head><body><article>'
           '<h1>Field report</h1><p>The committee met on Tuesday and agreed the budget.</p>'
           "{extra}</article></body></html>")


def run(tmp_path: Path, monkeypatch, capsys, *argv: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    code = main(list(argv))
    return code, capsys.readouterr().err


def page(tmp_path: Path, extra: str = "", name: str = "a.html") -> Path:
    path = tmp_path / name
    path.write_text(ARTICLE.format(extra=extra), encoding="utf-8")
    return path


def manifest(tmp_path: Path, text: str) -> Path:
    page(tmp_path)
    path = tmp_path / "pubbuild.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` (a few bytes of pixels follow)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b""))


def bmp_header(width: int, height: int) -> bytes:
    return (b"BM" + struct.pack("<IHHI", 54, 0, 0, 54)
            + struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 0, 0, 0, 0))


def epub_texts(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))


def one_line_naming(err: str, *parts: str) -> None:
    lines = [line for line in err.splitlines() if line.startswith("pubbuild: ")]
    assert len(lines) == 1, err
    for part in parts:
        assert part in lines[0], lines[0]


# ------------------------------------------------------------------ sources


def test_control_characters_and_lone_surrogates_are_removed(tmp_path, monkeypatch, capsys):
    # 27 bytes: a C0 control in the text.
    (tmp_path / "c0.html").write_bytes(b"<p>Budget\x01 agreed today</p>")
    # Character references that decode to what XML cannot carry, in the title and the text.
    (tmp_path / "refs.html").write_text(
        '<html lang="en"><head><title>Report&#x1; &#xD800;</title></head><body><article>'
        "<h1>Report</h1><p>Agreed&#0; &#x1b; today &#xDFFF;.</p></article></body></html>")
    for name in ("c0.html", "refs.html"):
        for fmt in ("html", "json", "text"):
            code, err = run(tmp_path, monkeypatch, capsys, "normalize", "--format", fmt, name)
            assert code == 0 and "S010" in err
        code, err = run(tmp_path, monkeypatch, capsys, "epub", name, "-o", f"{name}.epub")
        assert code == 0, err
        text = epub_texts(tmp_path / f"{name}.epub")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)


@pytest.mark.parametrize("label", ["base64", "rot13", "zlib", "hex", "utf-7", "uu"])
def test_non_text_charset_declarations_fall_back_to_detection(tmp_path, monkeypatch, capsys, label):
    (tmp_path / "a.html").write_bytes(
        f"<html><head><meta charset={label}><title>T</title></head><body><article><h1>T</h1>"
        "<p>Caf\u00e9 owners met the council on Tuesday.</p></article></body></html>".encode())
    code, err = run(tmp_path, monkeypatch, capsys, "normalize", "--format", "text", "a.html")
    assert code == 0, err
    from pubbuild.reader import read_file
    from pubbuild.textutil import block_text

    assert "Caf\u00e9 owners met" in block_text(read_file(tmp_path / "a.html").blocks)


def test_raster_declaring_huge_dimensions_is_left_out_with_a_diagnostic(tmp_path, monkeypatch, capsys):
    (tmp_path / "b.bmp").write_bytes(bmp_header(20000, 20000))
    page(tmp_path, '<figure><img src="b.bmp" alt="Site plan"></figure>')
    code, err = run(tmp_path, monkeypatch, capsys, "epub", "a.html", "-o", "a.epub")
    assert code == 0 and "S011" in err and "b.bmp" in err
    assert "[Image: Site plan]" in epub_texts(tmp_path / "a.epub")


def test_svg_with_a_zero_view_box_builds_both_editions(tmp_path, monkeypatch, capsys):
    (tmp_path / "z.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 0">'
                                    '<rect width="1" height="1"/></svg>')
    page(tmp_path, '<figure><img src="z.svg" alt="Chart"><figcaption>Chart</figcaption></figure>')
    for fmt in ("epub", "pdf"):
        code, err = run(tmp_path, monkeypatch, capsys, fmt, "a.html", "-o", f"a.{fmt}")
        assert code == 0, err


def test_image_name_longer_than_the_file_system_allows(tmp_path, monkeypatch, capsys):
    page(tmp_path, f'<img src="{"x" * 400}.png" alt="Long">')
    code, err = run(tmp_path, monkeypatch, capsys, "epub", "a.html", "-o", "a.epub")
    assert code == 0 and "S007" in err


def test_loose_text_between_an_image_and_a_figcaption(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.html").write_text("<h1>T</h1><p>Text.</p><img src=/>x<figcaption>Caption</figcaption>")
    code, err = run(tmp_path, monkeypatch, capsys, "epub", "a.html", "-o", "a.epub")
    assert code == 0, err
    assert "Caption" in epub_texts(tmp_path / "a.epub")


# ------------------------------------------------------------------ manifest


@pytest.mark.parametrize("text, where", [
    ("title: T\ndate: 2024-13-45\narticles: [a.html]\n", "pubbuild.yaml:2: date:"),
    ('title: T\narticles:\n  - source: a.html\n    retrieved: "2019-99-99"\n',
     "pubbuild.yaml:4: articles[0].retrieved:"),
    ("title: T\ndate: 2024-02-30T10:00\narticles: [a.html]\n", "pubbuild.yaml:2: date:"),
    ("title: [[a, b], [c]]\narticles: [a.html]\n", "pubbuild.yaml:1: title:"),
    ('title: T\nslug: "a\\0b"\narticles: [a.html]\n', "pubbuild.yaml:2: slug:"),
    ('title: "T\\e[31m"\narticles: [a.html]\n', "pubbuild.yaml:1: title:"),
])
def test_bad_manifest_values_name_key_and_line(tmp_path, monkeypatch, capsys, text, where):
    manifest(tmp_path, text)
    code, err = run(tmp_path, monkeypatch, capsys, "epub")
    assert code == 2
    one_line_naming(err, where)
    assert not (tmp_path / "build").exists()


def test_huge_source_date_epoch_is_refused(tmp_path, monkeypatch, capsys):
    page(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "9" * 20)
    code, err = run(tmp_path, monkeypatch, capsys, "epub", "a.html", "-o", "a.epub")
    assert code == 2
    one_line_naming(err, "SOURCE_DATE_EPOCH")


# ------------------------------------------------------------------ outputs


def test_output_naming_a_folder(tmp_path, monkeypatch, capsys):
    page(tmp_path)
    (tmp_path / "out").mkdir()
    code, err = run(tmp_path, monkeypatch, capsys, "epub", "a.html", "-o", "out")
    assert code == 2
    one_line_naming(err, "out", "folder")
    assert list((tmp_path / "out").iterdir()) == []


def test_output_in_a_read_only_folder(tmp_path, monkeypatch, capsys):
    import tempfile

    page(tmp_path)

    def refused(*args, **kwargs):  # tests may run as root, for whom chmod does not bind
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    code, err = run(tmp_path, monkeypatch, capsys, "epub", "a.html", "-o", "ro/a.epub")
    assert code == 2
    one_line_naming(err, "ro/a.epub", "Permission denied")


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_full_disk_leaves_the_old_output_and_no_part_file(tmp_path, monkeypatch, capsys, fmt):
    from pubbuild import backends

    page(tmp_path)
    old = tmp_path / f"a.{fmt}"
    old.write_bytes(b"the previous build")

    def full(self, pub, target):
        Path(target).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backends.get(fmt), "write", full)
    code, err = run(tmp_path, monkeypatch, capsys, fmt, "a.html", "-o", old.name)
    assert code == 2
    one_line_naming(err, old.name, "No space left on device")
    assert old.read_bytes() == b"the previous build"
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("command", ["build", "check"])
def test_cache_folder_being_a_file(tmp_path, monkeypatch, capsys, command):
    manifest(tmp_path, "title: T\narticles: [a.html]\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / ".cache").write_text("not a folder")
    code, err = run(tmp_path, monkeypatch, capsys, command)
    assert code == 0, err
    assert (tmp_path / "build" / "t.epub").is_file() and (tmp_path / "build" / "t.pdf").is_file()
    assert "build/.cache" in err  # said once, as a warning: the build goes on without the cache


# ------------------------------------------------------------------ oversized images (both editions)


def test_decompression_bomb_png_gets_the_same_stand_in_in_both_editions(tmp_path, monkeypatch, capsys):
    (tmp_path / "huge.png").write_bytes(png_header(50000, 50000))
    page(tmp_path, '<figure><img src="huge.png" alt="Survey map"></figure>')
    code, err = run(tmp_path, monkeypatch, capsys, "epub", "a.html", "-o", "a.epub")
    assert code == 0 and "S011" in err and "huge.png" in err
    with zipfile.ZipFile(tmp_path / "a.epub") as z:
        assert not [n for n in z.namelist() if n.endswith(".png")]
    assert "[Image: Survey map]" in epub_texts(tmp_path / "a.epub")
    code, err = run(tmp_path, monkeypatch, capsys, "pdf", "a.html", "-o", "a.pdf", "-j", "1")
    assert code == 0 and "S011" in err and "huge.png" in err
    assert "[Image: Survey map]" in " ".join(" ".join(page_texts(tmp_path / "a.pdf")).split())


def test_decompression_bomb_png_as_cover_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "huge.png").write_bytes(png_header(50000, 50000))
    manifest(tmp_path, "title: T\ncover: huge.png\narticles: [a.html]\n")
    for fmt in ("epub", "pdf"):
        code, err = run(tmp_path, monkeypatch, capsys, fmt)
        assert code == 2
        one_line_naming(err, "pubbuild.yaml:2: cover:", "huge.png", "2,500,000,000 pixels")
