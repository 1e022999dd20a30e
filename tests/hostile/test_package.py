"""The wheel carries what pubbuild reads at run time (issue 12: a non-editable install
could not build anything because styles and fonts lived outside the package)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT

from pubbuild.backends.pdf.fonts import FACES
from pubbuild.resources import fonts_dir, styles_dir


def test_the_wheel_ships_styles_fonts_and_licences(tmp_path):
    # Built from a copy: setuptools leaves build/ and egg-info behind in the tree it builds.
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    # --no-build-isolation: the build backend is already installed, and no network is needed.
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(tmp_path / "dist"), str(tree)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("pubbuild-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {"pubbuild/data/styles/epub.css", "pubbuild/data/styles/print.css", "pubbuild/data/labels.toml",
              "pubbuild/data/fonts/README.md", "pubbuild/data/fonts/noto/OFL.txt",
              "pubbuild/data/fonts/dejavu/LICENSE.txt"}
    wanted |= {f"pubbuild/data/fonts/{face.file}" for face in FACES}
    # Every file of the package, whatever reads it (the preview's script and page styles in
    # serve/, py.typed, a data file added later): one the package-data globs miss fails here.
    package = tree / "src" / "pubbuild"
    shipped = {f"pubbuild/{p.relative_to(package).as_posix()}" for p in package.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert {"pubbuild/serve/reload.js", "pubbuild/serve/page.css", "pubbuild/py.typed"} <= shipped
    assert (wanted | shipped) - names == set()


def test_resources_come_from_the_package_not_the_checkout():
    package = Path(sys.modules["pubbuild"].__file__).resolve().parent
    assert styles_dir().resolve() == package / "data" / "styles"
    assert fonts_dir().resolve() == package / "data" / "fonts"
    assert all((fonts_dir() / face.file).is_file() for face in FACES)


def test_the_sample_project_styles_are_the_house_styles():
    # The sample project's styles/ (what `pubbuild init` writes) is a link to the package data,
    # so the two cannot drift.
    for css in styles_dir().glob("*.css"):
        assert (ROOT / "styles" / css.name).read_bytes() == css.read_bytes(), css.name
