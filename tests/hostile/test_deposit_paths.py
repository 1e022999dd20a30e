"""Deposits are the same bytes wherever the project lies (issue 12): the normalised
models held absolute image paths, so two folders gave two bags and disclosed where the
builder kept the project."""

from __future__ import annotations

import json

from packutil import copy_root

from pubbuild.cli import main


def _bag_files(target):
    return {p.relative_to(target).as_posix(): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}


def test_the_same_project_in_two_folders_gives_the_same_bag(tmp_path):
    bags = []
    for folder in ("first", "second/deeper"):
        manifest = copy_root("test-pack", tmp_path / folder)
        target = tmp_path / folder / "bag"
        assert main(["-q", "deposit", str(manifest), "-o", str(target)]) == 0
        files = _bag_files(target)
        for name, data in files.items():
            assert str(tmp_path).encode() not in data, f"{name} names the folder the project was in"
        bags.append(files)
    assert bags[0].keys() == bags[1].keys()
    assert [n for n in bags[0] if bags[0][n] != bags[1][n]] == []


def test_normalised_models_name_images_relative_to_the_project(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    target = tmp_path / "bag"
    assert main(["-q", "deposit", str(manifest), "-o", str(target)]) == 0
    model = json.loads((target / "data" / "sources" / "normalised" / "harbour.json").read_text())
    (figure,) = [b for b in model["blocks"] if b["type"] == "Figure"]
    assert figure["images"][0]["local"] == "sources/images/chart.svg"
