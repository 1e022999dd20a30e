"""Helpers for the pack tests: fresh copies of the sample projects under tests/roots/, and
projects built once per test run and shared read-only (as Sphinx's ``shared_result`` does)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

ROOTS = Path(__file__).resolve().parent / "roots"


def copy_root(name: str, tmp_path: Path) -> Path:
    """A fresh copy of ``tests/roots/<name>`` (builds write into the project); its manifest."""
    target = tmp_path / name
    shutil.copytree(ROOTS / name, target, ignore=shutil.ignore_patterns("build"))
    return target / "pubbuild.yaml"


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every process of this test run shares: with pytest-xdist each worker has a
    base temporary folder of its own, all inside one folder for the run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``make`` filled once in this test run, whichever worker asked first.

    The others wait on a file lock and then use what it made; tests only read it (a test that
    changes a project works on a copy).  A half-made folder (``make`` failed) is made again by the
    next worker, which then fails the same way instead of reading half a build.
    """
    target = run_folder(tmp_path_factory) / f"shared-{name}"
    done = target / ".made"
    with FileLock(f"{target}.lock"):
        if not done.is_file():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            make(target)
            done.touch()
    return target
