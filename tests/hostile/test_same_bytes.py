"""Same bytes anywhere (issue 23): WeasyPrint named each raster image after a hash of its
absolute URL, so the PDF, the archival PDF and the deposit of a project with a photo
differed between two folders holding the same project."""

from __future__ import annotations

import pytest
from packutil import copy_root

from pubbuild.cli import main

FOLDERS = ("first", "second/deeper")


def _build(tmp_path, argv_for) -> list[bytes]:
    out = []
    for folder in FOLDERS:
        manifest = copy_root("epub-certified", tmp_path / folder)
        target = tmp_path / folder / "out"
        assert main(["-q", *argv_for(manifest, target)]) == 0
        out.append(target)
    return out


@pytest.mark.parametrize("archival", [[], ["--archival"]], ids=["pdf", "archival"])
def test_the_pdf_and_the_archival_pdf_are_the_same_bytes_in_two_folders(tmp_path, archival):
    first, second = _build(tmp_path, lambda m, t: ["pdf", str(m), "-o", str(t), "-j", "1", *archival])
    data = first.read_bytes()
    assert str(tmp_path).encode() not in data
    assert data == second.read_bytes(), f"pdf {archival} differs between two folders"


def test_the_deposit_of_a_project_with_photos_is_the_same_bytes_in_two_folders(tmp_path):
    first, second = _build(tmp_path, lambda m, t: ["deposit", str(m), "-o", str(t)])
    files = [{p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}
             for d in (first, second)]
    assert files[0].keys() == files[1].keys()
    assert [n for n in files[0] if files[0][n] != files[1][n]] == []
