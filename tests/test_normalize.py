"""The normaliser, data-driven: one folder per case under ``fixtures/normalize``.

Each case holds ``in.<ext>`` (a page, export, fragment, text or Markdown file),
``expected.html`` (the normalised body exactly as ``pubbuild normalize`` prints it)
and optionally ``meta.json``: metadata the article must carry, plus ``_codes``
(diagnostic codes that must be raised) and ``_not_codes`` (codes that must not).

Golden files are only rewritten on request::

    PUBBUILD_UPDATE_GOLDEN=1 python -m pytest tests/test_normalize.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pubbuild.normalize import render
from pubbuild.reader import read_file

CASES = Path(__file__).resolve().parent / "fixtures" / "normalize"
UPDATE = os.environ.get("PUBBUILD_UPDATE_GOLDEN") == "1"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def _source(case: Path) -> Path:
    found = sorted(case.glob("in.*"))
    assert len(found) == 1, f"{case.name}: expected exactly one in.* file"
    return found[0]


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_normalized_body(case: Path) -> None:
    article = read_file(_source(case), case)
    got = render(article, "html")
    golden = case / "expected.html"
    if UPDATE:
        golden.write_text(got, encoding="utf-8")
    assert golden.is_file(), f"{case.name}: no expected.html (run with PUBBUILD_UPDATE_GOLDEN=1)"
    assert got == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", [c for c in _cases() if (c / "meta.json").is_file()],
                         ids=lambda p: p.name)
def test_metadata_and_diagnostics(case: Path) -> None:
    want = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    article = read_file(_source(case), case)
    codes = {d.code for d in article.diagnostics}
    for code in want.pop("_codes", []):
        assert code in codes, f"{case.name}: diagnostic {code} not raised (got {sorted(codes)})"
    for code in want.pop("_not_codes", []):
        assert code not in codes, f"{case.name}: diagnostic {code} raised"
    for key, value in want.items():
        assert getattr(article.meta, key) == value, f"{case.name}: meta.{key}"


def test_there_are_enough_cases() -> None:
    assert len(_cases()) >= 30


def test_out_dir_sweeps_what_a_killed_run_left_and_keeps_other_hidden_files(tmp_path: Path) -> None:
    from pubbuild.normalize import normalize_paths

    page = tmp_path / "in" / "story.html"
    page.parent.mkdir()
    page.write_text("<html lang='en'><body><article><h1>T</h1><p>Text of the story.</p></article>"
                    "</body></html>", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    dead = 2**22 + 12345  # above the default pid_max of 4,194,304: no such process
    leftover = out / f".story.html.{dead}.abcd1234.part"
    leftover.write_text("half", encoding="utf-8")
    other = out / ".keep"
    other.write_text("mine", encoding="utf-8")
    assert normalize_paths([page], out, "html", print) == 0
    assert not leftover.exists() and other.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == [".keep", "story.html"]
