"""The command line: help, version, one-article builds, bad sources, atomic output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, assert_epubcheck_clean

from pubbuild import __version__
from pubbuild.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and __version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", [[], ["epub"], ["pdf"], ["normalize"]])
def test_help_on_every_command(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: pubbuild" in out and "--quiet" in out


def test_one_article_epub_from_article_metadata(tmp_path):
    out = tmp_path / "one.epub"
    assert main(["-q", "epub", str(ROOT / "sources/reading-rooms.html"), "-o", str(out)]) == 0
    assert_epubcheck_clean(out)
    import zipfile
    opf = zipfile.ZipFile(out).read("EPUB/content.opf").decode()
    assert "How Regional Libraries Measure Their Reading Rooms" in opf
    assert "Miriam Holloway" in opf


def test_one_article_txt(tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("A Plain Note\n\nFirst paragraph.\n\nSecond paragraph.\n")
    out = tmp_path / "note.epub"
    assert main(["-q", "epub", str(src), "-o", str(out)]) == 0
    assert_epubcheck_clean(out)


@pytest.mark.parametrize("content,needle", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
])
def test_binary_source_is_a_clear_error(tmp_path, capsys, content, needle):
    src = tmp_path / "broken.html"
    src.write_bytes(content)
    out = tmp_path / "x.epub"
    assert main(["epub", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert needle in err and "broken.html" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("name,content", [
    ("empty.html", b""),
    ("shell.html", (b"<html><head><title>Nothing</title><script>var x = 1;</script></head>"
                    b"<body>  <div> </div></body></html>")),
    ("empty.md", b"\n \n"),
    ("blank.txt", b"  \n\n\t\n"),
])
def test_source_without_text_is_an_error(tmp_path, capsys, name, content):
    src = tmp_path / name
    src.write_bytes(content)
    out = tmp_path / "x.epub"
    assert main(["epub", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{name}: the file holds no text" in err and "Traceback" not in err
    assert not out.exists()


def test_unreadable_source(tmp_path, capsys, monkeypatch):
    src = tmp_path / "locked.html"
    src.write_text("<p>x</p>")
    real = Path.read_bytes

    def denied(self):  # chmod 0 does not stop root, so refuse the read itself
        if self.name == "locked.html":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert main(["epub", str(src), "-o", str(tmp_path / "x.epub")]) == 2
    assert "locked.html: cannot read" in capsys.readouterr().err


def test_directory_source_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "pubbuild.yaml").write_text("title: P\narticles:\n  - source: dir.html\n")
    (tmp_path / "dir.html").mkdir()
    assert main(["epub", str(tmp_path / "pubbuild.yaml")]) == 2
    assert "dir.html" in capsys.readouterr().err


def test_failed_build_keeps_previous_output(tmp_path, monkeypatch):
    """A backend that fails half-way leaves neither a partial file nor a temp file."""
    from pubbuild.backends.epub.backend import EpubBackend

    out = tmp_path / "keep.epub"
    out.write_bytes(b"previous good build")

    def explode(self, pub, target):
        Path(target).write_bytes(b"half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(EpubBackend, "write", explode)
    assert main(["-q", "epub", str(ROOT / "sources/field-notes.txt"), "-o", str(out)]) == 70
    assert out.read_bytes() == b"previous good build"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.epub"]


def test_sources_are_never_modified(tmp_path):
    before = {p: p.read_bytes() for p in (ROOT / "sources").rglob("*") if p.is_file()}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert main(["-q", "epub", "-o", str(tmp_path / "s.epub")]) == 0
    finally:
        os.chdir(cwd)
    assert {p: p.read_bytes() for p in before} == before
