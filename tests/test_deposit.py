"""`pubbuild deposit`: a BagIt bag that validates, detects a changed byte, never overwrites."""

from __future__ import annotations

import json
import zipfile

import bagit
import pikepdf
import pytest
from lxml import etree
from packutil import copy_root

from pubbuild.cli import main
from pubbuild.deposit import DC

#: Lays out PDFs or builds whole packs: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bag(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deposit")
    manifest = copy_root("test-pack", tmp)
    target = tmp / "bag"
    assert main(["-q", "deposit", str(manifest), "-o", str(target)]) == 0
    return manifest, target


def test_bag_validates_with_both_manifests(bag):
    _, target = bag
    b = bagit.Bag(str(target))
    b.validate()
    assert set(b.algorithms) == {"sha256", "sha512"}
    assert (target / "manifest-sha256.txt").is_file() and (target / "manifest-sha512.txt").is_file()
    info = b.info
    assert info["External-Identifier"].startswith("urn:uuid:")
    assert info["Source-Organization"] == "Test Press"
    assert info["Bagging-Date"] == "2024-06-01"


def test_bag_holds_everything_an_archive_needs(bag):
    manifest, target = bag
    data = target / "data"
    expected = {
        "README.txt", "manifest/pubbuild.yaml", "metadata/dublin-core.xml", "metadata/metadata.json",
        "publication/test-pack.epub", "publication/test-pack.pdf",
        "sources/original/sources/harbour.html", "sources/original/sources/archive.md",
        "sources/original/sources/notes.txt", "sources/original/sources/images/chart.svg",
    } | {f"sources/normalised/{s}.{ext}" for s in ("harbour", "archive", "notes") for ext in ("html", "json")}
    assert {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()} == expected
    # Originals and the manifest exactly as given.
    for rel in ("sources/harbour.html", "sources/images/chart.svg"):
        assert (data / "sources" / "original" / rel).read_bytes() == (manifest.parent / rel).read_bytes()
    assert (data / "manifest" / "pubbuild.yaml").read_bytes() == manifest.read_bytes()
    assert zipfile.ZipFile(data / "publication" / "test-pack.epub").read("mimetype") == b"application/epub+zip"
    normalised = json.loads((data / "sources" / "normalised" / "archive.json").read_text())
    assert normalised["meta"]["title"] == "Keeping the Archive"


def test_descriptive_metadata(bag):
    _, target = bag
    dc = etree.parse(str(target / "data" / "metadata" / "dublin-core.xml"))
    values = lambda name: [e.text for e in dc.iter(f"{{{DC}}}{name}")]
    assert values("title") == ["Test Pack: Two parts"]
    assert values("creator") == ["Desk Editor", "Ann Author"]
    assert values("language") == ["en"] and values("type") == ["Text"]
    assert set(values("format")) == {"application/epub+zip", "application/pdf"}
    assert "https://news.example/harbour" in values("source")
    meta = json.loads((target / "data" / "metadata" / "metadata.json").read_text())
    assert [p["articles"] for p in meta["parts"]] == [["harbour"], ["archive", "notes"]]
    assert meta["articles"][0]["source_url"] == "https://news.example/harbour"
    assert len(meta["original_files"]) == 4 and all(len(f["sha256"]) == 64 for f in meta["original_files"])
    readme = (target / "data" / "README.txt").read_text()
    assert "bagit.py --validate" in readme and "Keeping the Archive" in readme
    assert "sources/original/sources/harbour.html" in readme


def test_archival_pdf_carries_the_original_sources(bag):
    manifest, target = bag
    with pikepdf.open(target / "data" / "publication" / "test-pack.pdf") as pdf:
        names = sorted(pdf.attachments)
        assert names == ["sources/archive.md", "sources/harbour.html", "sources/images/chart.svg",
                         "sources/notes.txt"]
        assert len(pdf.Root.AF) == 4
        spec = pdf.attachments["sources/harbour.html"]
        assert spec.obj.AFRelationship == pikepdf.Name.Source
        assert spec.get_file().read_bytes() == (manifest.parent / "sources/harbour.html").read_bytes()
        assert "/StructTreeRoot" in pdf.Root  # still tagged after the attachment
    readme = (target / "data" / "README.txt").read_text()
    assert "carries the 4 original source files as associated files" in readme


