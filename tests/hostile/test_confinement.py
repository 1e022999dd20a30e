"""One confinement rule (issue 12): the project folder bounds every read, and for a
one-article build that is the article's own folder, not the folder pubbuild runs in;
a slug is a plain file name; no output replaces an input."""

from __future__ import annotations

import io
import os
import zipfile

import pikepdf
import pytest
from packutil import copy_root
from PIL import Image

from pubbuild.cli import main


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (7, 3), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home folder with a private image, and a downloaded page that points at it."""
    home = tmp_path / "home"
    (home / "downloads").mkdir(parents=True)
    secret = home / "private.png"
    secret.write_bytes(_png((200, 10, 10)))
    (home / "downloads" / "page.html").write_text(
        '<html lang="en"><head><title>A page</title></head><body><article><h1>A page</h1>'
        "<p>Some text long enough to be an article body, about the harbour and its ferries.</p>"
        '<figure><img src="../private.png" alt="up one folder"></figure>'
        f'<figure><img src="{secret}" alt="absolute path"></figure>'
        f'<figure><img src="{secret.as_uri()}" alt="file URL"></figure>'
        "</article></body></html>")
    monkeypatch.chdir(home)
    return home


def test_a_one_article_epub_reads_nothing_outside_the_articles_folder(home, tmp_path):
    out = tmp_path / "page.epub"
    assert main(["-q", "epub", "downloads/page.html", "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        assert [n for n in z.namelist() if n.lower().endswith(".png")] == []
        assert not any((home / "private.png").read_bytes() in z.read(n) for n in z.namelist())


def test_a_one_article_pdf_reads_nothing_outside_the_articles_folder(home, tmp_path):
    out = tmp_path / "page.pdf"
    assert main(["-q", "pdf", "downloads/page.html", "-o", str(out)]) == 0
    with pikepdf.open(out) as pdf:
        assert [img for page in pdf.pages for img in page.get_images()] == []


def test_a_one_article_build_writes_into_the_articles_folder(home):
    assert main(["-q", "epub", "downloads/page.html"]) == 0
    assert (home / "downloads" / "build" / "page.epub").is_file()
    assert not (home / "build").exists()


@pytest.mark.parametrize("slug", ["../../elsewhere/x", "/abs/x", "sub/x", ".hidden", "x\\y", '"a\\0b"', "a b", ".."])
def test_a_slug_that_is_not_a_plain_file_name_is_a_manifest_error(tmp_path, capsys, slug):
    manifest = copy_root("test-pack", tmp_path / "p")
    text = manifest.read_text()
    lines = text.splitlines()
    manifest.write_text(text + f"slug: {slug}\n")
    assert main(["epub", str(manifest)]) == 2
    err = capsys.readouterr().err
    assert f"{manifest}:{len(lines) + 1}: slug: expected a plain file name" in err, err
    assert not (manifest.parent / "build").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]


def test_a_plain_slug_still_names_the_outputs(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    manifest.write_text(manifest.read_text() + "slug: harbour_pack-2024.v2\n")
    assert main(["-q", "epub", str(manifest)]) == 0
    assert (manifest.parent / "build" / "harbour_pack-2024.v2.epub").is_file()


def _snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ["epub", "{root}/sources/harbour.html", "-o", "{root}/sources/harbour.html"],
    ["pdf", "{root}/pubbuild.yaml", "-o", "{root}/pubbuild.yaml"],
    ["epub", "{root}/pubbuild.yaml", "-o", "{root}/sources/images/chart.svg"],
    ["epub", "{root}/pubbuild.yaml", "-o", "{root}/hardlink-to-notes.txt"],
    ["normalize", "{root}/sources", "--out-dir", "{root}/sources", "--format", "html"],
], ids=["source", "manifest", "image", "hard-link", "normalize-out-dir"])
def test_no_output_replaces_an_input(tmp_path, capsys, args):
    root = copy_root("test-pack", tmp_path).parent
    os.link(root / "sources" / "notes.txt", root / "hardlink-to-notes.txt")
    before = _snapshot(root)
    assert main([a.format(root=root) for a in args]) == 2
    err = capsys.readouterr().err
    assert "is an input of this build" in err and "never replaces an input" in err, err
    assert _snapshot(root) == before
