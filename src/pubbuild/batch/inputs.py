"""What a batch builds: the command line's inputs resolved to one :class:`Job` per publication.

An input is a project folder (holding ``pubbuild.yaml``), a manifest file (``.yaml``/``.yml``),
or a text file listing either, one a line (relative to the list's folder; blank lines and
lines starting with ``#`` are skipped).  A path that does not exist is a bad command line
(nothing is built); a manifest that does not load is one failed publication among the others.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigurationError, PubbuildError

MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass(slots=True)
class Job:
    """One publication of the batch: a task for one worker.  Plain data (paths as text),
    so that it travels to a worker on another machine unchanged."""

    label: str
    """The input as the user gave it (the report's key)."""
    manifest: str
    """Absolute path of the manifest."""
    root: str
    """The project folder: everything the build reads lies inside it."""
    slug: str | None = None
    """Base name of the outputs, from the manifest; None when the manifest does not load."""
    error: str | None = None
    """Why the job cannot even start (a manifest that does not load, a slug already taken)."""
    files: list[str] | None = None
    """The project files the outputs depend on, relative to ``root``; None: every file of the
    project folder outside ``build/`` and hidden folders."""
    provenance: dict[str, dict] = field(default_factory=dict)
    """Source file (relative to ``root``) -> where it came from (a web archive's record), for
    the deposit's metadata."""
    warc: bool = False
    """Built from web archive records: pages in which the reader finds no article are left out."""


def resolve(paths: list[Path]) -> dict[Path, str]:
    """The manifests named by ``paths`` (folders, manifests, list files), in order, each once,
    with the input as given that first named it.
    A path that does not exist, or a folder with no ``pubbuild.yaml``, is a
    :class:`ConfigurationError` listing every such path."""
    found: dict[Path, str] = {}
    problems: list[str] = []
    for path in paths:
        for manifest, label in _manifests(path, problems, listed_in=None):
            found.setdefault(manifest.absolute(), label)
    if problems:
        raise ConfigurationError(problems[0], problems)
    return found


def _manifests(path: Path, problems: list[str], listed_in: Path | None) -> list[tuple[Path, str]]:
    where = f"{listed_in}: " if listed_in else ""
    if path.is_dir():
        manifest = path / "pubbuild.yaml"
        if not manifest.is_file():
            problems.append(f"{where}{path}: a folder without pubbuild.yaml is no project")
            return []
        return [(manifest, str(path))]
    if not path.is_file():
        problems.append(f"{where}{path}: no such file or folder")
        return []
    if path.suffix.lower() in MANIFEST_SUFFIXES:
        return [(path, str(path))]
    if listed_in is not None:  # a list names projects and manifests, not further lists
        problems.append(f"{where}{path}: expected a project folder or a manifest (.yaml)")
        return []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read the list of inputs: {exc}")
        return []
    out: list[tuple[Path, str]] = []
    for number, line in enumerate(lines, 1):
        entry = line.strip()
        if entry and not entry.startswith("#"):
            out += _manifests(path.parent / entry, problems, Path(f"{path}:{number}"))
    return out


def jobs(manifests: dict[Path, str]) -> list[Job]:
    """A job per manifest (-> its label), its slug from the manifest; a manifest that does not
    load gets a job that fails with the reason."""
    from ..assemble.publication import load_manifest

    out: list[Job] = []
    for manifest, label in manifests.items():
        job = Job(label=label, manifest=str(manifest), root=str(manifest.resolve().parent))
        try:
            job.slug = load_manifest(manifest).slug
        except PubbuildError as exc:
            job.error = "\n".join(exc.lines())
        out.append(job)
    return out


# ------------------------------------------------------------------ what the outputs depend on


def project_files(root: Path, exclude: Path | None = None) -> list[str]:
    """Every file of the project folder, relative and sorted, outside ``build/`` (outputs and
    the article cache), hidden folders and files, and ``exclude`` (the batch's own output
    folder, when it lies in the project)."""
    out: list[str] = []
    skip = exclude.resolve() if exclude is not None else None
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (here == root and d == "build")
                         and (skip is None or (here / d).resolve() != skip))
        out += [(here / f).relative_to(root).as_posix() for f in files if not f.startswith(".")]
    return sorted(out)


def digest(root: Path, files: list[str]) -> str:
    """SHA-256 over the files' relative paths and contents: the same project anywhere (another
    folder, another machine) has the same digest."""
    total = hashlib.sha256()
    for rel in files:
        total.update(rel.encode() + b"\0")
        try:
            total.update(file_sha256(root / rel).encode())
        except OSError:
            total.update(b"missing")
        total.update(b"\0")
    return total.hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