def test_a_changed_byte_is_detected(bag, tmp_path):
    import shutil

    _, target = bag
    copy = tmp_path / "copy"
    shutil.copytree(target, copy)
    victim = copy / "data" / "sources" / "original" / "sources" / "notes.txt"
    raw = bytearray(victim.read_bytes())
    raw[3] ^= 0x01
    victim.write_bytes(bytes(raw))
    with pytest.raises(bagit.BagValidationError) as info:
        bagit.Bag(str(copy)).validate()
    assert any("notes.txt" in str(d) for d in info.value.details)


def test_existing_deposit_is_never_overwritten(bag, capsys):
    manifest, target = bag
    before = {p: p.stat().st_mtime_ns for p in target.rglob("*")}
    assert main(["deposit", str(manifest), "-o", str(target)]) == 2
    assert "already exists; a deposit is never overwritten" in capsys.readouterr().err
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*")} == before
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]


def test_default_target_and_failed_deposit_leaves_nothing(tmp_path, monkeypatch, capsys):
    manifest = copy_root("test-pack", tmp_path)
    import pubbuild.deposit as deposit_mod

    def broken(bag, where):
        raise deposit_mod.BuildError(f"{where}: the bag does not validate", [f"{where}: simulated"])

    monkeypatch.setattr(deposit_mod, "_validate", broken)
    assert main(["-q", "deposit", str(manifest)]) == 1
    assert "simulated" in capsys.readouterr().err
    build = manifest.parent / "build"
    assert not (build / "test-pack-deposit").exists()
    assert not [p for p in build.iterdir() if p.name.startswith(".test-pack-deposit")]


def test_deposit_pdf_is_pdfa3_and_pdfua1_with_the_sources_associated(bag):
    """The archival edition: PDF/A-3a and PDF/UA-1 in its XMP, the originals embedded as
    associated files with media type and a modification date from the manifest's date,
    and clean for qpdf and the PDF/UA checks; the README makes no excuse for it."""
    from pdfcheck import pdfua_errors, qpdf_check

    manifest, target = bag
    path = target / "data" / "publication" / "test-pack.pdf"
    qpdf_check(path)
    assert pdfua_errors(path) == []
    with pikepdf.open(path) as pdf:
        with pdf.open_metadata() as xmp:
            assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"], xmp["pdfuaid:part"]) == ("3", "A", "1")
        specs = {str(spec.UF): spec for spec in pdf.Root.AF}
        assert sorted(specs) == sorted(pdf.attachments)
        types = {}
        for name, spec in specs.items():
            assert spec.AFRelationship == pikepdf.Name.Source and str(spec.F) == name
            stream = spec.EF.F
            types[name] = str(stream.Subtype)
            assert str(stream.Params.ModDate).startswith("D:20240601000000")
            assert stream.read_bytes() == (manifest.parent / name).read_bytes()
        assert types == {"sources/archive.md": "/text/markdown", "sources/harbour.html": "/text/html",
                         "sources/images/chart.svg": "/image/svg+xml", "sources/notes.txt": "/text/plain"}
    readme = (target / "data" / "README.txt").read_text()
    assert "PDF/A-3a and PDF/UA-1" in readme and "not PDF/A" not in readme and "TODO" not in readme


def test_deposit_pdf_is_byte_identical_across_deposits(bag, tmp_path):
    manifest, target = bag
    again = tmp_path / "again"
    assert main(["-q", "deposit", str(manifest), "-o", str(again)]) == 0
    name = "data/publication/test-pack.pdf"
    assert (again / name).read_bytes() == (target / name).read_bytes()
