"""Helpers of the batch tests: tiny projects written here, and comparing output trees."""

from __future__ import annotations

import hashlib
from pathlib import Path

WORDS = ("harbour", "library", "railway", "orchard", "archive", "market", "bridge", "river",
         "school", "theatre", "museum", "garden", "bakery", "chapel")


def tiny_project(folder: Path, n: int, *, broken: bool = False) -> Path:
    """A one-article project ``folder`` (title ``Pack <n>``); ``broken``: its article holds no
    text, which the manifest cannot tell (the build fails, in the worker)."""
    (folder / "sources").mkdir(parents=True)
    word = WORDS[n % len(WORDS)]
    (folder / "pubbuild.yaml").write_text(
        f"title: Pack {n}\nslug: pack-{n:02d}\ndate: 2024-02-{n % 28 + 1:02d}\n"
        "creators: [Test Desk]\narticles:\n  - source: sources/article.html\n", encoding="utf-8")
    if broken:
        (folder / "sources" / "article.html").write_text("<html><body></body></html>")
    else:
        (folder / "sources" / "article.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>The {word}</title></head><body>'
            f"<article><h1>The {word}</h1><p>A short report on the {word} of town {n}, written "
            f"for the batch tests: it has a paragraph and nothing else.</p>"
            f"<p>A second paragraph about the {word}.</p></article></body></html>", encoding="utf-8")
    return folder


def tree(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``, leaving out the report (it has
    timings and worker names) and ``.cache`` (records of file times for ``check``)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and ".cache" not in path.parts and rel != "batch-report.json":
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
