"""Helpers for the pack tests: fresh copies of the sample projects under tests/roots/."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOTS = Path(__file__).resolve().parent / "roots"


def copy_root(name: str, tmp_path: Path) -> Path:
    """A fresh copy of ``tests/roots/<name>`` (builds write into the project); its manifest."""
    target = tmp_path / name
    shutil.copytree(ROOTS / name, target, ignore=shutil.ignore_patterns("build"))
    return target / "pubbuild.yaml"
