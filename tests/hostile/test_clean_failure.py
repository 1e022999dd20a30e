"""A place that cannot take the output fails cleanly (issue 23): exit 2 naming it, and no
temporary left behind.  A full disk (here ``ulimit -f``, which fails writes the same way
without needing a small file system) aborted ``pdf``/``build`` in the PDF save (SIGABRT,
134) leaving ``.pikepdf…`` and ``.part`` files; ``deposit`` and ``normalize`` exited 1 or
70; a FIFO given as the manifest blocked the build forever."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from packutil import copy_root

from pubbuild import partfiles

#: Output files bigger than this cannot be written (the inputs are read, never written).
LIMIT = 24 * 1024


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _run(argv: list[str], cwd: Path, limited: bool = True) -> subprocess.CompletedProcess:
    # The timeout guards against a build that blocks (a FIFO), far above what one takes.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "pubbuild", *argv], cwd=cwd, check=False, env=env,
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=_limited if limited else None)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(".") and
                  (".part" in p.name or p.name.startswith(".pikepdf")))


def _big_article(folder: Path) -> None:
    """Text that compresses badly enough for every output to pass :data:`LIMIT`."""
    rng = random.Random(23)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
             for _ in range(12000)]
    paras = "".join(f"<p>{' '.join(words[i:i + 120])}.</p>" for i in range(0, len(words), 120))
    (folder / "article.html").write_text(
        f"<html lang=en><head><title>Big</title></head><body><article><h1>Big</h1>{paras}</article></body></html>")


@pytest.fixture
def project(tmp_path) -> Path:
    manifest = copy_root("epub-certified", tmp_path)
    _big_article(manifest.parent)
    return manifest.parent


@pytest.fixture
def full_disk(project) -> Path:
    """``out/`` in the project: a file system with a few kilobytes free (needs root)."""
    place = project / "out"
    place.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(place)],
                                           check=False, capture_output=True).returncode != 0:
        pytest.skip("mounting a small file system needs root")
    (place / "filler").write_bytes(b"\0" * 48 * 1024)
    yield place
    subprocess.run(["umount", str(place)], check=False)


@pytest.mark.parametrize("argv", [
    ["pdf", "-j", "2", "-o", "out/book.pdf"],
    ["pdf", "-j", "1", "--archival", "-o", "out/book.pdf"],
    ["epub", "-o", "out/book.epub"],
    ["build", "--out-dir", "out"],
    ["deposit", "-o", "out/deposit"],
    ["normalize", "article.html", "--out-dir", "out"],
], ids=["pdf-parallel", "pdf-archival", "epub", "build", "deposit", "normalize"])
def test_a_full_disk_is_exit_2_and_leaves_no_temporary(project, full_disk, argv):
    done = _run(argv, project, limited=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "cannot write" in done.stderr and "out/" in done.stderr and "Traceback" not in done.stderr
    assert ".part" not in done.stderr  # the output is named, not its temporary
    assert _leftovers(full_disk) == []


@pytest.mark.parametrize("argv", [["deposit", "-o", "out/deposit"], ["pdf", "-j", "2", "-o", "out/book.pdf"]],
                         ids=["deposit", "pdf-parallel"])
def test_ulimit_f_is_exit_2_and_leaves_no_temporary(project, argv):
    """``ulimit -f`` fails every write past the size, wherever it goes (the language model's
    temporary file too): whichever comes first, a clear exit 2, never a crash."""
    (project / "out").mkdir()
    done = _run(argv, project)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "cannot write" in done.stderr and "Traceback" not in done.stderr
    assert _leftovers(project) == []


def test_a_pikepdf_temporary_of_a_dead_run_is_swept(tmp_path):
    dead = 2 ** 22 + 1  # above the default pid_max: no process has it
    for name in (f".pikepdf..book.pdf.{dead}.abcdefgh.partqwertyui", f".book.pdf.{dead}.abcdefgh.part"):
        (tmp_path / name).write_bytes(b"%PDF")
    (tmp_path / ".pikepdf.someone-elses").write_bytes(b"")
    assert len(partfiles.sweep(tmp_path, "book.pdf")) == 2
    assert sorted(os.listdir(tmp_path)) == [".pikepdf.someone-elses"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("what", ["manifest", "article"])
def test_a_fifo_is_refused_never_read(tmp_path, what):
    if what == "manifest":
        os.mkfifo(tmp_path / "pubbuild.yaml")
    else:
        (tmp_path / "pubbuild.yaml").write_text("title: T\nlanguage: en\narticles: [pipe.html]\n")
        os.mkfifo(tmp_path / "pipe.html")
    done = _run(["epub", "pubbuild.yaml"], tmp_path, limited=False)
    assert done.returncode == 2 and ("regular file" in done.stderr or "not found" in done.stderr)


def test_deposit_onto_a_link_to_nothing_is_refused(project):
    link = project / "dangling"
    link.symlink_to(project / "nowhere")
    done = _run(["deposit", "-o", str(link)], project, limited=False)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert link.is_symlink() and not (project / "nowhere").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="a read-only mount needs root")
def test_deposit_on_a_read_only_file_system_is_exit_2(project, tmp_path):
    place = tmp_path / "ro"
    place.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(place)],
                             check=False, capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount here")
    try:
        done = _run(["deposit", "-o", str(place / "deposit")], project, limited=False)
    finally:
        subprocess.run(["umount", str(place)], check=False)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "cannot write" in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("argv", [["normalize", "article.html"], ["epub", "article.html", "-o", "-"],
                                  ["schema", "-o", "-"]],
                         ids=["normalize", "epub", "schema"])
def test_a_full_standard_output_is_exit_2(project, argv):
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "pubbuild", "-q", *argv], cwd=project, check=False,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 2 and "standard output: cannot write" in done.stderr
