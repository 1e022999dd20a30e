"""The article cache holds data, never code (issue 12).

A project folder may come from anyone, with a build/.cache inside it.  Before,
entries were pickles: a crafted one ran its code on `pubbuild build`, and could
put an image from outside the project into the EPUB.  Now an entry is JSON,
checked against the model on load; anything wrong with it is a miss.
"""

from __future__ import annotations

import json
import os
import pickle
import zipfile
from pathlib import Path

import pytest
from packutil import copy_root

from pubbuild import modeljson
from pubbuild.assemble.build import build_all
from pubbuild.assemble.cache import ArticleCache
from pubbuild.model import Article

SECRET = "outside-the-project-7f3a"


def _entries(manifest: Path) -> dict[str, Path]:
    """Cache entry files by the source they hold."""
    folder = manifest.parent / "build" / ".cache" / "articles"
    return {json.loads(p.read_text())["article"]["source"]: p for p in folder.glob("*.json")}


class _RunsCode:
    """Unpickling this makes a folder: proof that code from the cache ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_pickle_at_the_old_cache_path_is_never_loaded(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    root = manifest.parent
    build_all(manifest, formats=["epub"])
    marker = tmp_path / "code-ran"
    for entry in _entries(manifest).values():
        # Where pubbuild 0.1 looked: <key>.pickle, with the key computable from the inputs.
        entry.with_suffix(".pickle").write_bytes(pickle.dumps((1, [], _RunsCode(marker))))
        entry.unlink()
    result = build_all(manifest, formats=["epub"])
    assert not marker.exists()
    assert sorted(result.stats.normalised) == ["sources/archive.md", "sources/harbour.html", "sources/notes.txt"]
    assert (root / "build" / "test-pack.epub").is_file()


def _outside_image(tmp_path: Path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.svg"
    secret.parent.mkdir()
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                      f"<text>{SECRET}</text></svg>")
    return secret


@pytest.mark.parametrize("where", ["absolute", "dotdot", "link"])
def test_a_crafted_entry_cannot_bring_in_a_file_from_outside(tmp_path, where):
    manifest = copy_root("test-pack", tmp_path)
    root = manifest.parent
    secret = _outside_image(tmp_path)
    build_all(manifest, formats=["epub"])
    entry = _entries(manifest)["sources/harbour.html"]
    data = json.loads(entry.read_text())
    text = json.dumps(data)
    assert '"local": "sources/images/chart.svg"' in text
    if where == "absolute":
        local = str(secret)
    elif where == "dotdot":
        local = "sources/../../elsewhere/secret.svg"
    else:  # a link inside the project that leads out
        (root / "sources" / "images" / "innocent.svg").symlink_to(secret)
        local = "sources/images/innocent.svg"
    entry.write_text(text.replace('"local": "sources/images/chart.svg"', f'"local": {json.dumps(local)}'))
    result = build_all(manifest, formats=["epub"])
    assert result.stats.normalised == ["sources/harbour.html"]
    with zipfile.ZipFile(root / "build" / "test-pack.epub") as z:
        assert not any(SECRET.encode() in z.read(name) for name in z.namelist())


@pytest.mark.parametrize("damage", [
    lambda d: d.update(format="something-else"),
    lambda d: d.update(version=1),
    lambda d: d.update(key="0" * 64),
    lambda d: d["article"].update(type="Publication"),
    lambda d: d["article"]["blocks"].append({"type": "os.system", "command": "true"}),
    lambda d: d["article"]["meta"].update(title=["not", "text"]),
    lambda d: d["article"].update(unknown_field=1),
    lambda d: d["article"].update(diagnostics=[{"type": "Diagnostic", "code": "X999", "message": "m"}]),
    lambda d: d["article"].update(source="/etc/passwd"),
    lambda d: d.update(deps=[["../../etc/passwd", True]]),
    lambda d: d.update(deps="all"),
], ids=["format", "version", "key", "root-type", "unknown-node", "field-type", "unknown-field",
        "diagnostic-code", "source-outside", "dependency-outside", "dependencies-type"])
def test_a_foreign_or_malformed_entry_is_a_miss(tmp_path, damage):
    manifest = copy_root("test-pack", tmp_path)
    build_all(manifest, formats=["epub"])
    entry = _entries(manifest)["sources/harbour.html"]
    data = json.loads(entry.read_text())
    damage(data)
    entry.write_text(json.dumps(data))
    assert build_all(manifest, formats=["epub"]).stats.normalised == ["sources/harbour.html"]


def test_an_entry_round_trips_to_the_same_article(tmp_path):
    manifest = copy_root("test-pack", tmp_path)
    result = build_all(manifest, formats=["epub"])
    root = manifest.parent
    store = ArticleCache(root)
    for article in result.publication.articles:
        data = json.loads(json.dumps(modeljson.encode(article, root)))
        again = modeljson.decode(data, Article, root)
        assert again == article
    entries = _entries(manifest)
    assert sorted(entries) == ["sources/archive.md", "sources/harbour.html", "sources/notes.txt"]
    for entry in entries.values():
        assert store.get(entry.stem) is not None
        assert str(root) not in entry.read_text()  # project-relative: the same in any folder
